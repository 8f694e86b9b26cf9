"""A key idle for weeks that suddenly works is suspicious on its own (issue #20): a key left in a
repository or a laptop's dotfiles is found and used long after its owner stopped.

Found by the third usage world (bench/usage_world3.py): a developer's key used on a few days,
then not at all, had too little past to be judged, and a thief using it weeks later went
unflagged whatever it did. Histories from tests/usage/habits.py.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from leakward.usage.model import CONFIDENT_SCORE, DORMANT_DAYS, detect, detect_report
from leakward.usage.records import UsageRecord
from tests.usage.habits import HOUR, Habit, at, thief, usage

DEV = replace(Habit(), key_id="key_TestDormantDev001", requests=20.0)


def owner_then(back_on: int, *, owner_days: range = range(3)) -> list[UsageRecord]:
    """The owner's use on `owner_days`, then nothing until someone uses the key for four hours
    of day `back_on` at 03:00 UTC with requests the size of the owner's."""
    owner = usage(DEV, owner_days, seed=1)
    onset = at(back_on, 3)
    nobody = replace(DEV, requests=0.0)
    later = usage(nobody, [back_on], seed=2, extra=thief(onset, 4, model=DEV.model, requests=20))
    return owner + later


def test_a_key_idle_for_three_weeks_that_works_again_is_flagged() -> None:
    # Three days of use, too few to judge the key by its habits; then three weeks of nothing.
    onset = at(24, 3)
    report = detect_report(owner_then(24))
    assert [a.start for a in report.alerts] == [onset]
    alert = report.alerts[0]
    assert "first use in 22 days" in alert.reason
    assert alert.end <= onset + 6 * HOUR  # the news of the return, not every hour after it
    assert alert.score < CONFIDENT_SCORE  # alone, an alert for a person, not a rotation


def test_a_key_back_after_a_quiet_spell_shorter_than_two_weeks_is_not_dormant() -> None:
    back_on = 2 + DORMANT_DAYS - 1
    alerts = detect(owner_then(back_on))
    assert not any("first use" in a.reason for a in alerts)


def test_a_key_seen_for_the_first_time_is_not_dormant() -> None:
    # No earlier use at all: a new key, not a forgotten one (and too new to judge).
    nobody = replace(DEV, requests=0.0)
    first = usage(nobody, [24], seed=2, extra=thief(at(24, 3), 4, model=DEV.model, requests=20))
    report = detect_report(first)
    assert report.alerts == []
    assert DEV.key_id in report.warming_up


def first_use_on(day: int) -> list[UsageRecord]:
    """A key's first use ever: four hours of day `day` from 03:00 UTC, at the owner's volume."""
    nobody = replace(DEV, requests=0.0)
    onset = at(day, 3)
    return usage(nobody, [day], seed=2, extra=thief(onset, 4, model=DEV.model, requests=20))


def test_a_key_never_used_since_its_issue_weeks_ago_is_flagged() -> None:
    # Issued 30 days before its first use: a key handed out, forgotten, and found.
    onset = at(30, 3)
    report = detect_report(first_use_on(30), issued={DEV.key_id: at(0, 9)})
    assert [a.start for a in report.alerts] == [onset]
    alert = report.alerts[0]
    assert "never used since issue" in alert.reason
    assert "issued 30 days ago" in alert.reason  # calendar days, as for any idle spell
    assert alert.end <= onset + 6 * HOUR
    assert alert.score < CONFIDENT_SCORE
    assert DEV.key_id in report.judged


def test_a_key_issued_yesterday_and_used_now_is_not_dormant() -> None:
    report = detect_report(first_use_on(30), issued={DEV.key_id: at(29, 9)})
    assert report.alerts == []
    assert DEV.key_id in report.warming_up


def test_an_issue_date_does_not_replace_a_key_s_own_use() -> None:
    # Used on its first three days, then idle three weeks: the idle spell runs from its last
    # use, not from its issue, and says so.
    alerts = detect_report(owner_then(24), issued={DEV.key_id: at(0, 0)}).alerts
    assert len(alerts) == 1
    assert "first use in 22 days" in alerts[0].reason


# An office key with a settled habit: three weeks of working days, then away until day 35.
SETTLED = replace(Habit(), key_id="key_TestDormantBack01")
LAST_BEFORE_LEAVE = 18  # a Friday
BACK_ON = 35  # a Monday, 17 days after it


def test_two_returns_weeks_apart_are_two_alerts_each_over_its_own_hours() -> None:
    # Alerting cells that follow each other in the key's list are not next to each other in
    # time when the key was idle between them: one alert spanning both claimed weeks of use
    # that never happened (blind world 13: 23 days, "alert spans 4 hours").
    owner = usage(DEV, range(3), seed=1)
    nobody = replace(DEV, requests=0.0)
    # The second return a stranger's too (another hour, a dearer model): a repeat of the first
    # would be the key's own habit by then.
    returns = [
        usage(nobody, [day], seed=day, extra=thief(at(day, hour), 1, model=model, requests=20))
        for day, hour, model in ((24, 3, DEV.model), (48, 15, "gpt-4o-2024-08-06"))
    ]
    alerts = detect(owner + returns[0] + returns[1])
    assert [a.start for a in alerts] == [at(24, 3), at(48, 15)]
    assert all(a.end <= a.start + HOUR for a in alerts)
    assert all("alert spans" not in a.reason for a in alerts)


# A failover key: silent but for a two-hour drill at 10:00 UTC every four weeks.
STANDBY = replace(Habit(), key_id="key_TestStandbyDrill1", hours=(10, 11), requests=200.0)
DRILLS = (1, 29)  # a Tuesday, and four weeks later


def test_a_standby_key_s_next_drill_like_its_last_is_not_flagged() -> None:
    # Found by the twelfth usage world: a failover key's monthly drill, at the hours, on the
    # model and at the size of the one before, was flagged on every key as a dormant key woken.
    records = usage(STANDBY, DRILLS, seed=1)
    report = detect_report(records)
    assert report.alerts == []


@pytest.mark.parametrize(
    ("name", "hour", "model", "requests"),
    [
        ("at another hour", 3, STANDBY.model, 200.0),
        ("on another model", 10, "gpt-4.1-2025-04-14", 200.0),
        ("far busier than its drill", 10, STANDBY.model, 2000.0),
    ],
)
def test_a_stranger_on_a_standby_key_is_still_a_dormant_key_woken(
    name: str, hour: int, model: str, requests: float
) -> None:
    nobody = replace(STANDBY, requests=0.0)
    onset = at(DRILLS[1], hour)
    stranger = thief(onset, 2, model=model, requests=requests)
    records = usage(STANDBY, DRILLS[:1], seed=1) + usage(nobody, DRILLS[1:], seed=2, extra=stranger)
    alerts = detect(records)
    assert [a.start for a in alerts] == [onset], name
    assert "first use in 28 days" in alerts[0].reason, name


BACK_AFTER_MONTHS = 56  # a Monday, 38 days after the last use: longer than the profile's window
# Returns after a spell shorter than the four weeks the key's figures look back, and longer.
RETURNS = pytest.mark.parametrize("back_on", [BACK_ON, BACK_AFTER_MONTHS])


@RETURNS
def test_an_owner_back_from_leave_at_the_key_s_own_hours_and_shape_is_not_flagged(
    back_on: int,
) -> None:
    # Found by the sixth usage world: an engineer back from two weeks away, at the hours, on
    # the model and with the requests of before, was flagged on most returns. And by the tenth
    # and eleventh: a key idle longer than the four weeks its figures look back was judged
    # against no use at all, so its owner's first hour back read as thousands of times its
    # usual cost.
    before = usage(SETTLED, range(LAST_BEFORE_LEAVE + 1), seed=1)
    back = usage(SETTLED, [back_on, back_on + 1], seed=2)
    assert detect(before + back) == []


@RETURNS
def test_a_stranger_on_a_settled_key_after_its_idle_spell_is_flagged(back_on: int) -> None:
    before = usage(SETTLED, range(LAST_BEFORE_LEAVE + 1), seed=1)
    nobody = replace(SETTLED, requests=0.0)
    onset = at(back_on, 3)
    stranger = thief(onset, 4, model=SETTLED.model, requests=60)
    alerts = detect(before + usage(nobody, [back_on], seed=2, extra=stranger))
    assert [a.start for a in alerts] == [onset]
    assert f"first use in {back_on - LAST_BEFORE_LEAVE} days" in alerts[0].reason
    assert "usual cost" not in alerts[0].reason  # the return alone, not its size
