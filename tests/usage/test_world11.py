"""World 11 (bench/usage_world11*.py), late July to mid September 2025: its pages fit the
providers' published specs and read back whole, a seed fixes it, every owner kind and theft is
there, each theft shows in its first 6 h, and its labels agree with its usage (outages and the
queues replayed after them, rotations, console use, the season's events)."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from bench import usage_blackbox11, usage_world11
from bench.usage_world11_base import DAY, DAYS, FIRST_JUDGED, HOUR, HOURS, MODELS, START, World
from bench.usage_world11_roster import OWNERS, QUEUED
from bench.usage_world11_thieves import FACTOR, FLOOR_TOKENS, KINDS, SIZES, ordinary_day
from leakward.usage.pages import read_page

SPECS = Path(__file__).parents[1] / "contracts" / "specs"
SCHEMA = {
    "openai": ("openai_usage", "UsageResponse"),
    "anthropic": ("anthropic_usage", "MessagesUsageReport"),
}
Cells = dict[
    str, dict[int, list[tuple[str, int, int, int]]]
]  # key, hour: (model, in, out, requests)


@pytest.fixture(scope="module", params=["openai", "anthropic"])
def world(request: pytest.FixtureRequest) -> World:
    return usage_world11.build_world(request.param, 131)


@pytest.fixture(scope="module")
def pages(world: World) -> list[dict[str, Any]]:
    return usage_world11.pages(world)


@pytest.fixture(scope="module")
def cells(world: World) -> Cells:
    table: Cells = {}
    for (key_id, hour, model), u in world.cells.items():
        table.setdefault(key_id, {}).setdefault(hour, []).append(
            (model, u.input_tokens + u.cached, u.output, u.requests)
        )
    return table


def _tokens(cells: Cells, key_id: str, hours: range) -> int:
    mine = cells.get(key_id, {})
    return sum(i + o for h in hours for _, i, o, _ in mine.get(h, ()))


def _window(cells: Cells, key_id: str, first: int) -> tuple[int, int, int, set[str]]:
    """Input tokens, output tokens, requests and models of the key in hours [first, first+6)."""
    mine = cells.get(key_id, {})
    got = [g for h in range(first, first + 6) for g in mine.get(h, ())]
    return (
        sum(g[1] for g in got),
        sum(g[2] for g in got),
        sum(g[3] for g in got),
        {g[0] for g in got},
    )


def test_a_seed_fixes_the_world_and_another_seed_changes_it(world: World) -> None:
    again = usage_world11.build_world(world.provider, 131)
    assert usage_world11.labels(again) == usage_world11.labels(world)
    assert again.cells == world.cells
    other = usage_world11.build_world(world.provider, 132)
    assert usage_world11.labels(other)["thefts"] != usage_world11.labels(world)["thefts"]


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
            read[record.key_id] += (
                record.input_tokens + record.cached_input_tokens + record.output_tokens
            )
    wrote = Counter[str]()
    for (key_id, _, _), cell in world.cells.items():
        wrote[key_id] += cell.tokens
    console = wrote.pop("")
    assert read == wrote
    assert console > 0
    assert [r for p in pages for b in p["data"] for r in b["results"] if r["api_key_id"] is None]


def test_twenty_owner_kinds_in_80_to_90_keys(world: World) -> None:
    kinds = Counter(k.archetype for k in world.keys)
    assert set(kinds) == set(OWNERS)
    assert len(OWNERS) == 20
    assert 80 <= len(world.keys) <= 90
    assert len({k.key_id for k in world.keys}) == len(world.keys)


def test_the_world_ends_before_today_and_the_harness_knows_it() -> None:
    assert time.time() > START + DAYS * DAY
    kit = usage_blackbox11.KIT
    assert (kit.days, kit.start, kit.judged.start) == (DAYS, START, FIRST_JUDGED)
    assert kit.seeds == (131, 132, 133)
    assert kit.calibration_seed == 139


def test_no_model_is_used_before_its_release(world: World) -> None:
    new = MODELS[world.provider]["new"]
    release = 15 if world.provider == "anthropic" else 17
    assert not [h for (_, h, m) in world.cells if m == new and h < release * 24]
    assert [h for (_, h, m) in world.cells if m == new]


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
        ordinary = ordinary_day(world, theft.key_id)
        assert theft.daily_tokens == max(round(FACTOR[theft.size] * ordinary), FLOOR_TOKENS)
        onset_hour = (theft.onset - START) // HOUR
        assert _tokens(cells, theft.key_id, range(onset_hour, onset_hour + 1)) > 0


def visible(world: World, cells: Cells, onset_time: int, key_id: str) -> str | None:
    """What an analyst would name in the first 6 h of usage from `onset_time` on the key that
    its history does not explain, or None: a model its history never used, more tokens (in the
    6 h or in one of its hours) than the same hours of any history day, or an output ratio or
    (OpenAI, which reports requests) tokens per request outside what the same 6 h showed on any
    history day."""
    onset = (onset_time - START) // HOUR
    seen = [_window(cells, key_id, d * 24 + onset % 24) for d in range(FIRST_JUDGED)]
    seen = [w for w in seen if w[0]]
    used, out, requests, models = _window(cells, key_id, onset)
    if not used:
        return None
    if not seen:
        return "usage at hours never used"
    if models - set().union(*(w[3] for w in seen)):
        return "a new model"
    if used + out > max(w[0] + w[1] for w in seen):
        return "more tokens in 6 h"
    for h in range(onset, onset + 6):
        before = [
            _tokens(cells, key_id, range(d * 24 + h % 24, d * 24 + h % 24 + 1))
            for d in range(FIRST_JUDGED)
        ]
        if _tokens(cells, key_id, range(h, h + 1)) > max(before):
            return "more tokens in an hour"
    ratios = [w[1] / w[0] for w in seen]
    if not min(ratios) <= out / used <= max(ratios):
        return "output ratio"
    sizes = [w[0] / w[2] for w in seen if w[2] >= 3]
    if world.provider == "openai" and sizes and not min(sizes) <= used / requests <= max(sizes):
        return "request size"
    return None


def test_a_theft_adds_usage_its_owners_history_does_not_explain(world: World, cells: Cells) -> None:
    """Fairness: each theft shows in its first 6 h in a way an analyst could name."""
    assert not [t for t in world.thefts if not visible(world, cells, t.onset, t.key_id)]


def test_the_visibility_check_can_fail(world: World, cells: Cells) -> None:
    """Most clean key-days of keys that lived all the world, judged as if a theft began at
    09:00 UTC, show nothing their history does not explain: the check is not met by any
    usage."""
    robbed = {t.key_id for t in world.thefts}
    keys = [k for k in world.keys if k.key_id not in robbed and (k.born, k.dies) == (0, HOURS)]
    names = [
        visible(world, cells, START + (d * 24 + 9) * HOUR, k.key_id)
        for k in keys
        for d in range(FIRST_JUDGED, DAYS - 1)
    ]
    assert names.count(None) > len(names) / 2


def test_clean_days_are_the_days_a_key_lived_before_its_thefts_day(world: World) -> None:
    robbed = {t.key_id: (t.onset - START) // DAY for t in world.thefts}
    for key in world.keys[::5] + [k for k in world.keys if k.key_id in robbed]:
        for day in range(FIRST_JUDGED, DAYS):
            clean = usage_world11.is_clean_day(world, key.key_id, day)
            alive = key.born < (day + 1) * 24 and day * 24 < key.dies
            assert clean == (alive and (key.key_id not in robbed or day < robbed[key.key_id]))


def test_no_usage_in_outages_and_queued_owners_replay_after(world: World, cells: Cells) -> None:
    assert len(world.outages) == 2
    assert world.outages[0][1] <= FIRST_JUDGED * 24 <= world.outages[1][0]
    for first, last in world.outages:
        assert not [c for (_, h, _), c in world.cells.items() if first <= h < last]
    queued = {k.key_id for k in world.keys if k.archetype in QUEUED}
    replayed = {k for (k, _), e in world.events.items() if "outage backlog" in e}
    assert replayed
    assert replayed <= queued


def test_owners_rotate_four_keys_inside_the_judged_weeks(world: World, cells: Cells) -> None:
    old = [k for k in world.keys if k.dies < HOURS]
    new = [k for k in world.keys if k.born > 0]
    assert len(old) == len(new) == 4
    for before, after in zip(old, new, strict=True):
        assert before.dies == after.born >= FIRST_JUDGED * 24
        assert (before.archetype, before.zone) == (after.archetype, after.zone)
        assert _tokens(cells, before.key_id, range(before.dies, HOURS)) == 0
        assert _tokens(cells, after.key_id, range(after.born)) == 0
        assert not usage_world11.is_clean_day(world, after.key_id, FIRST_JUDGED)


def test_the_seasons_events_are_labelled_on_their_days(world: World) -> None:
    def days_with(event: str) -> set[int]:
        return {day for (_, day), events in world.events.items() if event in events}

    assert 42 in days_with("deadline day")  # 1 September, the transfer window closes
    assert days_with("labor day") == {42, 43}  # 1 September in US zones, into UTC's 2nd
    assert 24 in days_with("results day")  # 14 August, A levels
    assert days_with("august shutdown")
    assert max(days_with("august shutdown")) < FIRST_JUDGED
    assert min(days_with("switched model")) >= 21  # after GPT-5's trial nights
    assert 45 in days_with("switched model")  # one team switches in the judged weeks
    assert days_with("launch day") & set(range(FIRST_JUDGED, DAYS))
    assert days_with("handed over") & set(range(FIRST_JUDGED, DAYS))


def test_a_leavers_key_is_idle_between_owners(world: World, cells: Cells) -> None:
    for key in [k for k in world.keys if k.archetype == "leaver_handoff"]:
        gap = [d for (k, d), e in world.events.items() if k == key.key_id and "between owners" in e]
        assert gap
        assert _tokens(cells, key.key_id, range(min(gap) * 24 + 24, max(gap) * 24)) == 0


def test_a_queue_replays_its_backlog_within_two_hours_of_an_outage(
    world: World, cells: Cells
) -> None:
    """The nightly batches (01-05 UTC) caught by the OpenAI world's judged outage (02-05 UTC)
    send their queue at 05:00 and 06:00, and nothing after it in their idle hours."""
    robbed = {t.key_id for t in world.thefts}
    batches = [k for k in world.keys if k.archetype == "batch_switch" and k.key_id not in robbed]
    assert batches
    for _, last in world.outages:
        for key in batches:
            assert _tokens(cells, key.key_id, range(last + 2, last + 5)) == 0
    if world.provider == "openai":
        last = world.outages[1][1]
        assert all(_tokens(cells, k.key_id, range(last, last + 2)) > 0 for k in batches)
