"""World 9's dated events: the season's sales, sport, sky, sea, storms and provider outages.

Stage: benchmarks only (issue #20). Dates are 2026's; where an organiser had not published a
time, the usual one is taken and marked so. Hours are UTC unless a name says local.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from bench.usage_world9_base import HOUR, START

THANKSGIVING, BLACK_FRIDAY, CYBER_MONDAY = "2026-11-26", "2026-11-27", "2026-11-30"
SINGLES_DAY = "2026-11-11"
HANUKKAH_NIGHTS = ("2026-12-04", "2026-12-05", "2026-12-06")  # the first three candles
PAPER_DEADLINE = "2026-11-13"  # a CVPR-style deadline (assumed date)
TERM_END = ("2026-11-30", "2026-12-06")  # the last week of a northern autumn term


def utc_hour(text: str) -> int:
    """The world's hour number of a UTC time `YYYY-MM-DDTHH:MM`."""
    t = datetime.fromisoformat(text).replace(tzinfo=UTC)
    return (int(t.timestamp()) - START) // HOUR


@dataclass(frozen=True, slots=True)
class Session:
    """A stretch of hours with a label: a race session, a match, a storm, an outage."""

    first: int  # world hour
    hours: float  # an outage may end mid-hour
    label: str

    @property
    def covered(self) -> range:
        return range(self.first, self.first + math.ceil(self.hours))


def _session(start: str, hours: float, label: str) -> Session:
    return Session(utc_hour(start), hours, label)


# Formula 1's last four rounds (usual session times at each venue; sprint formats ignored).
RACE_SESSIONS = tuple(
    _session(start, hours, label)
    for start, hours, label in (
        ("2026-10-30T18:00", 1, "Mexico City practice"),
        ("2026-10-31T21:00", 1, "Mexico City qualifying"),
        ("2026-11-01T20:00", 2, "Mexico City race"),
        ("2026-11-06T14:30", 1, "São Paulo practice"),
        ("2026-11-06T18:00", 1, "São Paulo practice"),
        ("2026-11-07T18:00", 1, "São Paulo qualifying"),
        ("2026-11-08T17:00", 2, "São Paulo race"),
        ("2026-11-20T00:30", 1, "Las Vegas practice"),
        ("2026-11-20T04:00", 1, "Las Vegas practice"),
        ("2026-11-21T04:00", 1, "Las Vegas qualifying"),
        ("2026-11-22T04:00", 2, "Las Vegas race"),
        ("2026-11-27T13:30", 1, "Qatar practice"),
        ("2026-11-28T17:00", 1, "Qatar qualifying"),
        ("2026-11-29T16:00", 2, "Qatar race"),
        ("2026-12-04T09:30", 1, "Abu Dhabi practice"),
        ("2026-12-04T13:00", 1, "Abu Dhabi practice"),
        ("2026-12-05T14:00", 1, "Abu Dhabi qualifying"),
        ("2026-12-06T13:00", 2, "Abu Dhabi race"),
    )
)

# European club football: Champions League nights (assumed matchdays of the league phase) and a
# midweek Premier League round, kick-offs at the usual 17:45 and 20:00 UTC.
MATCH_NIGHTS = ("2026-11-03", "2026-11-04", "2026-11-24", "2026-11-25", "2026-12-01",
                "2026-12-02")  # fmt: skip

# US market releases (08:30 ET), the Fed's October decision and the midterm election's night.
MARKET_MOVES = tuple(
    _session(start, hours, label)
    for start, hours, label in (
        ("2026-10-28T18:00", 4, "FOMC decision"),
        ("2026-11-04T00:00", 6, "US midterm results"),
        ("2026-11-06T13:00", 3, "jobs report"),
        ("2026-11-12T13:00", 3, "CPI release"),
        ("2026-12-04T13:00", 3, "jobs report"),
    )
)

# Atmospheric rivers over the Pacific Northwest: the outage bot works all night while they last.
STORMS = (
    _session("2026-11-13T10:00", 34, "windstorm, power cuts"),
    _session("2026-12-02T04:00", 40, "atmospheric river, power cuts"),
)

# Provider-wide outages: requests fail (nothing is billed), clients retry after.
OUTAGES: dict[str, tuple[Session, ...]] = {
    "openai": (
        _session("2026-11-10T15:00", 2, "provider outage"),
        _session("2026-12-03T18:00", 2.5, "provider outage"),
    ),
    "anthropic": (
        _session("2026-11-05T10:00", 2, "provider outage"),
        _session("2026-12-01T14:00", 1.5, "provider outage"),
    ),
}


def moon_age(hour: int) -> float:
    """Days since new moon (mean lunation from the new moon of 6 January 2000, 18:14 UTC)."""
    reference = datetime(2000, 1, 6, 18, 14, tzinfo=UTC).timestamp()
    return ((START + hour * HOUR - reference) / 86_400) % 29.530588


def darkness(hour: int) -> float:
    """1 at new moon, 0 at full: how much of the night a telescope gets for faint targets."""
    return (1 + math.cos(2 * math.pi * moon_age(hour) / 29.530588)) / 2


def tide(hour: int, phase: float) -> float:
    """High water's pull on a harbour's work, 0-1, with the M2 tide's 12.42-hour period."""
    return max(0.0, math.cos(2 * math.pi * (hour - phase) / 12.4206)) ** 3
