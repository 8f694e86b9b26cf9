"""World 5's calendar, models and sampling: the ground every owner and thief stands on.

Stage: benchmark (usage watch, issue #20). World 5 runs 42 days from Monday 9 February 2026, so
its judged fortnight (9-22 March) holds what a late-winter fortnight holds: the United States
moving its clocks an hour on 8 March while Europe does not, the last ten days of Ramadan and
Eid al-Fitr (20 March), March Madness (15-22 March) and Melbourne's Labour Day; the history
holds Lunar New Year, Presidents' Day, Carnival, Holi and the English half-term. Local time
comes from `zoneinfo`, so every owner's day moves with its own zone's rules.

Model names are written as both usage APIs write them: dated snapshots.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo

HOUR = 3_600
DAY = 24 * HOUR
DAYS = 42
JUDGED_DAYS = 14
JUDGED = range(DAYS - JUDGED_DAYS, DAYS)
HOURS = DAYS * 24
FIRST_DAY = date(2026, 2, 9)  # a Monday
START = int(datetime(2026, 2, 9, tzinfo=UTC).timestamp())
PROVIDERS = ("openai", "anthropic")

# Tiers of each provider's line-up, cheapest first, as the usage pages name them.
MODELS: dict[str, dict[str, str]] = {
    "openai": {
        "nano": "gpt-4.1-nano-2025-04-14",
        "small": "gpt-4o-mini-2024-07-18",
        "small_next": "gpt-5-mini-2025-08-07",
        "main": "gpt-4.1-2025-04-14",
        "next": "gpt-5-2025-08-07",
        "premium": "o3-2025-04-16",
    },
    "anthropic": {
        "nano": "claude-3-haiku-20240307",
        "small": "claude-3-5-haiku-20241022",
        "small_next": "claude-haiku-4-5-20251001",
        "main": "claude-sonnet-4-20250514",
        "next": "claude-sonnet-4-5-20250929",
        "premium": "claude-opus-4-1-20250805",
    },
}

# Ramadan 1447 and its Eid, as announced for most of the regions the world's owners live in.
RAMADAN = (date(2026, 2, 18), date(2026, 3, 19))
EID = (date(2026, 3, 20), date(2026, 3, 22))

# Public holidays in the owners' zones (local dates): offices close, people are home. Eid is
# kept apart, since the Ramadan app changes its whole day for it.
HOLIDAYS: dict[str, frozenset[date]] = {
    "America/New_York": frozenset({date(2026, 2, 16)}),  # Presidents' Day
    "America/Chicago": frozenset({date(2026, 2, 16)}),
    "America/Los_Angeles": frozenset({date(2026, 2, 16)}),
    "America/Denver": frozenset({date(2026, 2, 16)}),
    "America/Sao_Paulo": frozenset({date(2026, 2, 16), date(2026, 2, 17)}),  # Carnival
    "Europe/Lisbon": frozenset({date(2026, 2, 17)}),  # Carnival Tuesday
    "Asia/Taipei": frozenset({date(2026, 2, d) for d in range(14, 23)}),  # Lunar New Year
    "Asia/Kolkata": frozenset({date(2026, 3, 4)}),  # Holi
    "Australia/Melbourne": frozenset({date(2026, 3, 9)}),  # Labour Day
}
# English schools' half-term, for the tutoring apps.
HALF_TERM = frozenset({date(2026, 2, d) for d in range(16, 21)})


@dataclass(frozen=True, slots=True)
class Local:
    """An hour of the world as one zone lives it."""

    hour: int
    weekday: int  # Monday 0
    day: date

    @property
    def index(self) -> int:
        """The world day whose date this local day has (local days, not UTC ones)."""
        return (self.day - FIRST_DAY).days


@cache
def local_hours(zone: str) -> tuple[Local, ...]:
    """Each world hour in `zone`'s local time, DST and all."""
    tz = ZoneInfo(zone)
    out = []
    for h in range(HOURS):
        t = datetime.fromtimestamp(START + h * HOUR, tz)
        out.append(Local(t.hour, t.weekday(), t.date()))
    return tuple(out)


def is_ramadan(day: date) -> bool:
    return RAMADAN[0] <= day <= RAMADAN[1]


def is_eid(day: date) -> bool:
    return EID[0] <= day <= EID[1]


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw; above 40 the normal approximation is close and much cheaper."""
    if mean <= 0:
        return 0
    if mean > 40:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def lognormal_sum(rng: random.Random, n: int, mean: float, sigma: float) -> int:
    """Tokens of `n` requests whose sizes are lognormal with this mean: heavy-tailed when few,
    since one long prompt then dominates the bucket; the normal limit of the sum when many."""
    if n <= 0 or mean <= 0:
        return 0
    mu = math.log(mean) - sigma * sigma / 2
    if n <= 30:
        return round(sum(rng.lognormvariate(mu, sigma) for _ in range(n)))
    spread = math.sqrt(n * (math.exp(sigma * sigma) - 1)) * mean
    return max(n, round(rng.gauss(n * mean, spread)))


def iso(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%MZ")


def key_id(provider: str, rng: random.Random) -> str:
    """Key ids shaped as each admin API shows them."""
    if provider == "openai":
        return "key_" + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=16))
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    return "apikey_01" + "".join(rng.choices(alphabet, k=22))
