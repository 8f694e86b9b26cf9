"""World 10's twenty owner kinds: what each does in an hour of its local time, and why.

Stage: benchmarks only (issue #20). Each kind is a function of the key and the local time of the
hour, returning a `Shape`: expected requests, the owner's legitimate events that day (named so
the scorer can put a false alarm beside them), and a tier where the hour uses another model.
Dates are 2025's: Thanksgiving 27 Nov, Black Friday 28 Nov, Cyber Monday 1 Dec, Giving Tuesday
2 Dec, Hanukkah 14-22 Dec, Christmas, Boxing Day, New Year, Orthodox Christmas Eve on 6 Jan.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta

from bench.usage_world10_base import (
    DAYTIME,
    EVENING,
    NIGHT_OWL,
    OFFICE,
    Key,
    Shape,
    day_rng,
    in_span,
    on,
    weekend,
    zone,
)

Owner = Callable[[Key, datetime], Shape]


def holiday_retail(key: Key, t: datetime) -> Shape:
    base, h = EVENING[t.hour] * (1.2 if weekend(t) else 1.0), t.hour
    if on(t, 11, 27):
        return Shape(base * 1.5, ("thanksgiving",))
    if on(t, 11, 28):
        return Shape(base * 3.0, ("black friday",))
    if on(t, 12, 1):
        return Shape(base * 2.6, ("cyber monday",))
    if in_span(t, (2025, 12, 12), (2025, 12, 19)):
        return Shape(base * 1.8, ("shipping cutoff",))
    if on(t, 12, 24):
        return Shape(base * (0.8 if h < 15 else 0.25), ("christmas eve",))
    if on(t, 12, 25):
        return Shape(base * 0.4, ("christmas day",))
    if on(t, 12, 26):
        return Shape(base * 2.2, ("returns and gift cards",))
    if in_span(t, (2025, 12, 27), (2026, 1, 4)):
        return Shape(base * 1.5, ("returns",))
    return Shape(base * (1.0 + 0.03 * max(0, t.day - 1) if t.month == 12 else 1.0))


def returns_desk(key: Key, t: datetime) -> Shape:
    if t.weekday() == 6 or on(t, 12, 25) or on(t, 1, 1):
        return Shape(0.0, ("bank holiday",) if t.weekday() != 6 else ())
    base = OFFICE[t.hour] * (0.5 if t.weekday() == 5 else 1.0)
    if on(t, 12, 26):
        return Shape(base * 1.3, ("boxing day sales",))
    if in_span(t, (2025, 12, 27), (2026, 1, 4)):
        return Shape(base * 2.0, ("returns backlog",))
    return Shape(base)


def payroll_close(key: Key, t: datetime) -> Shape:
    # A batch at 01:00-04:00 local on business nights; bigger on pay runs and the year's close.
    if t.hour not in (1, 2, 3) or weekend(t):
        return Shape(0.02 * OFFICE[t.hour])
    run = 1.0
    events: tuple[str, ...] = ()
    last = (t + timedelta(days=1)).month != t.month
    if t.day in (14, 15) or last:
        run, events = 3.0, ("pay run",)
    if key.variant == 1 and in_span(t, (2025, 12, 15), (2025, 12, 23)):
        run, events = 4.0, ("13th-month pay",)
    if on(t, 12, 31) or on(t, 1, 2):
        run, events = 3.5, ("year-end close",)
    if on(t, 12, 25) or on(t, 1, 1):
        return Shape(0.0, ("holiday",))
    return Shape(run, events)


def code_freeze_ci(key: Key, t: datetime) -> Shape:
    base = 0.0 if weekend(t) else OFFICE[t.hour]
    if in_span(t, (2025, 12, 24), (2026, 1, 1)):
        return Shape(base * 0.02, ("shutdown",))
    if t.date() >= date(2025, 12, 19):
        rng = day_rng(key, t.date(), "hotfix")
        if key.variant == 1 and rng.random() < 0.35 and 10 <= t.hour <= 13:
            return Shape(base * 0.9, ("code freeze", "hotfix"))
        return Shape(base * 0.15, ("code freeze",))
    if t.date() >= date(2025, 12, 15):
        return Shape(base * 1.4, ("pre-freeze merges",))
    return Shape(base)


def oncall_copilot(key: Key, t: datetime) -> Shape:
    # Holiday rota: the LA team's on-call week 22-28 Dec is held from Dublin.
    there = t
    events: tuple[str, ...] = ()
    if key.variant == 0 and in_span(t, (2025, 12, 22), (2025, 12, 28)):
        there, events = t.astimezone(zone("Europe/Dublin")), ("holiday rota",)
    base = 0.3 * (0.1 if weekend(there) else OFFICE[there.hour])
    rng = day_rng(key, t.date(), "incident")
    if rng.random() < 0.25:
        first, length = rng.randrange(24), rng.randrange(1, 5)
        if first <= t.hour < first + length:
            return Shape(base + 1.5, (*events, "incident"), "reason")
    return Shape(base, events)


def greeting_cards(key: Key, t: datetime) -> Shape:
    base, d = EVENING[t.hour], t.date()
    if d < date(2025, 12, 1):
        growth = 0.3 + (0.4 if on(t, 11, 26) or on(t, 11, 27) else 0.0)
        return Shape(base * growth, ("thanksgiving cards",) if growth > 0.3 else ())
    if d < date(2025, 12, 24):
        growth = 0.3 + 1.7 * (d - date(2025, 12, 1)).days / 23
        return Shape(base * growth, ("hanukkah",) if on(t, 12, 14) else ())
    if on(t, 12, 24):
        return Shape(base * 2.2, ("christmas eve",))
    if on(t, 12, 25):
        return Shape(base * (2.0 if 7 <= t.hour <= 12 else 0.6), ("christmas morning",))
    if on(t, 12, 31):
        return Shape(base * (1.6 if t.hour >= 19 else 0.7), ("new year's eve",))
    if on(t, 1, 1):
        return Shape(base * (1.2 if t.hour < 3 else 0.3), ("new year",))
    return Shape(base * 0.35, ("after christmas",))


NYE_ZONES = (
    ("Pacific/Auckland", "Australia/Sydney", "Asia/Tokyo", "Asia/Shanghai", "Asia/Kolkata"),
    ("Asia/Dubai", "Europe/Moscow", "Europe/Berlin", "Europe/London", "Africa/Lagos"),
    ("America/Sao_Paulo", "America/New_York", "America/Chicago", "America/Los_Angeles"),
)


def _nye_lift(name: str, there: datetime) -> tuple[float, str]:
    if (on(there, 12, 31) and there.hour >= 22) or (on(there, 1, 1) and there.hour < 1):
        return 5.0, "new year's eve midnight"
    if on(there, 1, 1):
        return 1.6, "new year"
    if on(there, 11, 27) and name.startswith("America"):
        return 2.0, "thanksgiving"
    if on(there, 12, 25):
        return 1.8, "christmas"
    return 1.0, ""


def nye_wishes(key: Key, t: datetime) -> Shape:
    # A greetings app whose users span one region's zones: each wishes at its own midnight.
    rate, events = 0.0, set[str]()
    names = NYE_ZONES[key.variant % 3]
    for name in names:
        there = t.astimezone(zone(name))
        lift, event = _nye_lift(name, there)
        rate += EVENING[there.hour] * lift / len(names)
        events.add(event)
    return Shape(rate, tuple(sorted(events - {""})))


def travel_agent(key: Key, t: datetime) -> Shape:
    base = DAYTIME[t.hour]
    storm = random.Random(f"{key.key_id}:storm")
    stormy = date(2025, 11, 24) + timedelta(days=storm.randrange(40))
    if t.date() == stormy and 6 <= t.hour < 14:
        return Shape(base * 3.0, ("storm rebooking",))
    if in_span(t, (2025, 12, 19), (2025, 12, 23)):
        return Shape(base * 1.8, ("holiday getaway",))
    if in_span(t, (2025, 12, 24), (2025, 12, 25)):
        return Shape(base * 0.6, ("christmas",))
    if in_span(t, (2026, 1, 2), (2026, 1, 4)):
        return Shape(base * 1.6, ("return travel",))
    return Shape(base * (1.2 if t.month == 11 else 1.0))


def year_in_review(key: Key, t: datetime) -> Shape:
    # Nightly small jobs, then whole days of "your year" summaries on the cheap model.
    if in_span(t, (2025, 11, 20), (2025, 11, 20)):
        return Shape(2.0, ("year-in-review dry run",), "cheap")
    if in_span(t, (2025, 12, 2), (2025, 12, 4)):
        return Shape(5.0, ("year-in-review batch",), "cheap")
    if in_span(t, (2025, 12, 29), (2025, 12, 30)) and key.variant != 2:
        return Shape(3.5, ("year-in-review late cohort",), "cheap")
    return Shape(0.6 if t.hour == 2 else 0.0)


def leave_dev(key: Key, t: datetime) -> Shape:
    """Variant 0: on leave from 20 Dec; 1: on leave, a few evenings from Bangkok; 2: left the
    company on 12 Dec, key never revoked; 3: works lightly through the holidays."""
    base = 0.0 if weekend(t) else OFFICE[t.hour] * day_rng(key, t.date()).uniform(0.4, 1.4)
    d = t.date()
    if key.variant == 2 and d > date(2025, 12, 12):
        return Shape(0.0, ("owner left",))
    if key.variant in (0, 1) and d >= date(2025, 12, 20):
        if key.variant == 1 and date(2025, 12, 27) <= d <= date(2025, 12, 30):
            there = t.astimezone(zone("Asia/Bangkok"))
            return Shape(0.3 * EVENING[there.hour], ("on leave", "working from abroad"))
        return Shape(0.0, ("on leave",))
    if key.variant == 3 and d >= date(2025, 12, 22):
        off = d in (date(2025, 12, 24), date(2025, 12, 25), date(2025, 12, 26))
        off |= d in (date(2025, 12, 31), date(2026, 1, 1))
        return Shape(0.0 if off else base * 0.3, ("holidays",))
    return Shape(base)


def southern_summer(key: Key, t: datetime) -> Shape:
    base = 0.0 if weekend(t) else OFFICE[t.hour]
    if t.weekday() == 4 and t.month == 12 and t.hour >= 14:
        base *= 0.3  # summer Fridays
    shutdown = {0: (2025, 12, 24), 1: (2025, 12, 20), 2: (2025, 12, 19)}[key.variant % 3]
    if in_span(t, shutdown, (2026, 1, 4)):
        return Shape(base * 0.04, ("summer shutdown",))
    if on(t, 12, 16) and key.zone == "Africa/Johannesburg":
        return Shape(0.0, ("day of reconciliation",))
    return Shape(base)


def orthodox_shop(key: Key, t: datetime) -> Shape:
    base, d = EVENING[t.hour], t.date()
    if date(2025, 12, 15) <= d <= date(2025, 12, 30):
        lift = 1.0 + 1.5 * (d - date(2025, 12, 15)).days / 15
        return Shape(base * lift, ("new year gifts",))
    if on(t, 12, 31):
        return Shape(base * (1.5 if t.hour < 19 else 0.1), ("new year's eve",))
    if on(t, 1, 1):
        return Shape(base * 0.2, ("new year",))
    if d >= date(2026, 1, 2):
        return Shape(base * (0.8 + 0.2 * (d - date(2026, 1, 2)).days), ("orthodox christmas",))
    return Shape(base)


def charity_drive(key: Key, t: datetime) -> Shape:
    base = 0.7 * OFFICE[t.hour] + 0.3 * EVENING[t.hour]
    if on(t, 12, 2):
        return Shape(base * 4.0, ("giving tuesday",))
    if on(t, 12, 31):
        return Shape(base * (3.0 if t.hour >= 18 else 2.5), ("year-end giving",))
    if in_span(t, (2025, 12, 29), (2025, 12, 30)):
        return Shape(base * 2.5, ("year-end giving",))
    if on(t, 1, 2) and 9 <= t.hour <= 12:
        return Shape(base * 2.0 + 1.0, ("thank-you letters",))
    return Shape(base * (0.6 if weekend(t) else 1.0))


def resolution_app(key: Key, t: datetime) -> Shape:
    morning = 1.0 if t.hour in (6, 7) else 0.0
    base = max(morning, EVENING[t.hour] * 0.8)
    d = t.date()
    if on(t, 11, 28):
        return Shape(base * 1.8, ("black friday sale",))
    if date(2025, 12, 24) <= d <= date(2025, 12, 26):
        return Shape(base * 0.3, ("christmas",))
    if d >= date(2026, 1, 1):
        return Shape(base * (2.5 if d != date(2026, 1, 2) else 3.0), ("new year resolutions",))
    return Shape(base * 0.6)


def queue_worker(key: Key, t: datetime) -> Shape:
    # Documents arrive in office hours and drain through the night, so the curve lags the day.
    lagged = t - timedelta(hours=4)
    base = 0.25 + 0.75 * OFFICE[lagged.hour]
    if weekend(lagged):
        base *= 0.5
    if on(t, 12, 25) and key.zone != "Asia/Kolkata":
        return Shape(base * 0.3, ("christmas",))
    if in_span(t, (2025, 12, 29), (2025, 12, 31)):
        return Shape(base * 1.8, ("year-end invoices",))
    return Shape(base)


def rotated_pair(key: Key, t: datetime) -> Shape:
    base = (0.1 if weekend(t) else OFFICE[t.hour]) + 0.05
    if key.zone == "Asia/Tokyo" and in_span(t, (2025, 12, 29), (2026, 1, 3)):
        return Shape(base * 0.1, ("nenmatsu nenshi",))
    if on(t, 12, 25) and key.zone != "Asia/Tokyo":
        return Shape(base * 0.2, ("christmas",))
    return Shape(base)


def dormant(key: Key, t: datetime) -> Shape:
    """A side project touched every week or two; variant 3 is shown to the family at Christmas."""
    if key.variant == 3 and on(t, 12, 25) and 15 <= t.hour <= 16:
        return Shape(0.8, ("holiday demo",))
    rng = day_rng(key, t.date(), "session")
    if rng.random() < 0.09:
        first = rng.randrange(9, 22)
        if first <= t.hour < first + 2:
            return Shape(0.6)
    return Shape(0.0)


def game_event(key: Key, t: datetime) -> Shape:
    base = NIGHT_OWL[t.hour] * (1.4 if weekend(t) else 1.0)
    if on(t, 12, 25) or (on(t, 12, 24) and t.hour >= 18):
        return Shape(base * 2.0, ("christmas", "winter event"))
    if (on(t, 12, 31) and t.hour >= 22) or (on(t, 1, 1) and t.hour < 2):
        return Shape(base * 2.5, ("new year countdown", "winter event"))
    if t.date() >= date(2025, 12, 18):
        return Shape(base * 1.6, ("winter event",))
    return Shape(base)


def hospital_rota(key: Key, t: datetime) -> Shape:
    base = 0.35 + (0.6 if t.hour in (7, 19) else 0.0)
    if not weekend(t) and 8 <= t.hour <= 12:
        base += 0.5  # ward rounds
    holiday = on(t, 12, 24) or on(t, 12, 25) or on(t, 12, 26) or on(t, 12, 31) or on(t, 1, 1)
    if holiday:
        return Shape(base * (1.1 if t.hour >= 20 or t.hour < 6 else 0.7), ("holiday staffing",))
    return Shape(base)


def newsroom(key: Key, t: datetime) -> Shape:
    base = DAYTIME[t.hour]
    d = t.date()
    if date(2025, 12, 15) <= d <= date(2025, 12, 23):
        return Shape(base * 1.4, ("year in review writing",), "top" if t.hour == 10 else None)
    if date(2025, 12, 24) <= d <= date(2025, 12, 26):
        return Shape(base * 0.4, ("skeleton staff",))
    if on(t, 12, 31) and t.hour >= 14:
        return Shape(1.5 + base, ("new year's eve live",))
    if on(t, 1, 1):
        return Shape(base * (2.0 if t.hour < 2 else 0.5), ("new year",))
    return Shape(base)


OWNERS: dict[str, Owner] = {
    f.__name__: f
    for f in (
        holiday_retail,
        returns_desk,
        payroll_close,
        code_freeze_ci,
        oncall_copilot,
        greeting_cards,
        nye_wishes,
        travel_agent,
        year_in_review,
        leave_dev,
        southern_summer,
        orthodox_shop,
        charity_drive,
        resolution_app,
        queue_worker,
        rotated_pair,
        dormant,
        game_event,
        hospital_rota,
        newsroom,
    )
}
# Kinds whose owners queue work, so a provider outage is replayed once it ends.
QUEUED = frozenset({"payroll_close", "year_in_review", "queue_worker", "charity_drive"})
