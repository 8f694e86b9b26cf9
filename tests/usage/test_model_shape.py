"""How far an hour's request shape may wander before it counts (issue #20).

An hour's averages over thousands of requests still move with the hour's mix of tasks, so the
spread of tokens per request and of the output ratio is never trusted below a floor, however big
the hour. Histories come from tests/usage/habits.py: three weeks kept as history, the fourth
judged.
"""

from __future__ import annotations

from dataclasses import replace

from leakward.usage.model import detect
from tests.usage.habits import Habit, at, split, thief, usage

WEEKS = range(28)
JUDGED_FROM = 21
# Office hours of 120 requests and a nightly job thirty times that: the job's hours are far
# bigger than the key's typical one, so a spread learned on typical hours is narrowed for them.
BUSY = replace(Habit(), key_id="key_TestNightlyBig001", batch_hours=(2, 3), batch_factor=30.0)


def judge_mix(output_ratio: float) -> list[object]:
    # A fifth more requests in tonight's job, on the key's own model and prompts, answering at
    # `output_ratio` (the owner's is 0.25): a shift of the job's mix of tasks.
    onset = at(23, 2)
    extra = thief(onset, 2, model=BUSY.model, requests=720, output_ratio=output_ratio)
    history, judged = split(usage(BUSY, WEEKS, seed=1, extra=extra), JUDGED_FROM)
    return list(detect(judged, history=history))


def test_a_big_jobs_output_ratio_a_quarter_up_is_not_an_alert() -> None:
    # 0.625 on a fifth of the requests: the hour's ratio 1.25 times its usual.
    assert judge_mix(0.625) == []


def test_a_big_jobs_output_ratio_four_times_up_is_caught() -> None:
    # 4.0 on a fifth of the requests: the hour's ratio about 3.5 times its usual.
    alerts = judge_mix(4.0)
    assert alerts
    assert "output" in str(alerts[0])
