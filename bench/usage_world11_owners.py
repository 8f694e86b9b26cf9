"""World 11's owners at work: ten kinds whose rhythm is a job's (the other ten, driven by the
season's events, are in `usage_world11_seasons`; both are in `OWNERS`).

Stage: benchmarks only (issue #20). An owner is a function of (key, local hour) returning its
demand that hour, [(model role, expected requests, request shape)], and the legitimate events
that explain it (labelled on the key's UTC day, so a false alarm can name the habit it mistook).
A key's per-variant choices (dates, zones, random bursts) were drawn by the roster into
`key.params`. Counts are drawn later, with a per key-day swing, by `usage_world11`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from bench.usage_world11_base import Key, Local, Shape

Demand = list[tuple[str, float, Shape]]
Owner = Callable[[Key, Local], tuple[Demand, tuple[str, ...]]]
T = TypeVar("T")


def office(c: int, first: int = 9, last: int = 18) -> float:
    """Share of a busy hour at local hour `c` of a working day from `first` to `last`."""
    if first <= c < last:
        return 0.7 if c == 12 else 1.0
    if c in (first - 1, last):
        return 0.3
    return 0.02


def within(c: int, first: int, last: int) -> bool:
    """Local hour in [first, last), wrapping past midnight."""
    return first <= c < last if first < last else c >= first or c < last


def p(key: Key, name: str) -> object:
    return key.params[name]


def typed(key: Key, name: str, kind: type[T]) -> T:
    """The key's parameter `name`, which the roster made a `kind`."""
    value = key.params[name]
    if not isinstance(value, kind):
        raise TypeError(f"{key.archetype} parameter {name} is not a {kind.__name__}")
    return value


def d(key: Key, name: str) -> date:
    return typed(key, name, date)


def intern_project(key: Key, t: Local) -> tuple[Demand, tuple[str, ...]]:
    """A summer intern's project: weekday afternoons growing towards demo day, a late night
    before it, then the internship ends and the key goes idle, to the mentor, part-time or to a
    small cron."""
    demo, over = d(key, "demo"), d(key, "over")
    shape = Shape(1800, 500, 0.1, 0.8)
    if t.when < over:
        days_left = max(0, (demo - t.when).days)
        rate = 0.5 + 0.5 * max(0.0, 1 - days_left / 20)
        share = 0.0 if t.weekend else office(t.clock, 10, 19)
        events: tuple[str, ...] = ()
        if (demo - t.when).days == 1:
            share, events = (1.3 if within(t.clock, 10, 2) else 0.05), ("demo eve",)
        elif t.when == demo:
            share, events = office(t.clock, 9, 16) * 1.5, ("demo day",)
        return [
            ("mini", key.scale * rate * share, shape),
            ("top", key.scale * 0.05 * share, Shape(3000, 1200, 0, 0.7)),
        ], events
    after = key.variant % 4
    if after == 0:
        return [], ("internship over",)
    if after == 1:  # the mentor tries it now and then
        share = 0.08 * office(t.clock) if not t.weekend else 0.0
        return [("mini", key.scale * share, shape)], ("mentor uses it",)
    if after == 2:  # kept on part-time, Tuesdays and Thursdays
        share = office(t.clock, 13, 18) * 0.6 if t.weekday in (1, 3) else 0.0
        return [("mini", key.scale * share, shape)], ("part-time intern",)
    return [("nano", key.scale * 0.06, Shape(600, 80, 0, 0.3))], ("project runs as a cron",)


def tax_deadline(key: Key, t: Local) -> tuple[Demand, tuple[str, ...]]:
    """A tax practice in its zone's season: the US extension deadline (15 September), India's
    income-tax returns (deadline moved to 15 September 2025), Australia's tax time. Scanned
    statements in, summaries out; the last weeks in evenings and at weekends."""
    deadline = d(key, "deadline")
    left = (deadline - t.when).days
    crunch = max(0.0, 1 - left / 24) if left >= 0 else 0.0
    events: tuple[str, ...] = ("deadline crunch",) if crunch > 0.4 else ()
    if t.weekend:
        share = 0.8 * office(t.clock, 10, 17) if crunch > 0.6 else 0.02
        if share > 0.1:
            events += ("weekend worked",)
    else:
        share = office(t.clock, 9, 19)
        if crunch > 0.5 and within(t.clock, 19, 23):
            share = 0.7
    if key.variant == 2:  # Australia: tax time all season, Mondays heaviest
        crunch, share = 0.3, share * (1.3 if t.weekday == 0 else 1.0)
    rate = key.scale * (0.4 + 1.2 * crunch)
    return [("main", rate * share, Shape(7000, 450, 0.05, 0.7))], events


def translation_agency(key: Key, t: Local) -> tuple[Demand, tuple[str, ...]]:
    """Hotel, menu and guest-message translation in a tourist town: every day 08-22, busiest
    from mid July to mid August, tailing off in September. Output about as long as input."""
    peak = date(2025, 8, 5)
    off = abs((t.when - peak).days)
    season = max(0.5, 1.0 - max(0, off - 12) * 0.018)
    events = ("tourist peak",) if off <= 12 else ("season tails off",) if t.when > peak else ()
    share = 1.0 if within(t.clock, 9, 21) else 0.35 if within(t.clock, 8, 23) else 0.01
    share *= 1.15 if t.weekday in (4, 5) else 1.0
    return [("main", key.scale * season * share, Shape(1400, 1550, 0.3, 0.7))], events


def school_timetable(key: Key, t: Local) -> tuple[Demand, tuple[str, ...]]:
    """A school timetabling service: a solver on the reasoning model, light through July,
    long runs in the fortnight before term (evenings too), clash fixes in term's first week,
    then light. Melbourne's term 3 runs all season."""
    term = d(key, "term")
    before = (term - t.when).days
    solver = Shape(12000, 3000, 0.4, 0.5)
    if key.variant == 3:  # southern term in progress: weekday office, steady
        share = 0.0 if t.weekend else office(t.clock, 8, 16)
        return [("top", key.scale * 0.5 * share, solver)], ("term 3",)
    if 0 <= before <= 14:
        share = office(t.clock, 8, 18) if not t.weekend else 0.3 * office(t.clock, 10, 14)
        if within(t.clock, 18, 23) and not t.weekend:
            share = 0.6
        return [("top", key.scale * share, solver)], ("timetable crunch",)
    if -7 <= before < 0:
        share = 0.0 if t.weekend else office(t.clock, 7, 17)
        return [
            ("top", key.scale * 0.6 * share, solver),
            ("mini", key.scale * 2 * share, Shape(900, 200, 0, 0.5)),
        ], ("clash fixes",)
    share = 0.0 if t.weekend else office(t.clock, 9, 16) * 0.15
    return [("top", key.scale * share, solver)], ("term starts",) if before == 0 else ()


def harvest_logistics(key: Key, t: Local) -> tuple[Demand, tuple[str, ...]]:
    """Grain trucks and elevators in harvest: dawn to late evening every day once the harvest
    starts, quiet on rain days."""
    begins, ends = d(key, "harvest"), d(key, "harvest_end")
    rainy = t.when in key.params["rain"]  # type: ignore[operator]
    if begins <= t.when <= ends:
        share = 1.0 if within(t.clock, 6, 22) else 0.25 if within(t.clock, 5, 23) else 0.02
        events: tuple[str, ...] = ("harvest",)
        if rainy:
            share, events = share * 0.3, ("harvest", "rain day")
    else:
        share, events = (0.0 if t.weekend else office(t.clock) * 0.25), ()
    return [("mini", key.scale * share, Shape(800, 220, 0.2, 0.5))], events


def labelling_shifts(key: Key, t: Local) -> tuple[Demand, tuple[str, ...]]:
    """A data-labelling vendor's shifts, 06-14 and 14-22 Monday to Saturday, a dip at handover;
    a client push adds a night shift for some days (the last variant's starts in September)."""
    first, last = d(key, "night_from"), d(key, "night_to")
    night = first <= t.when <= last
    if t.weekday == 6:
        share = 0.0
    elif within(t.clock, 6, 22):
        share = 0.55 if t.clock in (6, 14) else 1.0
    elif night and within(t.clock, 22, 6):
        share = 0.8
    else:
        share = 0.01
    events = ("night shift",) if night else ()
    return [
        ("mini", key.scale * share, Shape(2600, 140, 0.45, 0.4)),
        ("main", key.scale * 0.1 * share, Shape(2600, 300, 0.45, 0.4)),
    ], events


def school_retail(key: Key, t: Local) -> tuple[Demand, tuple[str, ...]]:
    """A retailer's back-to-school sale: nightly product-copy batches while the catalogue
    loads, shoppers' chat by day, the tax-free weekend (8-10 August) and the Labor Day sale
    (29 August - 1 September), then the season is over."""
    events: tuple[str, ...] = ()
    level = 1.0
    if date(2025, 8, 8) <= t.when <= date(2025, 8, 10):
        level, events = 2.4, ("tax-free weekend",)
    elif date(2025, 8, 29) <= t.when <= date(2025, 9, 1):
        level, events = 2.0, ("labor day sale",)
    elif t.when > date(2025, 9, 1):
        level, events = 0.45, ("sale over",)
    chat = level * (1.0 if within(t.clock, 9, 22) else 0.2 if within(t.clock, 7, 24) else 0.03)
    demand = [("mini", key.scale * chat, Shape(1100, 180, 0.5, 0.5))]
    if t.when < date(2025, 8, 25) and within(t.clock, 1, 4):
        demand.append(("main", key.scale * 0.8, Shape(2200, 900, 0.2, 0.4)))
        events += ("catalogue batch",)
    return demand, events


def leaver_handoff(key: Key, t: Local) -> tuple[Demand, tuple[str, ...]]:
    """A key handed from a leaver to a successor: the leaver's hours and model up to the last
    day, a gap, then the successor's own zone, hours and model."""
    left, starts = d(key, "left"), d(key, "successor")
    if t.when <= left:
        share = 0.0 if t.weekend else office(t.clock, 8, 17)
        events = ("leaver's last weeks",) if (left - t.when).days < 10 else ()
        return [("main", key.scale * share, Shape(3000, 700, 0.2, 0.6))], events
    if t.when < starts:
        return [], ("between owners",)
    local = typed(key, "successor_clock", tuple)
    c, weekday = local[t.hour].clock, local[t.hour].weekday
    share = 0.0 if weekday >= 5 else office(c, 10, 19)
    ramp = min(1.0, 0.3 + (t.when - starts).days / 10)
    role = str(p(key, "successor_model"))
    return [
        (
            role,
            key.scale * float(p(key, "successor_level")) * ramp * share,  # type: ignore[arg-type]
            Shape(2200, 900, 0.1, 0.7),
        )
    ], ("handed over",)


def batch_switch(key: Key, t: Local) -> tuple[Demand, tuple[str, ...]]:
    """Nightly batch jobs (01-05 UTC by the team's queue) moved to a new model mid-season after
    two nights of trial: the new model writes longer outputs."""
    switch = d(key, "switch")
    if not (1 <= t.clock < 5):
        return [], ()
    old, new = Shape(4000, 600, 0.3, 0.3), Shape(4000, 1400, 0.3, 0.3)
    rate = key.scale * (1.1 if t.weekday == 0 else 0.6 if t.weekend else 1.0)
    days = (t.when - switch).days
    if days < -2:
        return [("legacy", rate, old)], ()
    if days < 0:
        return [("legacy", rate * 0.85, old), ("new_mid", rate * 0.15, new)], (
            "trial of new model",
        )
    return [("new_mid", rate, new)], ("switched model",)


def travelling_owner(key: Key, t: Local) -> tuple[Demand, tuple[str, ...]]:
    """A consultant working at home hours, on holiday for two weeks with a few checks, and once
    abroad (a conference or a client), working that zone's hours."""
    away = typed(key, "trips", list)
    for first, last, kind, local in away:
        if first <= t.when <= last:
            lt = local[t.hour]
            if kind == "holiday":
                share = 0.25 if lt.clock in (8, 20) else 0.0
                return [("main", key.scale * share, Shape(2500, 600, 0.1, 0.7))], ("on holiday",)
            share = 0.0 if lt.weekday >= 5 else office(lt.clock, 8, 20)
            return [("main", key.scale * share, Shape(2500, 600, 0.1, 0.7))], ("travelling",)
    share = 0.05 if t.weekend else office(t.clock, 9, 19)
    if not t.weekend and within(t.clock, 21, 23):
        share = 0.3
    return [
        ("main", key.scale * share, Shape(2500, 600, 0.1, 0.7)),
        ("top", key.scale * 0.08 * share, Shape(5000, 2500, 0, 0.6)),
    ], ()
