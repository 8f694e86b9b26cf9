"""A model new to a key, sent prompts far smaller (or bigger) than the key's own, alerts in the
owner's busy hours even where it is cheap and a small share of the hour's cost; the same model
sent the key's own prompts does not (issue #20: world 10's `gift_spammer`, tiny prompts and long
answers on gpt-4.1-nano, alerted 9 to 30 hours late on "models new to it" alone).

Histories from tests/usage/habits.py: three weeks of office hours, the fourth judged.
"""

from __future__ import annotations

from leakward.usage.model import detect
from leakward.usage.records import Alert
from tests.usage.habits import Habit, at, split, thief, usage

OFFICE = Habit(key_id="key_TestNewModelPrompts01")
JUDGED_FROM = 21
ONSET = at(23, 11)  # a Wednesday, mid-morning: the owner is at work
NANO = "gpt-4.1-nano-2025-04-14"


def judge(prompt_per_request: float, output_ratio: float) -> list[Alert]:
    spam = thief(
        ONSET,
        1,
        model=NANO,
        requests=40,
        prompt_per_request=prompt_per_request,
        output_ratio=output_ratio,
    )
    history, judged = split(usage(OFFICE, range(28), seed=5, extra=spam), JUDGED_FROM)
    return list(detect(judged, history=history))


def test_tiny_prompts_on_a_new_cheap_model_alert_in_their_first_hour() -> None:
    alerts = judge(150, 6.0)
    assert [a.start for a in alerts] == [ONSET]
    assert "input tokens per request on gpt-4.1-nano-2025-04-14, new to it" in alerts[0].reason


def test_the_keys_own_prompts_on_the_new_model_are_no_alert() -> None:
    assert judge(900, 0.25) == []
