"""World 6 of the usage benchmark: deterministic, in the providers' formats, labelled consistently,
and scored end to end through `leakward usage analyze`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from bench.usage_blackbox3 import analyze, read_alerts
from bench.usage_blackbox6 import KIT
from bench.usage_blackbox_calendar import calibrate_k, mean_std_flags, score
from bench.usage_world6 import (
    World,
    build_world,
    day_events,
    is_clean_day,
    judged_days,
    main,
    pages,
    write_world,
)
from bench.usage_world6_base import DAY, HOUR, JUDGED, START
from bench.usage_world6_thieves import KINDS, SIZES
from leakward.usage.pages import read_page


@cache
def small(provider: str) -> World:
    return build_world(provider, 5, is_small=True)


@cache
def full() -> World:
    return build_world("openai", 71)


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_the_world_is_the_same_for_the_same_seed(provider: str) -> None:
    again = build_world(provider, 5, is_small=True)
    assert again.records == small(provider).records
    assert again.thefts == small(provider).thefts
    assert build_world(provider, 6, is_small=True).records != again.records


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_pages_read_back_as_the_records_they_were_written_from(provider: str) -> None:
    world = small(provider)
    read = [r for page in pages(world) for r in read_page(provider, page).records]
    keyed = [r for r in read if r.key_id]
    mine = [r for r in world.records if r.key_id]
    assert len(keyed) == len(mine)
    assert sum(r.output_tokens for r in keyed) == sum(r.output_tokens for r in mine)
    assert sum(r.input_tokens + r.cached_input_tokens for r in keyed) == sum(
        r.input_tokens + r.cached_input_tokens for r in mine
    )
    assert {r.model for r in keyed} == {r.model for r in mine}


def test_anthropic_pages_carry_rfc3339_buckets_and_openai_pages_epoch_seconds() -> None:
    first = pages(small("anthropic"))[0]["data"]
    assert isinstance(first, list)
    assert first[0]["starting_at"] == "2026-06-01T00:00:00Z"
    opened = pages(small("openai"))[0]
    assert opened["object"] == "page"
    assert opened["data"][0]["start_time"] == START  # type: ignore[index]


def test_every_kind_and_size_is_stolen_once_on_its_own_key_in_the_judged_weeks() -> None:
    world = full()
    assert sorted((t.kind, t.size) for t in world.thefts) == sorted(
        (k, s) for k in KINDS for s in SIZES
    )
    assert len({t.key_id for t in world.thefts}) == len(world.thefts)
    keys = {k.key_id for k in world.keys}
    for theft in world.thefts:
        assert theft.key_id in keys
        assert START + JUDGED.start * HOUR <= theft.onset <= START + (JUDGED.stop - 8) * HOUR
        assert (theft.onset - START) % HOUR == 0


def test_a_theft_onset_is_its_first_stolen_bucket_with_usage() -> None:
    world = full()
    for theft in world.thefts:
        assert any(r.key_id == theft.key_id and r.start == theft.onset for r in world.records)


def test_clean_days_are_judged_days_before_the_theft_day() -> None:
    world = full()
    onset = {t.key_id: t.onset for t in world.thefts}
    clean = [
        (k, d) for k in world.keys for d in range(world.days) if is_clean_day(world, k.key_id, d)
    ]
    assert all(d in judged_days(world) for _, d in clean)
    assert all(START + (d + 1) * DAY <= onset[k.key_id] for k, d in clean if k.key_id in onset)
    robbed = {t.key_id for t in world.thefts}
    assert len(clean) >= (len(world.keys) - len(robbed)) * 14
    events = {name for k, d in clean for name in day_events(world, k, d)}
    assert {"quarter close", "outage backlog", "new key", "match"} <= events


def test_busy_cover_thefts_start_inside_an_owner_event() -> None:
    world = full()
    theft = next(t for t in world.thefts if t.kind == "busy_cover" and t.size == "large")
    hour = (theft.onset - START) // HOUR
    assert any(e.start <= hour < e.end + 24 for e in world.events[theft.key_id])


def test_the_page_writer_command_writes_files(tmp_path: Path) -> None:
    main(["--seed", "5", "--small", "--provider", "anthropic", str(tmp_path)])
    assert len(list(tmp_path.glob("anthropic-*.json"))) == 21


def test_the_watch_and_the_baseline_are_scored_end_to_end(tmp_path: Path) -> None:
    world = small("anthropic")
    flags = read_alerts(analyze("anthropic", write_world(world, tmp_path), tmp_path))
    result = score(KIT, flags, world)
    assert len(result.caught) + len(result.missed) == len(world.thefts) == len(KINDS)
    assert len(result.days) >= 5 * 14
    baseline = score(KIT, mean_std_flags(KIT, world, calibrate_k(KIT, world)), world)
    assert sum(flagged for _, flagged, _ in baseline.days) <= 0.01 * len(baseline.days) + 1
