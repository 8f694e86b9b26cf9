"""A slow, low theft on a caching key: each hour a little below its usual cached share.

A stranger's prompts share no prefix with the owner's, so they read nothing from its prompt
cache: a thief adding a small share of an hour's requests lowers the key's cached share a little,
hour after hour. No single hour is far enough off to say so; their running sum is. Histories come
from tests/usage/habits.py: three weeks kept as history, the fourth judged.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from leakward.usage.model import detect
from leakward.usage.records import Alert
from tests.usage.habits import ANTHROPIC_OFFICE, Extra, Habit, at, split, thief, usage

WEEKS = range(28)
JUDGED_FROM = 21
# An office key that reads half its input from the prompt cache, wandering a little hour to hour.
CACHING = replace(ANTHROPIC_OFFICE, cached_share=0.5, cache_wobble=0.05)
ONSET = at(22, 9)  # Tuesday of the judged week, the first working hour


def judge(habit: Habit, extra: Extra | None, seed: int = 1) -> list[Alert]:
    history, judged = split(usage(habit, WEEKS, seed=seed, extra=extra), JUDGED_FROM)
    return detect(judged, history=history)


def slow_low(cached_share: float | None) -> Extra:
    # A fifth of the owner's requests again, its model and prompt sizes, through a working day.
    return thief(ONSET, 8, model=CACHING.model, requests=24, cached_share=cached_share)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_hours_of_a_slightly_low_cached_share_add_up_to_an_alert(seed: int) -> None:
    alerts = judge(CACHING, slow_low(cached_share=0.0), seed)
    assert alerts, "a fifth more input, none of it cached, for eight hours"
    assert ONSET < alerts[0].start < ONSET + 6 * 3600
    assert "hour after hour" in alerts[0].reason


def test_the_first_hour_alone_is_not_an_alert() -> None:
    one_hour = thief(ONSET, 1, model=CACHING.model, requests=24, cached_share=0.0)
    assert judge(CACHING, one_hour) == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_same_extra_reading_the_cache_like_the_owner_is_not_an_alert(seed: int) -> None:
    assert judge(CACHING, slow_low(cached_share=None), seed) == []
