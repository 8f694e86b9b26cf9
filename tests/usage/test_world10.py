"""World 10 (bench/usage_world10*.py), the Christmas and New Year world: its pages fit the
providers' published specs and read back whole, a seed fixes it, and its labels agree with its
usage (thefts in the judged weeks, clean days before them, outages, rotations, console use)."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from bench import usage_world10
from bench.usage_world10_base import DAY, DAYS, FIRST_JUDGED, HOUR, HOURS, START, Usage, World
from bench.usage_world10_owners import OWNERS
from bench.usage_world10_thieves import FACTOR, FLOOR_TOKENS, KINDS, SIZES
from leakward.usage.pages import read_page

SPECS = Path(__file__).parents[1] / "contracts" / "specs"
SCHEMA = {
    "openai": ("openai_usage", "UsageResponse"),
    "anthropic": ("anthropic_usage", "MessagesUsageReport"),
}


@pytest.fixture(scope="module", params=["openai", "anthropic"])
def world(request: pytest.FixtureRequest) -> World:
    return usage_world10.build_world(request.param, 121)


@pytest.fixture(scope="module")
def pages(world: World) -> list[dict[str, Any]]:
    return usage_world10.pages(world)


Cells = dict[str, list[tuple[int, str, Usage]]]


@pytest.fixture(scope="module")
def cells(world: World) -> Cells:
    """The world's cells by key: (hour, model, usage)."""
    table: Cells = {}
    for (key_id, hour, model), usage in world.cells.items():
        table.setdefault(key_id, []).append((hour, model, usage))
    return table


def _tokens(cells: Cells, key_id: str, hours: range) -> int:
    return sum(
        u.input_tokens + u.cached + u.output for h, _, u in cells.get(key_id, []) if h in hours
    )


def _window(cells: Cells, key_id: str, first: int) -> tuple[int, int, int, set[str]]:
    """Input tokens, output tokens, requests and models of the key in hours [first, first+6)."""
    got = [
        (u.input_tokens + u.cached, u.output, u.requests, m)
        for h, m, u in cells.get(key_id, [])
        if first <= h < first + 6
    ]
    return (
        sum(g[0] for g in got),
        sum(g[1] for g in got),
        sum(g[2] for g in got),
        {g[3] for g in got},
    )


def test_a_seed_fixes_the_world_and_another_seed_changes_it(world: World) -> None:
    again = usage_world10.build_world(world.provider, 121)
    assert usage_world10.labels(again) == usage_world10.labels(world)
    assert again.cells == world.cells
    other = usage_world10.build_world(world.provider, 122)
    assert usage_world10.labels(other)["thefts"] != usage_world10.labels(world)["thefts"]


def test_pages_fit_the_providers_published_specs(world: World, pages: list[dict[str, Any]]) -> None:
    name, schema = SCHEMA[world.provider]
    spec = yaml.safe_load((SPECS / f"{name}.yaml").read_text("utf-8"))
    validator = Draft202012Validator(
        {"$ref": f"#/components/schemas/{schema}", "components": spec["components"]}
    )
    for page in pages:  # each page whole but for its buckets, of which a few with results
        full = [b for b in page["data"] if b["results"]]
        trimmed = page | {"data": [page["data"][0], *full[:: max(1, len(full) // 3)]]}
        assert not [e.message for e in validator.iter_errors(trimmed)]
    assert len(pages) == HOURS // 168
    assert [p["has_more"] for p in pages] == [True] * (len(pages) - 1) + [False]


def test_leakwards_reader_reads_every_token_back(world: World, pages: list[dict[str, Any]]) -> None:
    read = Counter[str]()
    for page in pages:
        for record in read_page(world.provider, page).records:
            tokens = record.input_tokens + record.cached_input_tokens + record.output_tokens
            read[record.key_id] += tokens
    wrote = Counter[str]()
    for (key_id, _, _), cell in world.cells.items():
        wrote[key_id] += cell.input_tokens + cell.cached + cell.output
    console = wrote.pop("")
    assert read == wrote
    assert console > 0
    nulls = [
        r
        for page in pages
        for bucket in page["data"]
        for r in bucket["results"]
        if r["api_key_id"] is None
    ]
    assert nulls  # console use is written with no API key, as the APIs do


def test_twenty_owner_kinds_in_about_85_keys(world: World) -> None:
    kinds = Counter(k.archetype for k in world.keys)
    assert set(kinds) == set(OWNERS)
    assert 80 <= len(world.keys) <= 90
    assert len({k.key_id for k in world.keys}) == len(world.keys)


def test_the_world_ends_before_today() -> None:
    assert time.time() > START + DAYS * DAY


def test_ten_kinds_of_theft_at_three_sizes_start_in_the_judged_weeks(
    world: World, cells: Cells
) -> None:
    assert Counter((t.kind, t.size) for t in world.thefts) == Counter(
        (kind, size) for kind in KINDS for size in SIZES
    )
    assert len({t.key_id for t in world.thefts}) == len(world.thefts)
    first, end = START + FIRST_JUDGED * DAY, START + DAYS * DAY
    for theft in world.thefts:
        assert first <= theft.onset <= end - 6 * HOUR
        assert theft.daily_tokens >= FACTOR[theft.size] * FLOOR_TOKENS
        onset_hour = (theft.onset - START) // HOUR
        assert _tokens(cells, theft.key_id, range(onset_hour, onset_hour + 1)) > 0


def test_a_theft_adds_usage_its_owners_history_does_not_explain(world: World, cells: Cells) -> None:
    """Fairness: in a theft's first 6 h its key uses a model its history never used, or more
    tokens (in the 6 h or in one of its hours), or an output ratio or tokens per request outside
    anything the same 6 h of the day showed on any history day with a few requests."""
    for theft in world.thefts:
        onset = (theft.onset - START) // HOUR
        seen = [_window(cells, theft.key_id, d * 24 + onset % 24) for d in range(FIRST_JUDGED)]
        seen = [w for w in seen if w[2] >= 3]  # one or two requests make no shape to judge by
        used, out, requests, models = _window(cells, theft.key_id, onset)
        old_models = set().union(*(w[3] for w in seen))
        ratios = [w[1] / w[0] for w in seen]
        sizes = [w[0] / w[2] for w in seen]
        assert (
            not seen
            or models - old_models
            or used + out > max(w[0] + w[1] for w in seen)
            or any(
                _tokens(cells, theft.key_id, range(h, h + 1))
                > max(
                    _tokens(cells, theft.key_id, range(d * 24 + h % 24, d * 24 + h % 24 + 1))
                    for d in range(FIRST_JUDGED)
                )
                for h in range(onset, onset + 6)
            )
            or not min(ratios) <= out / used <= max(ratios)
            or not min(sizes) <= used / requests <= max(sizes)
        ), theft


def test_clean_days_are_those_before_a_thefts_day(world: World) -> None:
    robbed = {t.key_id: (t.onset - START) // DAY for t in world.thefts}
    for key in world.keys[::7] + [k for k in world.keys if k.key_id in robbed]:
        for day in range(FIRST_JUDGED, DAYS):
            clean = usage_world10.is_clean_day(world, key.key_id, day)
            alive = key.born < (day + 1) * 24 and day * 24 < key.dies
            assert clean == (alive and (key.key_id not in robbed or day < robbed[key.key_id]))


def test_days_a_rotated_key_did_not_live_are_not_clean_days(world: World) -> None:
    rotated = [k for k in world.keys if k.born > 0 or k.dies < HOURS]
    assert rotated
    for key in rotated:
        lived = [
            d for d in range(FIRST_JUDGED, DAYS) if key.born < (d + 1) * 24 and d * 24 < key.dies
        ]
        assert len(lived) < DAYS - FIRST_JUDGED
        for day in set(range(FIRST_JUDGED, DAYS)) - set(lived):
            assert not usage_world10.is_clean_day(world, key.key_id, day)


def test_no_usage_during_outages_and_queued_owners_replay_after(world: World) -> None:
    assert len(world.outages) == 2
    assert world.outages[1][0] >= FIRST_JUDGED * 24
    for first, last in world.outages:
        assert not [c for (_, h, _), c in world.cells.items() if first <= h < last]
    replayed = [k for (k, _), e in world.events.items() if "outage backlog" in e]
    assert replayed


def test_rotated_keys_hand_over_inside_the_judged_weeks(world: World, cells: Cells) -> None:
    old = [k for k in world.keys if k.dies < HOURS]
    new = [k for k in world.keys if k.born > 0]
    assert len(old) == len(new) == 4
    for before, after in zip(old, new, strict=True):
        assert before.dies == after.born >= FIRST_JUDGED * 24
        assert _tokens(cells, before.key_id, range(before.dies, HOURS)) == 0
        assert _tokens(cells, after.key_id, range(after.born)) == 0


def test_the_seasons_events_are_labelled_on_their_days(world: World) -> None:
    def days_with(event: str) -> set[int]:
        return {day for (_, day), events in world.events.items() if event in events}

    assert 11 in days_with("black friday")  # 28 November
    assert days_with("new year's eve midnight") <= {44, 45}  # 31 December and 1 January UTC
    assert days_with("new year's eve midnight")
    assert min(days_with("on leave")) >= 32  # 20 December, local
    assert days_with("summer shutdown")
    assert min(days_with("summer shutdown")) >= 31


def test_a_departed_owners_key_is_idle_until_a_thief_finds_it(world: World, cells: Cells) -> None:
    gone = [k for k in world.keys if k.archetype == "leave_dev" and k.variant == 2]
    robbed = {t.key_id: (t.onset - START) // HOUR for t in world.thefts}
    for key in gone:
        quiet_until = robbed.get(key.key_id, HOURS)
        assert _tokens(cells, key.key_id, range(27 * 24, quiet_until)) == 0
