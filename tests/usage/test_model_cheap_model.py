"""A stranger on a model many times cheaper than the key's own is a small part of an hour's cost
but a large part of its use: the new model is weighed by its share of the tokens too, so it
alerts within hours; an owner's few requests to try the cheap model still do not (issue #20:
`group_chat_bot` on the cheapest model alerted 8-15 h late in the eleventh world).

Histories from tests/usage/habits.py: three weeks of office hours, the fourth judged.
"""

from __future__ import annotations

from dataclasses import replace

from leakward.usage.model import detect
from leakward.usage.records import Alert
from tests.usage.habits import HOUR, Extra, Habit, at, split, thief, usage

# An office on gpt-4.1; gpt-5-nano costs about a twenty-fifth as much a token.
OFFICE = replace(Habit(key_id="key_TestCheapModel01"), model="gpt-4.1-2025-04-14")
CHEAP = "gpt-5-nano-2025-08-07"
JUDGED_FROM = 21
ONSET = at(23, 10)  # a Wednesday morning: the owner is at work, the hours are its own


def judge(extra: Extra | None) -> list[Alert]:
    history, judged = split(usage(OFFICE, range(28), seed=5, extra=extra), JUDGED_FROM)
    return list(detect(judged, history=history))


def test_the_office_alone_is_no_alert() -> None:
    assert judge(None) == []


def test_a_bot_on_a_far_cheaper_model_alerts_within_hours() -> None:
    # As many requests as the owner's, with short prompts of its own: 1% of the hour's cost.
    bot = thief(ONSET, 8, model=CHEAP, requests=120, prompt_per_request=400, output_ratio=0.15)
    alerts = judge(bot)
    assert alerts, "no alert for a bot adding half the owner's use on a new cheap model"
    assert alerts[0].start <= ONSET + 3 * HOUR
    assert "of the tokens" in alerts[0].reason
    assert CHEAP in alerts[0].reason


def test_an_owner_trying_the_cheap_model_with_a_few_requests_is_no_alert() -> None:
    assert judge(thief(ONSET, 2, model=CHEAP, requests=4)) == []
