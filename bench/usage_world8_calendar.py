"""World 8's calendar: local time in each owner's city, the holidays it keeps, and the outages.

Stage: benchmark (usage watch, issue #20). Local hours come from `zoneinfo`, so clocks move where
they really do in this period: New Zealand forward on 27 September, New South Wales and Victoria
forward on 4 October, the European Union, Ireland and Israel back on 25 October (Chile moved on
6 September, before the world starts; Brazil, Mexico, Korea, China and Japan keep one clock).
Holidays are the days off of each government's 2026 calendar, written from memory and checked
for their weekdays; two were checked against a source: Chuseok is Thursday 24 to Saturday
26 September with no substitute day (a Saturday does not earn one; Korea Herald, 2025-10-07,
koreaherald.com/article/10586917), and China's arrangement is 25-27 September and 1-7 October
off with 20 September and 10 October worked (the State Council's 2026 notice as tabled at
sxwanpai.com/blog, read 2026-12-07). Dates in Israel follow the Hebrew calendar's 5787 (Yom
Kippur on 21 September, Sukkot from 26 September); Dussehra's (20 October) is from memory.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from bench.usage_world8_base import DAY, HOUR, HOURS, START

# country (ISO 3166-1, or 3166-2 where a state keeps its own) -> ISO date -> (name, share of
# ordinary office work still done that day)
HOLIDAYS: dict[str, dict[str, tuple[str, float]]] = {
    "IL": {
        "2026-09-20": ("erev Yom Kippur", 0.5),
        "2026-09-21": ("Yom Kippur", 0.02),
        "2026-09-25": ("erev Sukkot", 0.5),
        "2026-09-28": ("Chol HaMoed Sukkot", 0.6),
        "2026-09-29": ("Chol HaMoed Sukkot", 0.6),
        "2026-10-02": ("Hoshana Rabbah", 0.5),
    },
    "KR": {
        "2026-09-24": ("Chuseok", 0.1),
        "2026-09-25": ("Chuseok", 0.05),
        "2026-10-05": ("National Foundation Day substitute", 0.15),
        "2026-10-09": ("Hangul Day", 0.15),
    },
    "CN": {
        "2026-09-25": ("Mid-Autumn Festival", 0.1),
        "2026-09-26": ("Mid-Autumn Festival", 0.1),
        "2026-09-27": ("Mid-Autumn Festival", 0.1),
        "2026-10-01": ("National Day", 0.05),
        "2026-10-02": ("Golden Week", 0.08),
        "2026-10-03": ("Golden Week", 0.08),
        "2026-10-04": ("Golden Week", 0.08),
        "2026-10-05": ("Golden Week", 0.1),
        "2026-10-06": ("Golden Week", 0.1),
        "2026-10-07": ("Golden Week", 0.12),
    },
    "TW": {
        "2026-09-25": ("Mid-Autumn Festival", 0.1),
        "2026-09-28": ("Teachers' Day", 0.15),
        "2026-10-09": ("National Day observed", 0.1),
    },
    "JP": {
        "2026-09-21": ("Respect for the Aged Day", 0.1),
        "2026-09-22": ("Citizens' Holiday", 0.15),
        "2026-09-23": ("Autumnal Equinox Day", 0.1),
        "2026-10-12": ("Sports Day", 0.1),
    },
    "BR": {"2026-10-12": ("Nossa Senhora Aparecida", 0.1)},
    "MX": {"2026-09-16": ("Independence Day", 0.1)},
    "CL": {
        "2026-09-18": ("Fiestas Patrias", 0.05),
        "2026-10-12": ("Encuentro de Dos Mundos", 0.1),
    },
    "CO": {"2026-10-12": ("Dia de la Raza", 0.1)},
    "AU-NSW": {"2026-10-05": ("Labour Day", 0.1)},
    "AU-VIC": {"2026-09-25": ("AFL Grand Final Friday", 0.2)},
    "CA": {
        "2026-09-30": ("Truth and Reconciliation Day", 0.4),
        "2026-10-12": ("Thanksgiving", 0.1),
    },
    "US": {"2026-10-12": ("Indigenous Peoples' Day", 0.7)},
    "PT": {"2026-10-05": ("Implantacao da Republica", 0.1)},
    "IN": {"2026-10-02": ("Gandhi Jayanti", 0.1), "2026-10-20": ("Dussehra", 0.1)},
    "KE": {"2026-10-20": ("Mashujaa Day", 0.1)},
    "IE": {},
    "PL": {},
    "PH": {},
    "NZ": {},
}

# Worked Saturdays and Sundays (China's make-up days around its holidays).
WORKED_WEEKENDS: dict[str, frozenset[str]] = {"CN": frozenset({"2026-09-20", "2026-10-10"})}

# The third quarter closes on Wednesday 30 September: finance, trading and reporting run late
# through the first two days of October.
QUARTER_CLOSE = frozenset({"2026-09-28", "2026-09-29", "2026-09-30", "2026-10-01", "2026-10-02"})

# Each provider's outages, (first hour index, hours): requests fail, so queued work waits and is
# replayed when the API answers again. One falls in the history, one in the judged days.
OUTAGES: dict[str, tuple[tuple[int, int], ...]] = {
    "openai": ((8 * 24 + 14, 2), (30 * 24 + 15, 3)),  # 22 Sep 14:00Z, 14 Oct 15:00Z
    "anthropic": ((17 * 24 + 9, 2), (36 * 24 + 16, 3)),  # 1 Oct 09:00Z, 20 Oct 16:00Z
}


@cache
def local_clock(tz: str) -> tuple[tuple[str, int, int], ...]:
    """For each hour of the world, (local ISO date, local hour, local weekday 0=Monday) in `tz`."""
    zone = ZoneInfo(tz)
    out = []
    for hour in range(HOURS):
        t = datetime.fromtimestamp(START + hour * HOUR, UTC).astimezone(zone)
        out.append((t.date().isoformat(), t.hour, t.weekday()))
    return tuple(out)


def holiday(country: str, iso: str) -> tuple[str, float] | None:
    return HOLIDAYS[country].get(iso)


def is_workday(country: str, iso: str) -> bool:
    """A weekday that is not a day off, or a worked weekend day."""
    if iso in WORKED_WEEKENDS.get(country, frozenset()):
        return True
    return date.fromisoformat(iso).weekday() < 5 and (holiday(country, iso) or ("", 1.0))[1] > 0.3


def is_outage(provider: str, hour: int) -> bool:
    return any(first <= hour < first + span for first, span in OUTAGES[provider])


def outage_end(provider: str, hour: int) -> int | None:
    """The first hour after the outage that `hour` falls in, or None outside outages."""
    for first, span in OUTAGES[provider]:
        if first <= hour < first + span:
            return first + span
    return None


def world_day(iso: str) -> int:
    """The world's day index (UTC) of an ISO date."""
    when = datetime.fromisoformat(iso).replace(tzinfo=UTC)
    return (int(when.timestamp()) - START) // DAY
