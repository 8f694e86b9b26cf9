"""World 10's frame: its season, its models, its keys and thefts, and the day curves owners share.

Stage: benchmarks only (issue #20). The season is 17 November 2025 - 4 January 2026 (49 days, the
last 14 judged: 22 December - 4 January), Christmas and New Year across the hemispheres. Written
blind to the usage model and to worlds 2-9's modules (see `usage_world10.py`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo

HOUR = 3600
DAY = 24 * HOUR
START = int(datetime(2025, 11, 17, tzinfo=UTC).timestamp())  # a Monday
DAYS = 49
JUDGED_DAYS = 14
HOURS = DAYS * 24
PROVIDERS = ("openai", "anthropic")
FIRST_JUDGED = DAYS - JUDGED_DAYS  # day 35, Monday 22 December 2025

# Tiers an owner or a thief picks from; the model names are each provider's, as of late 2025.
MODELS: dict[str, dict[str, str]] = {
    "openai": {
        "nano": "gpt-4.1-nano",
        "cheap": "gpt-4o-mini",
        "main": "gpt-4.1",
        "reason": "o3",
        "top": "gpt-5",
    },
    "anthropic": {
        "nano": "claude-3-haiku-20240307",
        "cheap": "claude-haiku-4-5-20251001",
        "main": "claude-sonnet-4-20250514",
        "reason": "claude-sonnet-4-5-20250929",
        "top": "claude-opus-4-1-20250805",
    },
}
TIERS = tuple(MODELS["openai"])


@dataclass(frozen=True, slots=True)
class Key:
    """One API key and its owner's habits; `born`/`dies` are hour indexes (rotations)."""

    key_id: str
    archetype: str
    zone: str
    scale: float  # requests in an ordinary busy hour
    tier: str
    second: str  # a tier the owner uses for a share of requests
    share: float  # that share
    prompt: int  # mean input tokens per request
    ratio: float  # output tokens per input token
    cache: float  # share of input read back from the prompt cache
    variant: int
    born: int = 0
    dies: int = HOURS


@dataclass(frozen=True, slots=True)
class Theft:
    key_id: str
    kind: str
    size: str
    onset: int  # epoch seconds of the thief's first request
    daily_tokens: int  # what the thief burns in a day at its pace


@dataclass(slots=True)
class Usage:
    """Requests and tokens in one (key, hour, model) cell."""

    requests: int = 0
    input_tokens: int = 0  # uncached
    cached: int = 0
    output: int = 0


@dataclass(slots=True)
class World:
    seed: int
    provider: str
    keys: list[Key]
    thefts: list[Theft] = field(default_factory=list)
    cells: dict[tuple[str, int, str], Usage] = field(default_factory=dict)
    events: dict[tuple[str, int], tuple[str, ...]] = field(default_factory=dict)
    outages: list[tuple[int, int]] = field(default_factory=list)  # hour index spans


@dataclass(frozen=True, slots=True)
class Shape:
    """What an owner does in one hour: expected requests, what the day is, a tier for the hour."""

    rate: float
    events: tuple[str, ...] = ()
    tier: str | None = None


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@cache
def local(name: str, hour: int) -> datetime:
    """The local time at the start of the world's hour `hour` in zone `name`."""
    return datetime.fromtimestamp(START + hour * HOUR, zone(name))


def day_rng(key: Key, day: date, salt: str = "") -> random.Random:
    """Randomness fixed by key and local date, so an owner's day is the same whichever hour asks."""
    return random.Random(f"{key.key_id}:{day.isoformat()}:{salt}")


def in_span(t: datetime, first: tuple[int, int, int], last: tuple[int, int, int]) -> bool:
    """Whether local date of `t` lies in [first, last], each (year, month, day)."""
    return date(*first) <= t.date() <= date(*last)


def on(t: datetime, month: int, day: int) -> bool:
    return t.month == month and t.day == day


# Relative hourly weights, local time, busiest hour 1.0.
def _curve(text: str) -> tuple[float, ...]:
    return tuple(float(v) for v in text.split())


OFFICE = _curve("0 0 0 0 0 0 .02 .1 .5 .9 1 .95 .6 .85 1 .95 .8 .5 .2 .08 .05 .03 .01 0")
EVENING = _curve(
    ".35 .2 .1 .05 .04 .05 .1 .2 .3 .35 .4 .45 .5 .5 .45 .45 .5 .6 .75 .9 1 .95 .8 .55"
)
DAYTIME = _curve(
    ".05 .02 .01 .01 .02 .05 .15 .35 .6 .8 .9 1 .95 .9 .9 .85 .85 .8 .75 .7 .6 .45 .3 .15"
)
NIGHT_OWL = _curve(
    ".9 .7 .45 .25 .1 .05 .03 .05 .08 .1 .12 .15 .2 .2 .2 .25 .35 .45 .55 .65 .8 .9 1 1"
)


def weekend(t: datetime) -> bool:
    return t.weekday() >= 5
