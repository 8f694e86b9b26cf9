"""A key whose own history has bursts (an evaluation sweep on a few afternoons a week, far above
its hours of prompts tried by hand) is not flagged for one more burst of the same size; a flood
well past its bursts still is (issue #20: "nightly batch jobs … are normal habits, not theft").

Found by the sixth usage world (bench/usage_world6.py): a fine-tune team's key ran sweeps of a
few hours at a hundred times its usual hour on about a third of its workdays, and every sweep
read as "280× its usual cost for the hour", the median hour being a person's. Histories from
tests/usage/habits.py: three weeks of history, the fourth judged.
"""

from __future__ import annotations

from dataclasses import replace

from leakward.usage.model import detect
from leakward.usage.records import Alert
from tests.usage.habits import DAY, HOUR, MONDAY, Extra, Habit, at, split, thief, usage

DAYS = range(28)
JUDGED_FROM = 21
# A few requests by hand in office hours; a sweep of 400 requests an hour on some afternoons.
TEAM = replace(Habit(), key_id="key_TestEvalSweeps01", requests=4.0)
SWEEP_DAYS = (1, 3, 8, 10, 15, 17, 22, 24)
SWEEP_HOURS = range(14, 18)
SWEEP_REQUESTS = 400.0


def sweeps(also: Extra | None = None) -> Extra:
    """The team's sweeps on SWEEP_DAYS at SWEEP_HOURS, same model and prompts; `also` added."""

    def extra(start: int) -> tuple[str, float, float, float, float | None] | None:
        day, hour = (start - MONDAY) // DAY, (start - MONDAY) % DAY // HOUR
        requests = SWEEP_REQUESTS if day in SWEEP_DAYS and hour in SWEEP_HOURS else 0.0
        if also is not None and (more := also(start)) is not None:
            model, added, prompt, ratio, cached = more
            return model, requests + added, prompt, ratio, cached
        if not requests:
            return None
        return TEAM.model, requests, TEAM.prompt_per_request, TEAM.output_ratio, None

    return extra


def judge(also: Extra | None = None) -> list[Alert]:
    history, judged = split(usage(TEAM, DAYS, seed=3, extra=sweeps(also)), JUDGED_FROM)
    return list(detect(judged, history=history))


def test_a_sweep_as_big_as_the_key_s_own_sweeps_is_no_alert() -> None:
    assert judge() == []


def test_a_flood_far_past_the_key_s_own_sweeps_is_flagged_in_its_first_hour() -> None:
    onset = at(23, 15)
    flood = thief(onset, 3, model=TEAM.model, requests=20 * SWEEP_REQUESTS)
    alerts = judge(flood)
    assert [a.start for a in alerts][:1] == [onset]
    assert "its own bursts at this hour" in alerts[0].reason
