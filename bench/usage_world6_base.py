"""World 6's clock, calendar, model catalogue and the values the other world-6 modules pass.

Stage: benchmark (usage watch, issue #20). World 6 is written blind to the usage model and to
worlds 1-5: mid-year (1 June to 12 July 2026), owners in both hemispheres. The calendar below is
of real kinds of events, dated as they fall in 2026 where the date is public (King's Birthday in
Australia, Matariki in New Zealand, Colombian and Brazilian holidays, Juneteenth, the 4th of July
observed on Friday the 3rd, Australia's financial year ending on 30 June, the 2026 FIFA World Cup
from 11 June); the two-day shopping sale is dated the way Amazon has held Prime Day in July.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime

HOUR = 3_600
DAY = 24 * HOUR
START = int(datetime(2026, 6, 1, tzinfo=UTC).timestamp())  # a Monday
DAYS = 42
JUDGED_DAYS = 14  # the last two weeks: 29 June to 12 July
HISTORY_DAYS = DAYS - JUDGED_DAYS
HOURS = DAYS * 24
JUDGED = range(HISTORY_DAYS * 24, HOURS)  # hour indexes of the judged days
PROVIDERS = ("openai", "anthropic")

# Models an owner of each provider plausibly runs in mid-2026, by tier; thieves pick from `TOP`.
MODELS = {
    "openai": {
        "nano": "gpt-4.1-nano",
        "mini": "gpt-4.1-mini",
        "small": "gpt-5-mini",
        "mid": "gpt-4.1",
        "new": "gpt-5",
        "old": "gpt-4o",
        "reason": "o3",
        "vision": "gpt-4o",
    },
    "anthropic": {
        "nano": "claude-3-5-haiku-20241022",
        "mini": "claude-haiku-4-5-20251001",
        "small": "claude-haiku-4-5-20251001",
        "mid": "claude-sonnet-4-20250514",
        "new": "claude-sonnet-4-5-20250929",
        "old": "claude-3-7-sonnet-20250219",
        "reason": "claude-opus-4-1-20250805",
        "vision": "claude-sonnet-4-20250514",
    },
}
TOP = {"openai": ("o3", "gpt-5"), "anthropic": ("claude-opus-4-1-20250805",)}


def hour_at(month: int, day: int, hour: int = 0) -> int:
    """The world's hour index of a UTC date and hour in 2026."""
    return (int(datetime(2026, month, day, hour, tzinfo=UTC).timestamp()) - START) // HOUR


def iso(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%MZ")


@dataclass(frozen=True, slots=True)
class Clock:
    """An owner's local time: the UTC offset in force in June and July (DST included)."""

    offset: float

    def local(self, hour: int) -> tuple[int, int, int]:
        """(local day index since 1 June, local hour 0-23, local weekday 0=Monday)."""
        shifted = hour + self.offset
        day = int(shifted // 24)
        return day, int(shifted % 24), day % 7  # 1 June 2026 is a Monday


def local_date(day: int) -> tuple[int, int]:
    """(month, day of month) of a local day index."""
    return (6, day + 1) if day < 30 else (7, day - 29)


# Public holidays, by region, as (month, day) local dates in the world's span.
HOLIDAYS = {
    "AU": ((6, 8),),  # King's Birthday (NSW, VIC)
    "NZ": ((6, 1), (7, 10)),  # King's Birthday, Matariki
    "CO": ((6, 8), (6, 15), (6, 29)),  # Corpus Christi, Sagrado Corazón, San Pedro y San Pablo
    "MX": (),
    "BR": ((6, 4),),  # Corpus Christi
    "US": ((6, 19), (7, 3)),  # Juneteenth, Independence Day observed
    "UK": (),
    "DE": ((6, 4),),  # Fronleichnam (Bavaria, NRW)
    "IN": (),
    "SG": ((6, 1),),  # Vesak Day (Sunday 31 May) observed
    "KE": ((6, 1),),  # Madaraka Day
    "PH": ((6, 12),),  # Independence Day
}
ZONES = {
    "AU": 10.0,
    "NZ": 12.0,
    "CO": -5.0,
    "MX": -6.0,
    "BR": -3.0,
    "US": -4.0,
    "USW": -7.0,
    "UK": 1.0,
    "DE": 2.0,
    "IN": 5.5,
    "SG": 8.0,
    "KE": 3.0,
    "PH": 8.0,
}


def is_holiday(region: str, day: int) -> bool:
    return local_date(day) in HOLIDAYS.get(region.rstrip("W"), ())


@dataclass(frozen=True, slots=True)
class Event:
    """A legitimate change in an owner's use: the scorer reports clean key-days per event."""

    name: str
    start: int  # hour index, inclusive
    end: int  # hour index, exclusive


@dataclass(frozen=True, slots=True)
class Shape:
    """How one model's requests look on one key: heavy-tailed input, output and cache shares."""

    input_median: float  # tokens a request, lognormal median
    sigma: float  # lognormal spread of one request's input
    output_ratio: float  # output tokens per input token
    cached: float  # share of input read from the prompt cache


@dataclass(slots=True)
class Plan:
    """What one key does, hour by hour: expected requests per model, and how they look."""

    demand: dict[str, list[float]] = field(default_factory=dict)
    shapes: dict[str, Shape] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    dispersion: float = 8.0  # gamma shape of hour-to-hour noise; lower is burstier

    def add(self, model: str, shape: Shape, hours: list[float]) -> None:
        mine = self.demand.setdefault(model, [0.0] * HOURS)
        for index, value in enumerate(hours):
            mine[index] += value
        self.shapes.setdefault(model, shape)


@dataclass(frozen=True, slots=True)
class Key:
    key_id: str
    archetype: str
    region: str


@dataclass(frozen=True, slots=True)
class Theft:
    key_id: str
    kind: str
    size: str
    onset: int  # epoch seconds of the first stolen bucket


def key_id(provider: str, rng: random.Random) -> str:
    """Ids shaped like each provider's: OpenAI `key_…`, Anthropic `apikey_01…`."""
    alphabet = string.ascii_letters + string.digits
    if provider == "openai":
        return "key_" + "".join(rng.choice(alphabet) for _ in range(16))
    return "apikey_01" + "".join(rng.choice(alphabet) for _ in range(22))
