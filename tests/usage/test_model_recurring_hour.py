"""A job that runs at one hour every night is that hour's habit (issue #20: "nightly batch jobs …
are normal habits, not theft"), even on a key whose other hours are busy with something small.

Found by the third usage world (bench/usage_world3.py): on keys shared by an office app, an hourly
cron and a one-hour nightly job, the hour's usual was the median of the hours around it, so every
night's run read as "a surge to 500× its usual". Histories from tests/usage/habits.py: three weeks
of history, the fourth judged.
"""

from __future__ import annotations

from dataclasses import replace

from leakward.usage.model import detect
from tests.usage.habits import HOUR, Extra, Habit, at, split, thief, usage

DAYS = range(28)
JUDGED_FROM = 21
# Office hours of 120 requests, a one-hour job at 02:00 thirty times that, every night.
SHARED = replace(Habit(), key_id="key_TestSharedNightly1", batch_hours=(2,), batch_factor=30.0)


def cron(also: Extra | None = None) -> Extra:
    """The owner's hourly cron, 30 requests every hour of every day; `also` added on top."""

    def extra(start: int) -> tuple[str, float, float, float, float | None] | None:
        if also is not None and (more := also(start)) is not None:
            model, requests, prompt, ratio, cached = more
            return model, requests + 30, prompt, ratio, cached
        return SHARED.model, 30, SHARED.prompt_per_request, SHARED.output_ratio, None

    return extra


def judge(also: Extra | None = None, seed: int = 1) -> list[object]:
    history, judged = split(usage(SHARED, DAYS, seed=seed, extra=cron(also)), JUDGED_FROM)
    return list(detect(judged, history=history))


def test_a_nightly_one_hour_job_beside_an_hourly_cron_is_no_surge() -> None:
    for seed in (1, 2, 3):
        assert judge(seed=seed) == []


def test_a_flood_in_the_jobs_hour_is_still_caught() -> None:
    # Ten times the job's own volume, in its hour, on the key's own model and prompts.
    onset = at(23, 2)
    flood = thief(onset, 1, model=SHARED.model, requests=36_000)
    alerts = judge(flood)
    assert alerts
    assert any(alert.start <= onset + 6 * HOUR for alert in alerts)
