"""World 11's calendar, models, records and local clocks: late July to mid September 2025.

Stage: benchmarks only (issue #20). World 11 was written blind to the usage model and to worlds
2-10 (only the page writer, the scorer, the harness of world 10, the published usage specs and
`leakward usage analyze --help` were read). Its 56 days run from Monday 21 July 2025 to Sunday
14 September 2025 (UTC); the last 14 (1-14 September: US Labor Day, back to school and office,
the transfer window's deadline day, the September tax deadlines) are judged, the 42 before are
the history: the northern summer holidays, Europe's August shutdowns, the southern winter, GPT-5
(7 August) and Claude Opus 4.1 (5 August) appearing mid-season.

A world is a dict of cells: (key id, UTC hour index, model) -> `Usage`. The empty key id is
usage with no API key (the console), written with a null `api_key_id`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

HOUR = 3_600
DAY = 24 * HOUR
START = int(datetime(2025, 7, 21, tzinfo=UTC).timestamp())  # Monday
DAYS = 56
JUDGED_DAYS = 14
FIRST_JUDGED = DAYS - JUDGED_DAYS  # day 42 = Monday 1 September 2025, US Labor Day
HOURS = DAYS * 24
PROVIDERS = ("openai", "anthropic")

# Each provider's models by the role an owner gives them. "new" and "new_mid" appear mid-season
# (GPT-5 and GPT-5 mini on 7 August, Claude Opus 4.1 on 5 August); "legacy" is what a batch
# team moves off.
MODELS = {
    "openai": {
        "nano": "gpt-4.1-nano-2025-04-14",
        "mini": "gpt-4o-mini-2024-07-18",
        "main": "gpt-4.1-2025-04-14",
        "top": "o3-2025-04-16",
        "legacy": "gpt-4o-2024-08-06",
        "new": "gpt-5-2025-08-07",
        "new_mid": "gpt-5-mini-2025-08-07",
        "reason_small": "o4-mini-2025-04-16",
    },
    "anthropic": {
        "nano": "claude-3-haiku-20240307",
        "mini": "claude-3-5-haiku-20241022",
        "main": "claude-sonnet-4-20250514",
        "top": "claude-opus-4-20250514",
        "legacy": "claude-3-7-sonnet-20250219",
        "new": "claude-opus-4-1-20250805",
        "new_mid": "claude-sonnet-4-20250514",
        "reason_small": "claude-3-5-sonnet-20241022",
    },
}
RELEASED = {  # the first UTC day a model can be used
    ("openai", "new"): (date(2025, 8, 7) - date(2025, 7, 21)).days,
    ("openai", "new_mid"): (date(2025, 8, 7) - date(2025, 7, 21)).days,
    ("anthropic", "new"): (date(2025, 8, 5) - date(2025, 7, 21)).days,
}


def day_of(when: date) -> int:
    """The UTC day index of a calendar date."""
    return (when - date(2025, 7, 21)).days


@dataclass(slots=True)
class Usage:
    requests: int = 0
    input_tokens: int = 0  # uncached input
    cached: int = 0
    output: int = 0

    def add(self, requests: int, input_tokens: int, cached: int, output: int) -> None:
        self.requests += requests
        self.input_tokens += input_tokens
        self.cached += cached
        self.output += output

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.cached + self.output


@dataclass(frozen=True, slots=True)
class Shape:
    """One request: mean input (cached included) and output tokens, the cached share of its
    input, and the spread of request sizes (lognormal sigma)."""

    input: float
    output: float
    cached: float = 0.0
    sigma: float = 0.6


@dataclass(slots=True)
class Key:
    key_id: str
    archetype: str
    variant: int
    zone: str
    scale: float  # requests in the owner's busy hour
    born: int = 0  # first hour the key exists
    dies: int = HOURS  # first hour it no longer does
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Theft:
    key_id: str
    kind: str
    size: str
    onset: int  # epoch seconds of its first request
    daily_tokens: int
    zone: str


@dataclass(slots=True)
class World:
    seed: int
    provider: str
    keys: list[Key]
    cells: dict[tuple[str, int, str], Usage]
    thefts: list[Theft]
    events: dict[tuple[str, int], tuple[str, ...]]
    outages: list[tuple[int, int]]  # [first hour, end hour)

    def put(
        self, key_id: str, hour: int, model: str, requests: int, inp: int, cached: int, out: int
    ) -> None:
        if requests <= 0 and inp + cached + out <= 0:
            return
        self.cells.setdefault((key_id, hour, model), Usage()).add(requests, inp, cached, out)


@dataclass(frozen=True, slots=True)
class Local:
    """An hour of the world in one zone."""

    hour: int  # UTC hour index
    when: date  # local date
    clock: int  # local hour 0-23
    weekday: int  # local, Monday 0

    @property
    def weekend(self) -> bool:
        return self.weekday >= 5


@cache
def clock(zone: str) -> tuple[Local, ...]:
    """Every hour of the world as `zone` sees it (daylight saving from zoneinfo)."""
    tz = ZoneInfo(zone)
    first = datetime.fromtimestamp(START, UTC)
    out = []
    for h in range(HOURS):
        t = (first + timedelta(hours=h)).astimezone(tz)
        out.append(Local(h, t.date(), t.hour, t.weekday()))
    return tuple(out)


def draw(rng: random.Random, expected: float) -> int:
    """A Poisson count (normal above 30)."""
    if expected <= 0:
        return 0
    if expected > 30:
        return max(0, round(rng.gauss(expected, expected**0.5)))
    n, p, limit = 0, rng.random(), pow(2.718281828459045, -expected)
    while p > limit:
        n += 1
        p *= rng.random()
    return n


def tokens(rng: random.Random, requests: int, shape: Shape) -> tuple[int, int, int]:
    """Uncached input, cached input and output of `requests` requests of `shape`: each request
    lognormal about the mean, their sum's spread narrowing with the count."""
    if requests <= 0:
        return 0, 0, 0
    spread = shape.sigma / max(1.0, requests**0.5)
    scale = rng.lognormvariate(-(spread**2) / 2, spread)
    total_in = max(requests, round(requests * shape.input * scale))
    cached = round(total_in * shape.cached * rng.uniform(0.85, 1.0))
    ratio = rng.lognormvariate(-(spread**2) / 8, spread / 2)
    out = max(requests, round(requests * shape.output * ratio))
    return total_in - cached, cached, out
