"""A key used on too few days to have habits, though watched for weeks (a side project touched
now and then), alerts for a day's use far beyond the most it ever used in a day; its owner's
own sessions, however often they come, do not (issue #20: thefts on world 9's and world 10's
dormant keys went unflagged, or were flagged days late, while the key was "warming up").

Histories from tests/usage/habits.py.
"""

from __future__ import annotations

from dataclasses import replace

from leakward.usage.model import SPARSE_FREE, detect_report
from leakward.usage.records import UsageRecord
from tests.usage.habits import HOUR, Habit, at, thief, usage

SIDE = replace(Habit(), key_id="key_TestSparseSide001", hours=(19, 20), requests=30.0)
OWNER_DAYS = (0, 4, 9)  # three evenings of a fortnight: too few days to judge it by its habits
BACK_ON = 13  # a Saturday, under two weeks after its last use: not dormant


def judged_on(requests: float, hours: int) -> tuple[list[UsageRecord], int]:
    """The owner's sessions, then `hours` hours of `requests` an hour on BACK_ON from 02:00."""
    onset = at(BACK_ON, 2)
    nobody = replace(SIDE, requests=0.0)
    later = usage(
        nobody, [BACK_ON], seed=2, extra=thief(onset, hours, model=SIDE.model, requests=requests)
    )
    return usage(SIDE, OWNER_DAYS, seed=1) + later, onset


def test_a_day_far_beyond_the_busiest_one_it_had_alerts_within_hours() -> None:
    # The owner's evening is 60 requests; 100 an hour pass SPARSE_FREE times that in hour 3.
    records, onset = judged_on(100, 8)
    report = detect_report(records)
    assert [a.start for a in report.alerts] == [onset + 2 * HOUR]
    assert "the most it ever used in a day" in report.alerts[0].reason
    assert SIDE.key_id in report.judged


def test_a_session_like_the_owners_is_no_alert() -> None:
    records, _ = judged_on(30, 2)
    report = detect_report(records)
    assert report.alerts == []


def test_a_day_just_under_the_bound_is_no_alert() -> None:
    # Four hours at the owner's hourly rate: twice its busiest day, under SPARSE_FREE times.
    assert SPARSE_FREE > 2
    records, _ = judged_on(30, 4)
    assert detect_report(records).alerts == []
