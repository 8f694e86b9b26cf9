"""A key's request shape is measured against its own shape at that hour of day, where it has one
(issue #20: "nightly batch jobs … are normal habits, not theft").

Found by the third usage world (bench/usage_world3.py): on keys shared by an office app and a
nightly job, the job's long prompts and short answers were measured against the office app's
median and alerted every night. Histories from tests/usage/habits.py: three weeks of history,
the fourth judged.
"""

from __future__ import annotations

from dataclasses import replace

from leakward.usage.model import detect
from tests.usage.habits import HOUR, Extra, Habit, at, split, usage

DAYS = range(28)
JUDGED_FROM = 21
OFFICE = replace(Habit(), key_id="key_TestSharedShape01")
JOB_HOUR = 3
# The nightly job on the office app's model: 200 requests of four times its prompts, answered
# at a fifth of its output ratio.
JOB = (OFFICE.model, 200.0, 4 * OFFICE.prompt_per_request, OFFICE.output_ratio / 5, None)


def nightly(thief_ratio: float | None = None, onset: int = 0) -> Extra:
    """The job every night; from `onset` on, a thief answering at `thief_ratio` in its hour."""

    def extra(start: int) -> tuple[str, float, float, float, float | None] | None:
        if (start // HOUR) % 24 != JOB_HOUR:
            return None
        if thief_ratio is not None and start >= onset:
            # The thief's requests and the job's on the same model: the hour's ratio is theirs.
            model, requests, prompt, ratio, cached = JOB
            return model, requests * 1.5, prompt, (2 * ratio + thief_ratio) / 3, cached
        return JOB

    return extra


def judge(extra: Extra, seed: int = 1) -> list[object]:
    history, judged = split(usage(OFFICE, DAYS, seed=seed, extra=extra), JUDGED_FROM)
    return list(detect(judged, history=history))


def test_a_nightly_job_shaped_unlike_the_day_is_no_alert() -> None:
    for seed in (1, 2):
        assert judge(nightly(), seed=seed) == []


def test_long_answers_in_the_jobs_hour_are_still_caught() -> None:
    # Half as many requests again, answering at twice the prompt's length: the hour's output
    # ratio fourteen times the job's own (under three times the office app's).
    onset = at(23, JOB_HOUR)
    alerts = judge(nightly(thief_ratio=2.0, onset=onset))
    assert alerts
    assert any(alert.start <= onset + 6 * HOUR for alert in alerts)
