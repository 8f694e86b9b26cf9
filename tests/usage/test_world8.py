"""World 8 (bench/usage_world8*): the same world for the same seed, pages that fit both
providers' published specs and hold exactly the world's tokens, thefts labelled as they happen,
and owners' calendars as the world claims.

Stage: tests (usage benchmark). The pages are read back here by hand, so these tests check the
world and the shared page writer on their own; one test also reads them with leakward's page
reader, as the scorer's mean/std reference does, and nothing here runs leakward's model.
"""

from __future__ import annotations

import hashlib
import statistics
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker

from bench.usage_blackbox8 import KIT
from bench.usage_blackbox_calendar import score
from bench.usage_page_writer import write_pages
from bench.usage_world8 import build_world, events, is_clean_day, pages, records
from bench.usage_world8_base import DAY, END, HOUR, HOURS, JUDGED_DAYS, MODELS, START, World
from bench.usage_world8_calendar import HOLIDAYS, OUTAGES, local_clock
from bench.usage_world8_habits import day_factor
from bench.usage_world8_owners import SHAPES
from bench.usage_world8_roster import roster
from bench.usage_world8_thieves import KINDS, SIZES
from leakward.usage.pages import read_page

SPECS = Path(__file__).resolve().parent.parent / "contracts" / "specs"
SCHEMAS = {
    "openai": ("openai_usage", "UsageResponse"),
    "anthropic": ("anthropic_usage", "MessagesUsageReport"),
}
SEED = 101


@pytest.fixture(scope="module", params=["openai", "anthropic"])
def world(request: pytest.FixtureRequest) -> World:
    return build_world(request.param, SEED)


def _cells(world: World, key_id: str) -> dict[tuple[int, str], list[int]]:
    merged: dict[tuple[int, str], list[int]] = {}
    for cells in (world.owner[key_id], world.stolen.get(key_id, {})):
        for at, cell in cells.items():
            merged[at] = [a + b for a, b in zip(merged.get(at, [0, 0, 0, 0]), cell, strict=True)]
    return merged


def _tokens(provider: str, result: dict[str, Any]) -> int:
    """A result's tokens as the provider counts them: OpenAI's `input_tokens` holds the cached
    ones; Anthropic's uncached, cache-written and cache-read inputs are apart."""
    if provider == "openai":
        return int(result["input_tokens"]) + int(result["output_tokens"])
    return (
        int(result["uncached_input_tokens"])
        + sum(result["cache_creation"].values())
        + int(result["cache_read_input_tokens"])
        + int(result["output_tokens"])
    )


def test_a_seed_gives_the_same_world_and_another_seed_another(world: World) -> None:
    def digest(w: World) -> str:  # the records are what the page writer writes, in order
        return hashlib.sha256(repr(list(records(w))).encode()).hexdigest()

    again = build_world(world.provider, SEED)
    assert again.keys == world.keys
    assert again.thefts == world.thefts
    assert again.events == world.events
    assert digest(again) == digest(world)
    other = build_world(world.provider, SEED + 1)
    assert other.thefts != world.thefts
    assert digest(other) != digest(world)


def test_a_day_of_pages_fits_the_providers_published_spec(world: World) -> None:
    spec, name = SCHEMAS[world.provider]
    document = yaml.safe_load((SPECS / f"{spec}.yaml").read_text(encoding="utf-8"))
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    theft = min(world.thefts, key=lambda t: t.onset)  # the window holds the first theft's onset
    first = theft.onset - (theft.onset - START) % DAY
    window = [r for r in records(world) if first <= r.start < first + DAY]
    written: list[Any] = write_pages(world.provider, window, (first, first + DAY), "1h", limit=6)
    assert len(written) == 4
    for page in written:
        problems = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(page)]
        assert not problems, problems[:5]
    results = [r for page in written for b in page["data"] for r in b["results"]]
    assert any(r["api_key_id"] is None for r in results)  # the console's use, no key
    assert any(r["api_key_id"] == theft.key_id for r in results)
    assert all(r["model"] for r in results)


def test_the_pages_hold_exactly_the_worlds_tokens_hour_by_hour(world: World) -> None:
    written: list[Any] = pages(world)
    buckets = [b for page in written for b in page["data"]]
    assert len(buckets) == HOURS
    assert [p["has_more"] for p in written] == [True] * (len(written) - 1) + [False]
    read: Counter[str] = Counter()
    requests: Counter[str] = Counter()
    for index, bucket in enumerate(buckets):
        start = bucket["start_time"] if world.provider == "openai" else bucket["starting_at"]
        assert start == (START + index * HOUR if world.provider == "openai" else _iso(index))
        for result in bucket["results"]:
            key = result["api_key_id"] or ""
            read[key] += _tokens(world.provider, result)
            requests[key] += result.get("num_model_requests", 0)
    own: Counter[str] = Counter()
    own_requests: Counter[str] = Counter()
    for key in world.keys:
        for cell in _cells(world, key.key_id).values():
            own[key.key_id] += sum(cell[1:])
            own_requests[key.key_id] += cell[0]
    own[""] = sum(sum(c[1:]) for c in world.console.values())
    own_requests[""] = sum(c[0] for c in world.console.values())
    assert +read == +own
    if world.provider == "openai":
        assert +requests == +own_requests
    else:  # Anthropic's report counts no requests
        assert not +requests


def test_leakwards_page_reader_reads_the_worlds_tokens_back(world: World) -> None:
    """The scorer's mean/std reference reads the pages with leakward's reader: it must see the
    world's tokens, key by key, in the first week's page."""
    first = pages(world)[0]
    read: Counter[str] = Counter()
    for record in read_page(world.provider, first).records:
        read[record.key_id] += record.input_tokens + record.cached_input_tokens
        read[record.key_id] += record.output_tokens
    own: Counter[str] = Counter()
    for key in world.keys:
        own[key.key_id] = sum(
            sum(c[1:]) for (h, _), c in _cells(world, key.key_id).items() if h < 168
        )
    assert +read == +own


def _iso(hour: int) -> str:
    return datetime.fromtimestamp(START + hour * HOUR, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_every_kind_and_size_is_stolen_once_each_on_a_key_of_its_own(world: World) -> None:
    assert Counter((t.kind, t.size) for t in world.thefts) == Counter(
        (k, s) for k in KINDS for s in SIZES
    )
    assert len({t.key_id for t in world.thefts}) == len(world.thefts)
    assert len(KINDS) >= 8


def test_a_theft_starts_with_its_first_request_inside_the_judged_days(world: World) -> None:
    judged = START + (KIT.days - JUDGED_DAYS) * DAY
    for theft in world.thefts:
        hours = sorted(h for h, _ in world.stolen[theft.key_id])
        assert judged <= theft.onset <= END - 12 * HOUR
        assert theft.onset == START + hours[0] * HOUR, theft
        stolen = world.stolen[theft.key_id]
        assert sum(cell[0] for (h, _), cell in stolen.items() if h == hours[0]) > 0
        used = Counter[str]()
        for (_, model), cell in world.stolen[theft.key_id].items():
            used[model] += cell[0]
        assert theft.model == used.most_common(1)[0][0]


def test_retired_and_rotated_out_keys_are_never_robbed_nor_used_after(world: World) -> None:
    robbed = {t.key_id for t in world.thefts}
    archetypes = Counter(k.archetype for k in world.keys)
    assert archetypes["retired"] >= 1
    assert archetypes["rotated_out"] == archetypes["rotated_in"] >= 1
    for key in world.keys:
        hours = [h for h, _ in world.owner[key.key_id]]
        if key.archetype in ("retired", "rotated_out"):
            assert key.key_id not in robbed
            assert not key.is_robbable
        assert all(key.first_day * 24 <= h < key.last_day * 24 for h in hours), key
    assert robbed <= {k.key_id for k in world.keys if k.is_robbable}
    old = [k for k in world.keys if k.archetype == "rotated_out"]
    new = [k for k in world.keys if k.archetype == "rotated_in"]
    for before, after in zip(old, new, strict=True):  # one service each, handed over on a day
        assert (before.tz, before.last_day) == (after.tz, after.first_day)
        assert before.first_day == 0
        assert after.last_day == KIT.days


def test_nothing_is_billed_during_a_provider_outage_and_queued_work_replays(world: World) -> None:
    down = {h for first, span in OUTAGES[world.provider] for h in range(first, first + span)}
    every = [world.console, *world.owner.values(), *world.stolen.values()]
    assert not [h for cells in every for h, _ in cells if h in down]
    day = OUTAGES[world.provider][1][0] // 24  # the judged outage
    replayed = [k for k in world.keys if "backlog replay" in events(world, k, day)]
    queued = {"lms_grading", "legal_discovery", "oss_bot", "labelling_vendor", "nightly_etl"}
    assert replayed
    assert {k.archetype for k in replayed} <= queued
    assert all("provider outage" in events(world, k, day) for k in world.keys if k.last_day > day)


def test_thieves_that_hide_start_where_they_claim_to(world: World) -> None:
    plans = {p.key.key_id: p for p in roster(SEED, world.provider)}
    for theft in world.thefts:
        plan, hour = plans[theft.key_id], (theft.onset - START) // HOUR
        iso, local_hour, weekday = local_clock(plan.key.tz)[hour]
        if theft.kind == "holiday_cover":
            assert day_factor(plan.kind, plan.key.country, iso, weekday) < 0.3
        elif theft.kind == "surge_cover":
            assert any(hour in s.hours for s in plan.surges)
        elif theft.kind == "night_shift":  # an hour the owner's habits never work
            assert SHAPES[plan.kind.shape][local_hour] == 0
        elif theft.kind == "model_upgrade":
            assert theft.model == MODELS[world.provider]["dearest"]
        elif theft.kind == "recon_probe":  # every model the provider has, in its first hour
            first = {m for h, m in world.stolen[theft.key_id] if h == hour}
            assert first == set(MODELS[world.provider].values())
        elif theft.kind == "owner_mimic":
            owned = {m for _, m in world.owner[theft.key_id]}
            assert {m for _, m in world.stolen[theft.key_id]} <= owned


def test_clean_days_end_on_the_day_a_theft_begins(world: World) -> None:
    theft = world.thefts[0]
    day = (theft.onset - START) // DAY
    assert is_clean_day(world, theft.key_id, day - 1)
    assert not is_clean_day(world, theft.key_id, day)
    assert not is_clean_day(world, theft.key_id, KIT.days - 1)
    free = next(k for k in world.keys if k.key_id not in {t.key_id for t in world.thefts})
    assert all(is_clean_day(world, free.key_id, d) for d in KIT.judged)


def test_request_sizes_are_heavy_tailed(world: World) -> None:
    sizes = [
        (fresh + cached) / n
        for cells in world.owner.values()
        for n, fresh, cached, _ in cells.values()
        if n == 1
    ]
    assert max(sizes) > 20 * statistics.median(sizes)


def test_the_calendar_falls_on_the_right_days_and_clocks_move() -> None:
    assert datetime.fromtimestamp(START, UTC).strftime("%a %Y-%m-%d") == "Mon 2026-09-14"
    assert HOLIDAYS["IL"]["2026-09-21"][0] == "Yom Kippur"
    assert datetime(2026, 10, 12).strftime("%a") == "Mon"  # 12 October's holidays
    for tz, hours, offsets in (
        ("Pacific/Auckland", (11 * 24, 13 * 24), (12, 13)),  # forward on 27 September
        ("Australia/Sydney", (18 * 24, 20 * 24), (10, 11)),  # forward on 4 October
        ("Europe/Dublin", (40 * 24, 41 * 24 + 12), (1, 0)),  # back on 25 October
        ("Asia/Seoul", (0, HOURS - 1), (9, 9)),  # no summer time
    ):
        clock = local_clock(tz)
        assert tuple((clock[h][1] - h) % 24 for h in hours) == offsets, tz


def test_owners_keep_their_holidays_and_say_so(world: World) -> None:
    seoul = [k for k in world.keys if k.country == "KR" and k.archetype == "trading_desk"]
    assert seoul
    chuseok = 11  # 25 September
    for key in seoul:
        assert "Chuseok" in events(world, key, chuseok)
        on = sum(c[0] for (h, _), c in world.owner[key.key_id].items() if h // 24 == chuseok)
        week_before = sum(
            c[0] for (h, _), c in world.owner[key.key_id].items() if h // 24 == chuseok - 7
        )
        assert on < week_before / 4


def test_the_scorer_counts_every_theft_and_every_clean_key_day(world: World) -> None:
    nothing = score(KIT, [], world)
    assert not nothing.caught
    assert Counter(m[:2] for m in nothing.missed) == Counter((k, s) for k in KINDS for s in SIZES)
    robbed_days = sum(KIT.days - (t.onset - START) // DAY for t in world.thefts)
    assert len(nothing.days) == len(world.keys) * JUDGED_DAYS - robbed_days
    assert not [d for d in nothing.days if d[1]]
    assert any("provider outage" in events for _, _, events in nothing.days)


def test_the_kit_scores_this_world() -> None:
    assert KIT.judged == range(28, 42)
    assert KIT.start == START
    assert list(KIT.seeds) == [101, 102, 103]
    assert KIT.calibration_seed == 109
    assert tuple(KIT.kinds) == KINDS
    assert tuple(KIT.sizes) == SIZES
    assert len(roster(SEED, "openai")) >= 80
