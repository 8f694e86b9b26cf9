"""World 9's frame: its six weeks, its clocks, its models, and how demand becomes usage rows.

Stage: benchmarks only (issue #20, the ninth world, written blind to the model). The season is
26 October - 6 December 2026, the last 14 days (23 November - 6 December) judged. It ends the
day before it was written: `leakward usage analyze` rightly refuses buckets from after the
machine's clock. US and Canadian clocks go back on 1 November inside the history weeks (Europe
went back the day before the world starts; Chile is on summer time throughout); local time
comes from `zoneinfo`.

Owners and thieves alike describe what they do as *demand*: per UTC hour, a list of
`(Mix, expected requests)`. `sample` turns one key's demand into the rows the provider reports,
summing the owner's and a thief's use of the same model in the same hour into one row, as the
usage APIs group by key and model and cannot tell two callers apart.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from leakward.usage.records import UsageRecord

HOUR = 3_600
DAY = 24 * HOUR
DAYS = 42
JUDGED_DAYS = 14
HOURS = DAYS * 24
FIRST_DAY = datetime(2026, 10, 26, tzinfo=UTC)  # a Monday
START = int(FIRST_DAY.timestamp())
JUDGED_START = DAYS - JUDGED_DAYS  # day 28 is Monday 23 November, Thanksgiving week
PROVIDERS = ("openai", "anthropic")

# Per provider, the models by role: what owners and thieves reach for. Names as the usage APIs
# report them (dated snapshots where the API reports dated ones).
MODELS: dict[str, dict[str, str]] = {
    "openai": {
        "cheap": "gpt-4.1-nano-2025-04-14",
        "small": "gpt-4o-mini-2024-07-18",
        "mid": "gpt-4.1-2025-04-14",
        "chat": "gpt-4o-2024-08-06",
        "new": "gpt-5-2025-08-07",
        "new_small": "gpt-5-mini-2025-08-07",
        "reason": "o3-2025-04-16",
        "reason_small": "o4-mini-2025-04-16",
        "dearest": "gpt-5-pro-2025-10-06",
    },
    "anthropic": {
        "cheap": "claude-3-5-haiku-20241022",
        "small": "claude-haiku-4-5-20251001",
        "mid": "claude-sonnet-4-20250514",
        "chat": "claude-sonnet-4-5-20250929",
        "new": "claude-opus-4-5-20251101",
        "new_small": "claude-haiku-4-5-20251001",
        "reason": "claude-opus-4-1-20250805",
        "reason_small": "claude-sonnet-4-5-20250929",
        "dearest": "claude-opus-4-1-20250805",
    },
}


@dataclass(frozen=True, slots=True)
class Mix:
    """One way of calling one model: mean tokens a request (input not cached, cached, output)."""

    model: str
    prompt: int
    cached: int
    output: int

    @property
    def tokens(self) -> int:
        return self.prompt + self.cached + self.output


Demand = list[list[tuple[Mix, float]]]  # per UTC hour of the world: (mix, expected requests)


def empty_demand() -> Demand:
    return [[] for _ in range(HOURS)]


@dataclass(frozen=True, slots=True)
class Clock:
    """Local wall time of every UTC hour of the world in one zone."""

    zone: str
    hour: tuple[int, ...]  # 0-23
    weekday: tuple[int, ...]  # Monday 0
    date: tuple[str, ...]  # local YYYY-MM-DD


@cache
def clock(zone: str) -> Clock:
    tz = ZoneInfo(zone)
    times = [datetime.fromtimestamp(START + h * HOUR, tz) for h in range(HOURS)]
    return Clock(
        zone,
        tuple(t.hour for t in times),
        tuple(t.weekday() for t in times),
        tuple(t.date().isoformat() for t in times),
    )


def day_of(date: str) -> int:
    """The world's day number (UTC) of a calendar date."""
    return (datetime.fromisoformat(date).date() - FIRST_DAY.date()).days


def date_of(day: int) -> str:
    return (FIRST_DAY + timedelta(days=day)).date().isoformat()


def iso(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%MZ")


@dataclass(frozen=True, slots=True)
class Key:
    key_id: str
    archetype: str  # the owner kind
    owner: str  # who holds it, in words
    zone: str
    born: int  # first day the key exists (a key rotated in is born in the world)
    retired: int  # first day the key no longer works (DAYS if never)


def key_id(provider: str, rng: random.Random) -> str:
    """An id shaped like each provider's: OpenAI `key_` + 16, Anthropic `apikey_01` + 22."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789"
    if provider == "openai":
        return "key_" + "".join(rng.choice(alphabet) for _ in range(16))
    return "apikey_01" + "".join(rng.choice(alphabet) for _ in range(22))


def _count(rng: random.Random, mean: float) -> int:
    """Requests in an hour: Poisson for a trickle, gamma-widened normal for a stream (a busy key's
    hours vary more than Poisson's square root, as users arrive in waves)."""
    if mean <= 0:
        return 0
    if mean < 30:
        limit, k, p = math.exp(-mean), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1
    spread = math.sqrt(mean + (0.08 * mean) ** 2)
    return max(0, round(rng.gauss(mean, spread)))


def _tokens(rng: random.Random, mean: int, n: int) -> int:
    """Tokens of n requests with lognormal sizes (sigma 0.8): their sum's spread shrinks with n."""
    if mean <= 0 or n <= 0:
        return 0
    sigma = 0.8 / math.sqrt(n)
    return max(n, round(n * mean * math.exp(rng.gauss(-sigma * sigma / 2, sigma))))


Rows = dict[tuple[int, str], list[int]]  # (hour, model) -> [requests, prompt, cached, output]


def sample(demand: Demand, rng: random.Random) -> Rows:
    """What one caller's demand came to: requests and tokens per hour and model."""
    rows: Rows = {}
    for hour, wants in enumerate(demand):
        for mix, mean in wants:
            n = _count(rng, mean)
            if n == 0:
                continue
            row = rows.setdefault((hour, mix.model), [0, 0, 0, 0])
            row[0] += n
            row[1] += _tokens(rng, mix.prompt, n)
            row[2] += _tokens(rng, mix.cached, n)
            row[3] += _tokens(rng, mix.output, n)
    return rows


def added(*callers: Rows) -> Rows:
    """Several callers of one key as the provider reports them: summed per hour and model."""
    total: Rows = {}
    for rows in callers:
        for cell, values in rows.items():
            before = total.get(cell, [0, 0, 0, 0])
            total[cell] = [a + b for a, b in zip(before, values, strict=True)]
    return total


def records(provider: str, key_id: str, rows: Rows) -> list[UsageRecord]:
    """The usage rows of one key (`key_id` empty for console use, billed to no key)."""
    return [
        UsageRecord(
            provider=provider,
            start=START + hour * HOUR,
            end=START + (hour + 1) * HOUR,
            key_id=key_id,
            model=model,
            requests=n,
            input_tokens=prompt,
            cached_input_tokens=cached,
            output_tokens=output,
        )
        for (hour, model), (n, prompt, cached, output) in sorted(rows.items())
    ]


def expected_tokens(demand: Demand, hours: Sequence[int]) -> float:
    return sum(mix.tokens * mean for h in hours for mix, mean in demand[h])


def ordinary_day(demand: Demand, floor: float = 40_000.0) -> float:
    """The owner's ordinary day: the median expected tokens of its history days with any use
    (of all its days for a key issued in the judged weeks), at least `floor` (a thief sized on a
    near-idle key still has to do something)."""
    daily = [expected_tokens(demand, range(d * 24, d * 24 + 24)) for d in range(DAYS)]
    days = sorted(t for t in daily[:JUDGED_START] if t) or sorted(t for t in daily if t)
    return max(floor, days[len(days) // 2] if days else 0.0)


@dataclass(frozen=True, slots=True)
class Habit:
    """What an owner does with a key, and the legitimate events behind its unusual days."""

    demand: Demand
    events: dict[int, tuple[str, ...]]  # UTC day -> what the owner did that day out of the usual
    queued: bool = False  # requests refused in an outage are retried from a queue afterwards


@dataclass(frozen=True, slots=True)
class Owner:
    """One key's owner as an owner kind sees it: the key, its provider's models, its own dice."""

    key: Key
    provider: str
    rng: random.Random

    @property
    def clock(self) -> Clock:
        return clock(self.key.zone)

    def model(self, role: str) -> str:
        return MODELS[self.provider][role]

    def mix(self, role: str, prompt: int, cached: int, output: int) -> Mix:
        """A way of calling the model of `role`, its token sizes varied ±25% per owner."""
        vary = self.rng.uniform
        return Mix(
            self.model(role),
            round(prompt * vary(0.75, 1.25)),
            round(cached * vary(0.75, 1.25)),
            round(output * vary(0.75, 1.25)),
        )

    def is_alive(self, hour: int) -> bool:
        return self.key.born * 24 <= hour < self.key.retired * 24


def shaped(
    owner: Owner, mixes: Sequence[tuple[Mix, float]], rate: Callable[[int], float]
) -> Demand:
    """Demand of `rate(hour)` requests an hour, split over `mixes` by share, while the key lives."""
    demand = empty_demand()
    for hour in range(HOURS):
        if owner.is_alive(hour) and (total := rate(hour)) > 0:
            demand[hour] = [(mix, total * share) for mix, share in mixes]
    return demand


def merged(*parts: Demand) -> Demand:
    return [[want for part in parts for want in part[hour]] for hour in range(HOURS)]


def noted(events: dict[int, list[str]]) -> dict[int, tuple[str, ...]]:
    return {day: tuple(sorted(set(names))) for day, names in events.items() if names}
