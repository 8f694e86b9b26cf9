"""World 12's frame: its season, models, records and the small random helpers its parts share.

Stage: benchmarks only (issue #20). World 12 runs from Monday 14 April to Sunday 8 June 2025
(56 days; the last 14, 26 May - 8 June, are judged). No clock in the world's zones moves in
that span (the southern zones went back on 6 April, the northern ones forward in March), so a
key's zone has one offset all season, read once from `zoneinfo`.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

HOUR = 3_600
DAY = 24 * HOUR
FIRST = date(2025, 4, 14)
DAYS = 56
JUDGED_DAYS = 14
START = int(datetime(2025, 4, 14, tzinfo=UTC).timestamp())
PROVIDERS = ("openai", "anthropic")

# Each provider's models by the tier an owner or a thief picks from. "next" and "dear" are the
# season's new models: GPT-4.1 (14 April) and o3 (16 April); Claude Sonnet 4 and Opus 4 (22 May).
MODELS = {
    "openai": {
        "nano": "gpt-4.1-nano-2025-04-14",
        "cheap": "gpt-4o-mini-2024-07-18",
        "mid": "gpt-4o-2024-08-06",
        "next": "gpt-4.1-2025-04-14",
        "small_next": "gpt-4.1-mini-2025-04-14",
        "reason": "o4-mini-2025-04-16",
        "dear": "o3-2025-04-16",
        "old_dear": "o1-2024-12-17",
    },
    "anthropic": {
        "nano": "claude-3-haiku-20240307",
        "cheap": "claude-3-5-haiku-20241022",
        "mid": "claude-3-7-sonnet-20250219",
        "next": "claude-sonnet-4-20250514",
        "small_next": "claude-3-5-sonnet-20241022",
        "reason": "claude-3-7-sonnet-20250219",
        "dear": "claude-opus-4-20250514",
        "old_dear": "claude-3-opus-20240229",
    },
}
# The first day each new model can be called (day index; before it the provider refuses it).
RELEASED = {
    "gpt-4.1-nano-2025-04-14": 0,
    "gpt-4.1-2025-04-14": 0,
    "gpt-4.1-mini-2025-04-14": 0,
    "o3-2025-04-16": 2,
    "o4-mini-2025-04-16": 2,
    "claude-sonnet-4-20250514": 38,
    "claude-opus-4-20250514": 38,
}


@dataclass(frozen=True, slots=True)
class Record:
    """One key's use of one model in one hour, with the attributes the page writer reads."""

    key_id: str
    model: str
    start: int
    input_tokens: int  # uncached input
    cached_input_tokens: int
    output_tokens: int
    requests: int

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.cached_input_tokens + self.output_tokens


@dataclass(frozen=True, slots=True)
class Shape:
    """How a stream's requests are sized: mean input tokens a request, the share of it read from
    the prompt cache, and output tokens per input token."""

    tokens_in: float
    cached: float
    out_ratio: float

    def per_request(self) -> float:
        return self.tokens_in * (1 + self.out_ratio)


def day_of(when: date) -> int:
    return (when - FIRST).days


def date_of(day: int) -> date:
    return FIRST + timedelta(days=day)


def offset_hours(zone: str) -> float:
    """The zone's offset from UTC all season (no clock moves between 14 April and 8 June)."""
    moment = datetime(2025, 5, 1, 12, tzinfo=UTC).astimezone(ZoneInfo(zone))
    return (moment.utcoffset() or timedelta(0)).total_seconds() / HOUR


def local_clock(zone_offset: float, t: int) -> tuple[date, int]:
    """The local date and hour of UTC moment `t` at this offset (half-hour zones round down)."""
    moment = datetime.fromtimestamp(t + int(zone_offset * HOUR), UTC)
    return moment.date(), moment.hour


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw; a normal one above 40, where the two agree closely enough."""
    if mean <= 0:
        return 0
    if mean > 40:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def spread(rng: random.Random, key_id: str, model: str, t: int, n: int, shape: Shape) -> Record:
    """`n` requests of `shape` in the hour at `t`. Each request's input is lognormal (sigma 0.6,
    mean `tokens_in`); their sum is drawn at once as a lognormal of the same mean and spread."""
    variance = math.log(1 + (math.exp(0.36) - 1) / n)
    total_in = n * shape.tokens_in * rng.lognormvariate(-variance / 2, math.sqrt(variance))
    cached = int(total_in * shape.cached)
    out = int(total_in * shape.out_ratio * rng.lognormvariate(-0.02, 0.2))
    return Record(key_id, model, t, int(total_in) - cached, cached, max(out, n), n)
