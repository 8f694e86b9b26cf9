"""The per-key model: habits that are normal give no alert, each kind of theft does, in words.

Each test builds three weeks of one key's hourly use from a habit (tests/usage/habits.py), keeps
them as history, and judges a fourth week with or without a thief in it.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace

import pytest

from leakward.usage.model import ALERT_SCORE, CONFIDENT_SCORE, detect, detect_report
from leakward.usage.records import Alert, UsageRecord
from tests.usage.habits import (
    ANTHROPIC_OFFICE,
    DAY,
    HOUR,
    Extra,
    Habit,
    at,
    split,
    thief,
    usage,
)

WEEKS = range(28)
JUDGED_FROM = 21  # days 0-20 are history, 21-27 are judged
OFFICE = Habit()
NIGHTLY = Habit(key_id="key_TestNightlyBatch1", hours=(), batch_hours=(1, 2, 3), requests=80.0)
SERVICE = Habit(key_id="key_TestAlwaysOnSvc01", hours=tuple(range(24)), weekdays=tuple(range(7)))
ANTHROPIC = ANTHROPIC_OFFICE


def judge(habit: Habit, *, extra: Extra | None = None, seed: int = 1) -> list[Alert]:
    history, judged = split(usage(habit, WEEKS, seed=seed, extra=extra), JUDGED_FROM)
    return detect(judged, history=history)


@pytest.mark.parametrize(
    ("name", "habit"),
    [
        ("office hours on weekdays", OFFICE),
        ("a nightly batch job", NIGHTLY),
        ("a service that runs all day", SERVICE),
        ("steady growth of 3% a day", replace(OFFICE, growth_per_day=0.03)),
        ("a launch day five times as busy", replace(OFFICE, launch_day=23)),
        ("office hours and a nightly job", replace(OFFICE, batch_hours=(2, 3))),
        ("light weekends", replace(OFFICE, weekend_share=0.2)),
        ("anthropic office hours", ANTHROPIC),
    ],
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_habit_is_not_an_alert(name: str, habit: Habit, seed: int) -> None:
    history, judged = split(usage(habit, WEEKS, seed=seed), JUDGED_FROM)
    report = detect_report(judged, history=history)
    assert report.judged == {habit.key_id}, name
    assert report.alerts == [], name


def test_a_thief_at_night_is_caught_from_its_first_hour() -> None:
    onset = at(23, 2)
    alerts = judge(OFFICE, extra=thief(onset, 3, model=OFFICE.model, requests=120))
    assert len(alerts) == 1
    (alert,) = alerts
    assert (alert.start, alert.end) == (onset, onset + 3 * HOUR)
    assert alert.key_id == OFFICE.key_id
    assert "02:00 UTC" in alert.reason
    assert "never" in alert.reason
    assert alert.score >= CONFIDENT_SCORE


def test_a_modest_extra_at_hours_the_key_never_worked_is_caught() -> None:
    onset = at(24, 22)
    alerts = judge(OFFICE, extra=thief(onset, 5, model=OFFICE.model, requests=0.25 * 120))
    assert [a.start for a in alerts] == [onset]
    assert alerts[0].end <= onset + 5 * HOUR
    assert "never" in alerts[0].reason


def test_extra_use_in_never_used_hours_between_busy_ones_is_caught() -> None:
    # The key runs an early job at 06:00 and works from 09:00: 07:00 and 08:00 sit next to busy
    # hours, which lets a drifting job pass, but were never used themselves.
    early = replace(OFFICE, key_id="key_TestEarlyJobKey01", hours=(6, *OFFICE.hours))
    # Five weeks of history: the hour's own record weighs with the days behind it.
    onset = at(36, 7)
    extra = thief(onset, 2, model=OFFICE.model, requests=0.3 * 120)
    history, judged = split(usage(early, range(42), extra=extra), 35)
    alerts = detect(judged, history=history)
    assert alerts, "a third of a working hour's use in hours the key never used"
    assert onset <= alerts[0].start < onset + 2 * HOUR
    assert "never in" in alerts[0].reason


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_early_job_and_office_hours_are_not_an_alert(seed: int) -> None:
    early = replace(OFFICE, key_id="key_TestEarlyJobKey01", hours=(6, *OFFICE.hours))
    assert judge(early, seed=seed) == []


def test_a_switch_to_an_expensive_model_is_caught_and_named() -> None:
    onset = at(22, 11)
    alerts = judge(OFFICE, extra=thief(onset, 4, model="o1-pro-2025-03-19", requests=20))
    assert [a.start for a in alerts] == [onset]
    assert "o1-pro-2025-03-19" in alerts[0].reason
    assert "price" in alerts[0].reason
    assert alerts[0].score >= CONFIDENT_SCORE


def test_a_flood_in_working_hours_is_caught() -> None:
    onset = at(23, 13)
    alerts = judge(OFFICE, extra=thief(onset, 3, model=OFFICE.model, requests=30 * 120))
    assert [a.start for a in alerts] == [onset]
    assert "surge" in alerts[0].reason or "usual cost" in alerts[0].reason


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_step_up_mid_day_that_holds_is_caught(seed: int) -> None:
    # 3.5 times the use from 12:00 on: the hours the step has run are not what the next hours
    # are measured against, so it keeps counting until it builds to an alert.
    onset = at(23, 12)
    extra = thief(onset, 5, model=OFFICE.model, requests=2.5 * 120)
    alerts = judge(OFFICE, extra=extra, seed=seed)
    assert alerts, "a step to 3.5 times the use, held five hours"
    assert onset <= alerts[0].start < onset + 5 * HOUR
    assert "surge" in alerts[0].reason
    assert "kept up" in alerts[0].reason


def test_a_change_of_tokens_per_request_is_caught() -> None:
    onset = at(22, 10)
    extra = thief(onset, 6, model=OFFICE.model, requests=40, prompt_per_request=10 * 900)
    alerts = judge(OFFICE, extra=extra)
    assert alerts, "a thief sending ten times the tokens per request"
    assert onset <= alerts[0].start < onset + 6 * HOUR
    assert "tokens per request" in alerts[0].reason


def test_a_change_of_output_ratio_is_caught_without_request_counts() -> None:
    onset = at(22, 10)
    extra = thief(onset, 6, model=ANTHROPIC.model, requests=40, output_ratio=8 * 0.25)
    alerts = judge(ANTHROPIC, extra=extra)
    assert alerts, "a thief asking for eight times the output"
    assert onset <= alerts[0].start < onset + 6 * HOUR
    assert "output/input ratio" in alerts[0].reason


CACHING = replace(OFFICE, key_id="key_TestCachedPrompt01", cached_share=0.5, cache_wobble=0.1)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_cached_share_that_wanders_is_not_an_alert(seed: int) -> None:
    assert judge(CACHING, seed=seed) == []


def test_a_thief_reading_none_of_the_owners_prompt_cache_is_caught() -> None:
    # As many requests again as the owner, in working hours, at its own tokens and model: only the
    # cache tells, as the thief's prompts share no prefix with the owner's.
    onset = at(22, 11)
    extra = thief(onset, 4, model=OFFICE.model, requests=120, cached_share=0.0)
    alerts = judge(CACHING, extra=extra)
    assert alerts, "half the input suddenly uncached"
    assert onset <= alerts[0].start < onset + 6 * HOUR
    assert "prompt cache" in alerts[0].reason
    usual = re.search(r"where it is usually (\d+)%", alerts[0].reason)
    assert usual is not None
    assert 40 <= int(usual.group(1)) <= 60  # the owner caches about half


def test_the_same_extra_reading_the_cache_like_the_owner_is_not_caught() -> None:
    # The control: what gives the thief away above is the cache, not the extra volume.
    onset = at(22, 11)
    assert judge(CACHING, extra=thief(onset, 4, model=OFFICE.model, requests=120)) == []


def test_a_key_without_a_cache_habit_has_no_cache_signal() -> None:
    uncached = replace(CACHING, cached_share=0.0)
    onset = at(22, 11)
    extra = thief(onset, 4, model=OFFICE.model, requests=120, cached_share=0.0)
    assert not any("prompt cache" in a.reason for a in judge(uncached, extra=extra))


def test_consecutive_alerting_hours_are_one_alert_spanning_them() -> None:
    onset = at(23, 1)
    alerts = judge(OFFICE, extra=thief(onset, 5, model=OFFICE.model, requests=200))
    assert [(a.start, a.end) for a in alerts] == [(onset, onset + 5 * HOUR)]
    assert "alert spans 5 hours" in alerts[0].reason


def test_every_alert_scores_at_least_the_alert_score() -> None:
    onset = at(23, 1)
    alerts = judge(SERVICE, extra=thief(onset, 4, model="o1-2024-12-17", requests=50))
    assert alerts
    assert all(a.score >= ALERT_SCORE for a in alerts)
    assert ALERT_SCORE < CONFIDENT_SCORE


def test_a_key_with_too_little_history_is_not_judged_and_says_why() -> None:
    records = usage(OFFICE, range(2))
    night = thief(at(1, 3), 3, model="o1-2024-12-17", requests=300)
    records += [r for r in usage(OFFICE, range(1, 2), extra=night) if r.start < at(1, 6)]
    report = detect_report(records)
    assert report.alerts == []
    assert OFFICE.key_id not in report.judged
    assert "days of use seen" in report.warming_up[OFFICE.key_id]


def test_only_buckets_of_records_alert_never_those_of_history() -> None:
    onset = at(10, 2)
    records = usage(OFFICE, WEEKS, extra=thief(onset, 3, model="o1-2024-12-17", requests=300))
    history, judged = split(records, JUDGED_FROM)
    assert detect(judged, history=history) == []
    # The same theft judged as records (with the days before it as history) alerts.
    early, late = split(records, 10)
    assert [a.start for a in detect(late, history=early)] == [onset]


def test_the_same_buckets_twice_or_shuffled_give_the_same_alerts() -> None:
    onset = at(23, 2)
    history, judged = split(
        usage(OFFICE, WEEKS, extra=thief(onset, 3, model=OFFICE.model, requests=150)), JUDGED_FROM
    )
    once = detect(judged, history=history)
    shuffled = judged * 2
    random.Random(4).shuffle(shuffled)
    assert once
    assert detect(shuffled, history=history + judged[:50]) == once


def test_a_gap_in_the_history_is_not_read_as_quiet_hours() -> None:
    records = usage(OFFICE, WEEKS)
    missing = [r for r in records if not at(14, 0) <= r.start < at(17, 0)]
    history, judged = split(missing, JUDGED_FROM)
    assert detect(judged, history=history) == []


def test_minute_buckets_are_judged_by_the_hour_and_report_their_own_start() -> None:
    onset = at(23, 2)
    hourly = usage(OFFICE, WEEKS, extra=thief(onset, 2, model=OFFICE.model, requests=120))
    history, judged = split(hourly, JUDGED_FROM)
    minutes = [m for r in judged for m in _minutes(r)]
    alerts = detect(minutes, history=history)
    assert len(alerts) == 1
    assert alerts[0].start == onset + 7 * 60  # the first minute the thief used
    assert alerts[0].end <= onset + 2 * HOUR


def test_day_buckets_catch_a_flood_day() -> None:
    onset = at(24, 0)
    hourly = usage(OFFICE, WEEKS, extra=thief(onset, 24, model=OFFICE.model, requests=1500))
    daily = _days(hourly)
    history, judged = split(daily, JUDGED_FROM)
    alerts = detect(judged, history=history)
    assert [(a.start, a.end) for a in alerts] == [(onset, onset + DAY)]
    assert "usual cost for the day" in alerts[0].reason


def _minutes(record: UsageRecord) -> list[UsageRecord]:
    """An hour's use reported in minute buckets, from minute 7 on (sums kept)."""
    parts = 50
    share = [
        record.requests or 0,
        record.input_tokens,
        record.output_tokens,
        record.cached_input_tokens,
    ]
    out = []
    for minute in range(parts):
        start = record.start + (7 + minute) * 60
        values = [v // parts + (1 if minute < v % parts else 0) for v in share]
        if values[0]:
            out.append(
                replace(
                    record,
                    start=start,
                    end=start + 60,
                    requests=values[0],
                    input_tokens=values[1],
                    output_tokens=values[2],
                    cached_input_tokens=values[3],
                )
            )
    return out


def _days(records: list[UsageRecord]) -> list[UsageRecord]:
    """Hourly records summed into day buckets per model."""
    sums: dict[tuple[str, str, int, str | None], UsageRecord] = {}
    for r in records:
        day = r.start - r.start % DAY
        name = (r.provider, r.key_id, day, r.model)
        held = sums.get(name)
        sums[name] = (
            replace(r, start=day, end=day + DAY)
            if held is None
            else replace(
                held,
                requests=(held.requests or 0) + (r.requests or 0),
                input_tokens=held.input_tokens + r.input_tokens,
                output_tokens=held.output_tokens + r.output_tokens,
                cached_input_tokens=held.cached_input_tokens + r.cached_input_tokens,
            )
        )
    return sorted(sums.values(), key=lambda r: r.start)
