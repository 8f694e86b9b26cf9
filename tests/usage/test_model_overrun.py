"""A scheduled job that runs long (a quarter's close, a bigger batch) carries on from its usual
hours without a break: that is its owner's job, not a stranger at hours the key never works.
Use that starts apart from the run, at the same hours, still counts in full.

Found by the sixth usage world (bench/usage_world6.py): report crons ran two hours longer on the
quarter close and were flagged for "use at 08:00 UTC, an hour it worked never in 22 days".
Histories from tests/usage/habits.py: three weeks of history, the fourth judged.
"""

from __future__ import annotations

from dataclasses import replace

from leakward.usage.model import detect
from leakward.usage.records import Alert
from tests.usage.habits import DAY, HOUR, MONDAY, Extra, Habit, at, split, usage

DAYS = range(28)
JUDGED_FROM = 21
# A two-hour report run at 05:00 UTC every working day.
CRON = replace(Habit(), key_id="key_TestReportCron01", hours=(5, 6), requests=300.0)
CLOSE_DAY = 23  # a Wednesday


def judge(extra: Extra) -> list[Alert]:
    history, judged = split(usage(CRON, DAYS, seed=4, extra=extra), JUDGED_FROM)
    return list(detect(judged, history=history))


def more_at(hours: range, requests: float) -> Extra:
    """`requests` more an hour at `hours` of CLOSE_DAY, on the job's model and prompts."""

    def extra(start: int) -> tuple[str, float, float, float, float | None] | None:
        day, hour = (start - MONDAY) // DAY, (start - MONDAY) % DAY // HOUR
        if day == CLOSE_DAY and hour in hours:
            return CRON.model, requests, CRON.prompt_per_request, CRON.output_ratio, None
        return None

    return extra


def test_a_job_running_two_hours_past_its_usual_end_is_not_flagged() -> None:
    assert judge(more_at(range(5, 9), 600.0)) == []


def test_use_at_the_same_hours_after_a_break_in_the_run_is_flagged() -> None:
    # The job ends at 07:00 as usual; someone works 08:00-10:00.
    alerts = judge(more_at(range(8, 10), 600.0))
    assert [a.start for a in alerts][:1] == [at(CLOSE_DAY, 8)]
    assert "running on" not in alerts[0].reason
