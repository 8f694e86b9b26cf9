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


# The key with the big nightly job, whose output ratio moves by a fifth from hour to hour with
# the tasks of the hour, however many requests the hour has.
WOBBLY = replace(BUSY, key_id="key_TestWobblyRatio01", ratio_wobble=0.2)


def judge_wobbly(extra_ratio: float | None) -> list[object]:
    # A third of a busy hour's requests more, for six hours, answering at `extra_ratio`.
    onset = at(23, 10)
    extra = (
        thief(onset, 6, model=WOBBLY.model, requests=100, output_ratio=extra_ratio)
        if extra_ratio is not None
        else None
    )
    history, judged = split(usage(WOBBLY, WEEKS, seed=3, extra=extra), JUDGED_FROM)
    return list(detect(judged, history=history))


def test_a_busy_hours_usual_ratio_wobble_is_not_an_alert() -> None:
    # The key's own hour-to-hour spread of the ratio was learned on all its hours; the job's
    # hours average thirty times the requests, but their mix wobbles as much: no narrower.
    assert judge_wobbly(None) == []


def test_a_thief_answering_at_length_on_a_wobbly_key_is_caught() -> None:
    # Long answers (output ratio 4, sixteen times the owner's) on a third more requests.
    alerts = judge_wobbly(4.0)
    assert alerts
    assert "output/input ratio" in str(alerts[0])
