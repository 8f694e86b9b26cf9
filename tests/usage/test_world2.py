"""The independent usage world (bench/usage_world2.py) and its black-box scorer: the pages read
back exactly, and the scorer counts planted alerts right. The model's figures are the benchmark's
business, not these tests'."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.usage_blackbox import (
    Flag,
    baseline_flags,
    calibrate_k,
    epoch,
    run_model,
    score,
    write_pages,
)
from bench.usage_world2 import DAY, HOUR, WORLD_END, Theft, Use, World, build_world, pages
from leakward.usage.pages import read_page
from leakward.usage.records import UsageRecord


def _expected(provider: str, uses: tuple[Use, ...], width: int) -> list[UsageRecord]:
    # OpenAI counts every input token in input_tokens and reports cache reads apart; Anthropic
    # reports uncached input alone, with cache writes and reads beside it.
    return [
        UsageRecord(
            provider=provider,
            key_id=use.key_id,
            start=use.hour,
            end=use.hour + width,
            model=use.model,
            requests=use.requests if provider == "openai" else None,
            input_tokens=use.uncached_input + (use.cache_write if provider == "openai" else 0),
            output_tokens=use.output,
            cached_input_tokens=use.cache_read
            + (use.cache_write if provider == "anthropic" else 0),
        )
        for use in uses
    ]


def _order(record: UsageRecord) -> tuple[str, int, str]:
    return (record.key_id, record.start, record.model or "")


def _read(provider: str, world: World, width: int) -> list[UsageRecord]:
    records: list[UsageRecord] = []
    written = pages(world, width)
    for number, page in enumerate(written):
        read = read_page(provider, page, now=WORLD_END)
        assert read.has_more == (number < len(written) - 1)
        records += read.records
    return records


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_hourly_pages_read_back_as_exactly_the_use_written(provider: str) -> None:
    world = build_world(7, provider, keys=4)
    assert sorted(_read(provider, world, HOUR), key=_order) == sorted(
        _expected(provider, world.uses, HOUR), key=_order
    )


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_minute_pages_split_each_hour_without_losing_a_token(provider: str) -> None:
    hour = WORLD_END - 3 * DAY
    use = Use("key_minuteSplit0001", hour, "gpt-4o-mini-2024-07-18", 7, 1003, 40, 512, 299)
    world = World(provider, 1, WORLD_END - 4 * DAY, WORLD_END, WORLD_END - 2 * DAY, (use,), ())
    records = _read(provider, world, 60)
    assert len(records) == 7
    assert all(hour <= r.start < hour + HOUR and r.end - r.start == 60 for r in records)
    assert sum(r.output_tokens for r in records) == 299
    assert sum(r.input_tokens + r.cached_input_tokens for r in records) == 1003 + 40 + 512
    if provider == "openai":
        assert sum(r.requests or 0 for r in records) == 7


def test_a_world_is_the_same_for_a_seed_and_differs_between_seeds() -> None:
    assert build_world(5, "openai", keys=6) == build_world(5, "openai", keys=6)
    assert build_world(5, "openai", keys=6).uses != build_world(6, "openai", keys=6).uses


def test_every_theft_starts_in_the_judged_window_with_use_at_its_onset() -> None:
    world = build_world(3, "anthropic", keys=10)
    assert world.thefts
    used = {(u.key_id, u.hour) for u in world.uses}
    for theft in world.thefts:
        assert world.judged_from <= theft.onset < theft.end <= world.end
        assert (theft.key_id, theft.onset) in used


def _small_world() -> World:
    judged_from = WORLD_END - 14 * DAY
    onset = judged_from + 3 * DAY + 5 * HOUR
    theft = Theft("key_stolen", "night_modest", "small", onset, onset + 30 * HOUR)
    habits = {"key_stolen": "chat", "key_clean": "batch"}
    return World("openai", 1, WORLD_END - 42 * DAY, WORLD_END, judged_from, (), (theft,), habits)


@pytest.mark.parametrize(
    ("after_onset", "span", "caught"),
    [
        (6 * HOUR, HOUR, True),
        (7 * HOUR, HOUR, False),
        (-2 * HOUR, 2 * HOUR, False),
        (-2 * HOUR, 3 * HOUR, True),
    ],
)
def test_a_theft_counts_as_caught_only_for_an_alert_overlapping_its_first_six_hours(
    after_onset: int, span: int, caught: bool
) -> None:
    world = _small_world()
    onset = world.thefts[0].onset
    flag = Flag("key_stolen", onset + after_onset, onset + after_onset + span, 3.0, "planted")
    result = score(world, [flag])
    assert result.caught == [(world.thefts[0], caught)]
    # Every one of these alerts overlaps the theft; only the early ones count as caught.
    assert result.seen == [flag.end > onset]
    # An alert on another key never catches this key's theft.
    moved = Flag("key_clean", flag.start, flag.end, 3.0, "planted")
    assert score(world, [moved]).caught == [(world.thefts[0], False)]


def test_clean_key_days_are_counted_per_key_and_day_leaving_out_the_thefts_days() -> None:
    world = _small_world()
    # The theft covers parts of two days (onset 05:00 for 30 hours): 14 + 12 clean key-days.
    across_midnight = Flag(
        "key_clean", world.judged_from + DAY - HOUR, world.judged_from + DAY + HOUR, 2.0, "x"
    )
    on_theft_day = Flag(
        "key_stolen", world.thefts[0].onset - 2 * HOUR, world.thefts[0].onset, 2.0, "y"
    )
    before_window = Flag("key_clean", world.judged_from - 3 * HOUR, world.judged_from, 2.0, "z")
    result = score(world, [across_midnight, on_theft_day, before_window])
    assert result.clean_days == 26
    assert result.flagged_days == 2
    assert result.false_flags == [across_midnight]


def test_alert_times_are_read_as_each_provider_writes_them() -> None:
    assert epoch(1795910400) == 1795910400
    assert epoch("2026-11-30T00:00:00Z") == WORLD_END


def test_the_baseline_k_flags_at_most_one_percent_of_the_calibration_worlds_clean_days() -> None:
    world = build_world(99, "openai", keys=8)
    result = score(world, baseline_flags(world, calibrate_k(world)))
    assert result.clean_days > 0
    assert result.flagged_days <= 0.01 * result.clean_days


def test_the_cli_accepts_the_written_pages_as_its_providers_own(tmp_path: Path) -> None:
    for provider in ("openai", "anthropic"):
        world = build_world(2, provider, keys=2)
        files = write_pages(world, HOUR, tmp_path / provider)
        flags, _ = run_model(provider, files)  # exits the test on any error exit of the CLI
        assert all(f.key_id in world.habits for f in flags)
