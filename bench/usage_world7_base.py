"""World 7's calendar, places and price list: the facts every other world-7 module reads.

Stage: benchmark (usage watch, issue #20). World 7 runs from Monday 30 March to Sunday 10 May
2026 (42 days; the last 14, 27 April - 10 May, are judged). Its owners sit in Tokyo, Seoul,
Bengaluru (UTC+5:30), Kathmandu (UTC+5:45), Jakarta, Nairobi, Lagos, Warsaw, Berlin and Auckland,
so local hours are read with `zoneinfo`: Europe had moved its clocks on 29 March, New Zealand
moves them back on 5 April, inside the history. The season: India's financial year closing on
31 March and Japan's new hires starting on 1 April, Easter (3-6 April) and New Zealand's school
holidays in the history; Poland's income-tax deadline (30 April), Japan's Golden Week, May Day
and Korea's Children's Day in the judged weeks. Holidays are each country's published public
holidays for 2026 (ANZAC Day falls on a Saturday and is observed on Monday 27 April).

Models are the dated snapshot names the usage APIs report, by tier; a tier is what an owner's
habit asks for, so one habit runs on either provider.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

HOUR = 3_600
DAY = 24 * HOUR
DAYS = 42
JUDGED_DAYS = 14
FIRST_DATE = date(2026, 3, 30)
START = int(datetime(2026, 3, 30, tzinfo=UTC).timestamp())  # 1774828800, a Monday
END = START + DAYS * DAY
HOURS = DAYS * 24
PROVIDERS = ("openai", "anthropic")

# region -> (IANA zone, public holidays of 2026 within the world)
REGIONS: dict[str, tuple[str, tuple[date, ...]]] = {
    "tokyo": (
        "Asia/Tokyo",
        (date(2026, 4, 29), date(2026, 5, 3), date(2026, 5, 4), date(2026, 5, 5), date(2026, 5, 6)),
    ),
    "seoul": ("Asia/Seoul", (date(2026, 5, 1), date(2026, 5, 5))),
    "bengaluru": (
        "Asia/Kolkata",
        (date(2026, 4, 3), date(2026, 4, 14), date(2026, 5, 1)),
    ),
    "kathmandu": ("Asia/Kathmandu", (date(2026, 4, 14), date(2026, 5, 1))),
    "jakarta": ("Asia/Jakarta", (date(2026, 4, 3), date(2026, 5, 1))),
    "nairobi": ("Africa/Nairobi", (date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 1))),
    "lagos": ("Africa/Lagos", (date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 1))),
    "warsaw": ("Europe/Warsaw", (date(2026, 4, 5), date(2026, 4, 6), date(2026, 5, 1))),
    "berlin": ("Europe/Berlin", (date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 1))),
    "auckland": (
        "Pacific/Auckland",
        (date(2026, 4, 3), date(2026, 4, 6), date(2026, 4, 27)),
    ),
    "los_angeles": ("America/Los_Angeles", ()),
    "utc": ("UTC", ()),
}

# Tier -> the snapshot names each provider's usage report shows (first is the usual choice).
MODELS: dict[str, dict[str, tuple[str, ...]]] = {
    "openai": {
        "nano": ("gpt-5-nano-2025-08-07", "gpt-4.1-nano-2025-04-14"),
        "mini": ("gpt-4o-mini-2024-07-18", "gpt-5-mini-2025-08-07", "gpt-4.1-mini-2025-04-14"),
        "mid": ("gpt-4.1-2025-04-14", "gpt-5-2025-08-07", "gpt-4o-2024-08-06"),
        "top": ("o3-2025-04-16", "gpt-5-pro-2025-10-06"),
    },
    "anthropic": {
        "nano": ("claude-3-haiku-20240307", "claude-3-5-haiku-20241022"),
        "mini": ("claude-3-5-haiku-20241022", "claude-haiku-4-5-20251001"),
        "mid": ("claude-sonnet-4-20250514", "claude-sonnet-4-5-20250929"),
        "top": ("claude-opus-4-1-20250805", "claude-opus-4-5-20251101"),
    },
}


def model(provider: str, tier: str, which: int = 0) -> str:
    names = MODELS[provider][tier]
    return names[which % len(names)]


def day_of(moment: datetime | date) -> int:
    """The world's day index of a date (or of an aware datetime's UTC date)."""
    if isinstance(moment, datetime):
        moment = moment.astimezone(UTC).date()
    return (moment - FIRST_DATE).days


def at(day: int, hour: float = 0.0) -> int:
    """Epoch seconds of a world day and UTC hour."""
    return START + day * DAY + round(hour * HOUR)


def local_at(region: str, when: date, hour: float) -> int:
    """Epoch seconds of a local wall-clock time in a region."""
    zone = ZoneInfo(REGIONS[region][0])
    midnight = datetime(when.year, when.month, when.day, tzinfo=zone)
    return int((midnight + timedelta(hours=hour)).timestamp())


@cache
def local_grid(region: str) -> tuple[tuple[int, bool, bool, int], ...]:
    """For each UTC hour of the world: (local hour, is a weekend day, is a public holiday, local
    day index). Computed once per region; half-hour zones take the hour the bucket mostly
    covers."""
    zone_name, holidays = REGIONS[region]
    zone = ZoneInfo(zone_name)
    grid = []
    for index in range(HOURS):
        moment = datetime.fromtimestamp(START + index * HOUR + HOUR // 2, zone)
        local = moment.date()
        grid.append((moment.hour, local.weekday() >= 5, local in holidays, day_of(local)))
    return tuple(grid)


def date_of(day: int) -> date:
    return FIRST_DATE + timedelta(days=day)


def curve(points: str) -> tuple[float, ...]:
    """A 24-hour weight curve from "hour:weight" points, linear between them and around
    midnight, so a habit reads as one line of numbers."""
    ordered = sorted((int(h), float(w)) for h, w in (p.split(":") for p in points.split()))
    ahead = [*ordered[1:], (ordered[0][0] + 24, ordered[0][1])]
    weights = []
    for hour in range(24):
        for (h0, w0), (h1, w1) in zip(ordered, ahead, strict=True):
            x = hour if hour >= h0 else hour + 24
            if h0 <= x < h1:
                weights.append(w0 + (w1 - w0) * (x - h0) / (h1 - h0))
                break
    return tuple(weights)
