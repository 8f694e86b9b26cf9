"""The model tells an owner's lasting habit changes from a thief's additions (issue #20).

A model migration moves the key's traffic to a newer model: the old one falls away in the same
hours, with the same prompts. A thief adds a model on top of the owner's use, or works alone on
a day the owner never works. An odd weekday alone, or one hour of short answers, is one small
oddity, not an alert. Histories come from tests/usage/habits.py: three weeks kept as history, the
fourth judged.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from leakward.usage.model import detect, detect_report
from leakward.usage.records import UsageRecord
from leakward.usage.scoring import SHAPE_OVERLAP, Evidence, _one_shape
from tests.usage.habits import (
    ANTHROPIC_OFFICE,
    HOUR,
    MONDAY,
    Extra,
    Habit,
    at,
    split,
    thief,
    usage,
)

WEEKS = range(28)
JUDGED_FROM = 21
OFFICE = Habit()
NEWER = {"openai": "gpt-4.1-mini-2025-04-14", "anthropic": "claude-haiku-4-5-20251001"}


def migrated(habit: Habit, switch: int, seed: int) -> list[UsageRecord]:
    """The habit's use, every bucket from `switch` on sent to the newer model instead."""
    return [
        replace(r, model=NEWER[habit.provider]) if r.start >= switch else r
        for r in usage(habit, WEEKS, seed=seed)
    ]


@pytest.mark.parametrize("habit", [OFFICE, ANTHROPIC_OFFICE], ids=["openai", "anthropic"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_lasting_move_to_a_dearer_model_is_not_an_alert(habit: Habit, seed: int) -> None:
    # Wednesday of the judged week, 13:00 UTC, mid-way through the working day.
    history, judged = split(migrated(habit, at(23, 13), seed), JUDGED_FROM)
    report = detect_report(judged, history=history)
    assert report.judged == {habit.key_id}
    assert report.alerts == []


def test_the_same_model_added_on_top_of_the_owners_use_is_caught() -> None:
    # What the move above took the place of, a thief adds: the owner's model keeps its level.
    onset = at(23, 13)
    extra = thief(onset, 4, model=NEWER["openai"], requests=120, cached_share=0.0)
    history, judged = split(usage(OFFICE, WEEKS, seed=1, extra=extra), JUDGED_FROM)
    alerts = detect(judged, history=history)
    assert [a.start for a in alerts] == [onset]
    assert "new to it" in alerts[0].reason
    assert "in place of" not in alerts[0].reason


def test_a_new_model_alone_on_a_day_the_owner_never_works_is_caught() -> None:
    # Saturday (day 26) at the owner's weekday hours, the owner's own prompt sizes: the usual
    # model is absent because the owner is, not because it moved.
    onset = at(26, 10)
    extra = thief(onset, 4, model=NEWER["openai"], requests=120)
    history, judged = split(usage(OFFICE, WEEKS, seed=1, extra=extra), JUDGED_FROM)
    alerts = detect(judged, history=history)
    assert [a.start for a in alerts] == [onset]
    assert "new to it" in alerts[0].reason


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_owners_odd_saturday_at_its_usual_hours_is_not_an_alert(seed: int) -> None:
    # The owner works a Saturday (day 26) as a weekday: usual hours, model and prompts.
    weekday_only = usage(OFFICE, WEEKS, seed=seed)
    saturday = [
        replace(r, start=r.start + 2 * 86400, end=r.end + 2 * 86400)
        for r in weekday_only
        if at(24, 10) <= r.start < at(24, 14)
    ]
    history, judged = split(weekday_only + saturday, JUDGED_FROM)
    assert detect(judged, history=history) == []


def test_an_odd_weekday_at_never_worked_hours_still_alerts() -> None:
    # The weekday adds to the hours signal: Saturday night is caught.
    onset = at(26, 2)
    extra = thief(onset, 3, model=OFFICE.model, requests=120)
    history, judged = split(usage(OFFICE, WEEKS, seed=1, extra=extra), JUDGED_FROM)
    alerts = detect(judged, history=history)
    assert [a.start for a in alerts] == [onset]


def test_one_shape_oddity_counts_the_stronger_signal_in_full_and_the_other_in_part() -> None:
    per_request = Evidence("tokens_per_request", 0.8, "short answers")
    ratio = Evidence("output_ratio", 0.6, "a low output ratio")
    strong, weak = _one_shape(per_request, ratio)
    assert strong == per_request
    assert weak is not None
    assert weak.signal == "output_ratio"
    assert weak.points == pytest.approx(0.6 * SHAPE_OVERLAP)
    assert _one_shape(None, ratio) == [None, ratio]


def gradually_migrated(habit: Habit, first: int, days: int, seed: int) -> list[UsageRecord]:
    """The habit's use, a growing share of each hour's requests sent to the newer model from
    test day `first` on, all of them `days` days later (a rollout behind a flag)."""
    records = []
    for record in usage(habit, WEEKS, seed=seed):
        share = min(1.0, max(0.0, (record.start - at(first, 0)) / (days * 86400)))
        moved = round(share * (record.requests or 100)) / (record.requests or 100)
        if moved <= 0:
            records.append(record)
            continue
        for model, part in ((record.model, 1 - moved), (NEWER[habit.provider], moved)):
            if part <= 0:
                continue
            records.append(
                replace(
                    record,
                    model=model,
                    requests=None if record.requests is None else round(record.requests * part),
                    input_tokens=round(record.input_tokens * part),
                    output_tokens=round(record.output_tokens * part),
                    cached_input_tokens=round(record.cached_input_tokens * part),
                )
            )
    return records


@pytest.mark.parametrize("habit", [OFFICE, ANTHROPIC_OFFICE], ids=["openai", "anthropic"])
@pytest.mark.parametrize("seed", [1, 2])
def test_a_gradual_move_to_a_successor_is_not_an_alert(habit: Habit, seed: int) -> None:
    # From Tuesday of the judged week, a fifth more of the traffic each day: for days the old
    # model still carries most of it, so it has not fallen away, yet the hour's use is its usual.
    history, judged = split(gradually_migrated(habit, 22, 5, seed), JUDGED_FROM)
    assert detect(judged, history=history) == []


FLAGSHIP = {"openai": "o3-2025-04-16", "anthropic": "claude-opus-4-1-20250805"}


def trial(habit: Habit, first: int) -> Extra:
    """A third of the owner's requests also sent to the flagship model, at its own hours, from
    day `first` on: the owner trying it side by side."""

    def extra(t: int) -> tuple[str, float, float, float, float | None] | None:
        day, hour = divmod((t - MONDAY) // HOUR, 24)
        if day >= first and day % 7 < 5 and hour in habit.hours:
            model = FLAGSHIP[habit.provider]
            return model, habit.requests / 3, habit.prompt_per_request, habit.output_ratio, None
        return None

    return extra


@pytest.mark.parametrize("habit", [OFFICE, ANTHROPIC_OFFICE], ids=["openai", "anthropic"])
def test_a_far_dearer_model_tried_alerts_on_its_first_day_only(habit: Habit) -> None:
    # Found by the eleventh usage world: an owner's use of a model five times the price alerts
    # (a thief does the same), and then again on each of the next days the model was still new
    # to the key. What it alerted for, on the same model, is the owner's habit from then on.
    history, judged = split(usage(habit, WEEKS, seed=1, extra=trial(habit, 22)), JUDGED_FROM)
    alerts = detect(judged, history=history)
    assert [a.start for a in alerts] == [at(22, 9)]
    assert alerts[0].end <= at(23, 0)
    assert "new to it" in alerts[0].reason
