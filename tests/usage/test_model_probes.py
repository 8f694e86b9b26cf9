"""A checker's one-token calls to several models new to a key, in one of its busiest hours,
alert however little they cost next to the owner's own use; an owner trying one new model with
its real prompts does not (issue #20: `model_hopper` went unflagged while the owner worked).

Histories from tests/usage/habits.py: three weeks of office hours, the fourth judged.
"""

from __future__ import annotations

from leakward.usage.model import detect
from leakward.usage.records import Alert, UsageRecord
from tests.usage.habits import HOUR, Habit, at, split, usage

OFFICE = Habit(key_id="key_TestModelProbes01")
JUDGED_FROM = 21
PROBE_HOUR = at(23, 11)  # a Wednesday, mid-morning: the owner is at work


def calls(models: tuple[str, ...], requests: int, prompt: int, output: int) -> list[UsageRecord]:
    """Requests of `prompt` and `output` tokens each to every one of `models` in PROBE_HOUR."""
    return [
        UsageRecord(
            provider=OFFICE.provider,
            key_id=OFFICE.key_id,
            start=PROBE_HOUR,
            end=PROBE_HOUR + HOUR,
            model=model,
            requests=requests,
            input_tokens=requests * prompt,
            output_tokens=requests * output,
        )
        for model in models
    ]


def judge(extra: list[UsageRecord]) -> list[Alert]:
    history, judged = split(usage(OFFICE, range(28), seed=3), JUDGED_FROM)
    return list(detect([*judged, *extra], history=history))


def test_the_office_alone_is_no_alert() -> None:
    assert judge([]) == []


def test_one_token_calls_to_four_new_models_alert_in_a_busy_hour() -> None:
    # Cheap models, so the few cents they cost say nothing by themselves.
    cheap = ("gpt-5-nano-2025-08-07", "gpt-4.1-nano-2025-04-14", "gpt-5-mini-2025-08-07")
    probes = calls((*cheap, "gpt-4.1-mini-2025-04-14"), 2, 12, 1)
    alerts = judge(probes)
    assert [a.start for a in alerts] == [PROBE_HOUR]
    assert "4 models new to it tried in one hour" in alerts[0].reason


def test_an_owner_trying_one_new_model_with_real_prompts_is_no_alert() -> None:
    assert judge(calls(("gpt-4.1-mini-2025-04-14",), 5, 900, 225)) == []
