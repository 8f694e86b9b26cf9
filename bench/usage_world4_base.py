"""World 4's calendar, models, request shapes and the hourly load that owners and thieves fill.

Stage: benchmark (usage watch, issue #20). Written blind to leakward's usage model and to the
other usage worlds: only `usage_page_writer.py` and the scoring rules of `usage_blackbox3.py` were
read. Everything here is pure Python and seeded, so a seed gives the same world on any machine.

The span starts on Monday 2026-10-19 and runs six weeks, so the history holds both autumn
daylight-saving changes (Europe on 25 October, North America on 1 November) and the judged last
two weeks hold US Thanksgiving and Black Friday (26 and 27 November).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo

HOUR = 3_600
DAY = 24 * HOUR
START = int(datetime(2026, 10, 19, tzinfo=UTC).timestamp())
DAYS = 42
JUDGED_DAYS = 14
HOURS = DAYS * 24
JUDGED_FROM = (DAYS - JUDGED_DAYS) * 24  # first judged hour
PROVIDERS = ("openai", "anthropic")

# Model ids as each provider's usage API reports them, by price tier (list prices per million
# tokens, input/output, at the time of writing: cheap ≤ $1/$5, mid ≈ $2-3/$8-15, dear ≥ $10/$30).
TIERS: dict[str, dict[str, tuple[str, ...]]] = {
    "openai": {
        "cheap": (
            "gpt-4o-mini-2024-07-18",
            "gpt-4.1-nano-2025-04-14",
            "gpt-4.1-mini-2025-04-14",
            "gpt-5-mini-2025-08-07",
        ),
        "mid": ("gpt-4o-2024-08-06", "gpt-4.1-2025-04-14", "gpt-5-2025-08-07", "o3-2025-04-16"),
        "dear": ("o1-2024-12-17", "gpt-4-turbo-2024-04-09"),
        "legacy": ("gpt-3.5-turbo-0125", "o3-mini-2025-01-31", "o4-mini-2025-04-16"),
    },
    "anthropic": {
        "cheap": (
            "claude-3-5-haiku-20241022",
            "claude-haiku-4-5-20251001",
            "claude-3-haiku-20240307",
        ),
        "mid": (
            "claude-sonnet-4-5-20250929",
            "claude-sonnet-4-20250514",
            "claude-3-7-sonnet-20250219",
        ),
        "dear": ("claude-opus-4-1-20250805", "claude-opus-4-20250514"),
        "legacy": ("claude-3-opus-20240229", "claude-3-5-sonnet-20241022"),
    },
}

# Public holidays in the span, by time zone (whole offices and their customers take the day off).
HOLIDAYS: dict[str, tuple[date, ...]] = {
    "America/New_York": (date(2026, 11, 26), date(2026, 11, 27)),
    "America/Los_Angeles": (date(2026, 11, 26), date(2026, 11, 27)),
    "America/Sao_Paulo": (date(2026, 11, 2), date(2026, 11, 20)),
    "Europe/Berlin": (),
    "Europe/London": (),
    "Asia/Kolkata": (date(2026, 11, 9),),  # the working day after Diwali
    "Asia/Tokyo": (date(2026, 11, 3), date(2026, 11, 23)),
    "Australia/Sydney": (),
}
ZONES = tuple(HOLIDAYS)


@dataclass(frozen=True, slots=True)
class Local:
    """An hour of the span as seen on a wall clock somewhere."""

    hour: int  # 0-23
    weekday: int  # Monday 0
    day: date
    is_holiday: bool

    @property
    def is_workday(self) -> bool:
        return self.weekday < 5 and not self.is_holiday


@cache
def clock(zone: str) -> tuple[Local, ...]:
    """Every hour of the span on `zone`'s wall clock, daylight saving included."""
    tz = ZoneInfo(zone)
    out = []
    for h in range(HOURS):
        t = datetime.fromtimestamp(START + h * HOUR, tz)
        out.append(Local(t.hour, t.weekday(), t.date(), t.date() in HOLIDAYS.get(zone, ())))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Shape:
    """Tokens of one request: means, and the lognormal spread of each request's size."""

    fresh: float  # uncached input
    cached: float  # input served from the prompt cache
    output: float
    sigma: float = 0.8


# (hour, model) -> [requests, uncached input, cached input, output]
Load = dict[tuple[int, str], list[int]]


def new_load() -> Load:
    return defaultdict(lambda: [0, 0, 0, 0])


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw: Knuth's product for small means, a rounded normal for large ones."""
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def bursty(rng: random.Random, mean: float, shape_k: float = 4.0) -> int:
    """Requests in an hour: Poisson over a gamma-distributed rate, so hours are overdispersed."""
    if mean <= 0:
        return 0
    return poisson(rng, mean * rng.gammavariate(shape_k, 1 / shape_k))


def _tokens(rng: random.Random, n: int, mean: float, sigma: float, is_tailed: bool = True) -> int:
    """Total tokens of `n` requests with lognormal sizes of mean `mean` (heavy right tail); when
    `is_tailed`, a busy hour now and then holds one giant request (a pasted log, a long answer)."""
    if n <= 0 or mean <= 0:
        return 0
    mu = math.log(mean) - sigma * sigma / 2
    if n <= 24:
        return round(sum(rng.lognormvariate(mu, sigma) for _ in range(n)))
    # many requests: the sum is near n·mean, with the spread of a sum and a rare giant request
    spread = math.sqrt(math.exp(sigma * sigma) - 1) * mean * math.sqrt(n)
    total = rng.gauss(n * mean, spread)
    if is_tailed and rng.random() < 0.02:
        total += rng.lognormvariate(mu, sigma) * 40
    return max(n, round(total))


def add(load: Load, rng: random.Random, hour: int, model: str, n: int, shape: Shape) -> None:
    """Add `n` requests of `shape` on `model` in `hour` (outside the span: dropped)."""
    if n <= 0 or not 0 <= hour < HOURS:
        return
    cell = load[(hour, model)]
    cell[0] += n
    cell[1] += max(n, _tokens(rng, n, shape.fresh, shape.sigma))
    # the cached part is a shared prompt prefix: it varies less and has no giants
    cell[2] += _tokens(rng, n, shape.cached, shape.sigma / 2, is_tailed=False)
    cell[3] += max(n, _tokens(rng, n, shape.output, shape.sigma))


def tokens_by_hour(load: Load) -> list[int]:
    series = [0] * HOURS
    for (hour, _), cell in load.items():
        series[hour] += cell[1] + cell[2] + cell[3]
    return series


def pick(rng: random.Random, provider: str, tier: str) -> str:
    return rng.choice(TIERS[provider][tier])


def heavy(rng: random.Random, median: float, sigma: float = 0.9) -> float:
    """A size drawn with a heavy right tail around `median` (keys differ by orders of magnitude)."""
    return median * math.exp(rng.gauss(0, sigma))
