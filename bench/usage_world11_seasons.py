"""World 11's owners driven by the season: ten kinds whose usage follows the summer's and
September's events (the transfer window, exam results, conferences, launches, the southern
winter, August shutdowns, Labor Day, wildfires, fantasy football drafts, dormant keys woken).

Stage: benchmarks only (issue #20). Same contract as `usage_world11_owners`.
"""

from __future__ import annotations

from datetime import date

from bench.usage_world11_base import Key, Local, Shape
from bench.usage_world11_owners import Demand, d, office, typed, within

Out = tuple[Demand, tuple[str, ...]]


def transfer_newsroom(key: Key, t: Local) -> Out:
    """A football newsroom in the transfer window: every day 07-24, bursts when a big deal
    breaks (more often as the window nears its close), deadline day (1 September) until after
    midnight, then the international break's match nights."""
    share = 1.0 if within(t.clock, 8, 23) else 0.4 if within(t.clock, 7, 1) else 0.03
    level = 1.0
    events: tuple[str, ...] = ()
    deadline = date(2025, 9, 1)
    if t.when == deadline or (t.when == date(2025, 9, 2) and t.clock < 2):
        level, events = 4.0, ("deadline day",)
        share = max(share, 0.8)
    elif t.when > deadline:
        level, events = 0.55, ("window shut",)
        if date(2025, 9, 4) <= t.when <= date(2025, 9, 9) and within(t.clock, 19, 23):
            level, events = 1.6, ("international break",)
    bursts = typed(key, "bursts", set)
    if t.hour in bursts or t.hour - 1 in bursts or t.hour - 2 in bursts:
        level, events = level * 3.5, (*events, "big deal")
    return [
        ("mini", key.scale * level * share, Shape(1500, 260, 0.3, 0.6)),
        ("main", key.scale * 0.15 * level * share, Shape(2500, 1100, 0.2, 0.6)),
    ], events


def exam_results(key: Key, t: Local) -> Out:
    """A university admissions helper: quiet in July, results days (SQA 5 August, A levels 14
    August, Leaving Cert 22 August) from 06:00 with clearing after, then enrolment from 8
    September."""
    results = d(key, "results")
    after = (t.when - results).days
    base = office(t.clock, 9, 17) * (0.3 if t.weekend else 1.0)
    events: tuple[str, ...] = ()
    level = 0.4
    if after == 0:
        level, events = 6.0, ("results day",)
        base = 1.0 if within(t.clock, 6, 21) else 0.1
    elif 0 < after <= 12:
        level, events = 1 + 3.0 * (0.75**after), ("clearing",)
    elif t.when >= date(2025, 9, 8):
        level, events = 0.9, ("enrolment",)
    return [("mini", key.scale * level * base, Shape(1300, 350, 0.5, 0.6))], events


def launch_week(key: Key, t: Local) -> Out:
    """A startup's product launch: a load-test night, launch day four times the usual, a week
    of interest fading to a higher base; the launch moves the product onto the new model."""
    launch = d(key, "launch")
    after = (t.when - launch).days
    share = 1.0 if within(t.clock, 8, 22) else 0.35
    level = 1.0
    events: tuple[str, ...] = ()
    role = "main"
    if after == -1 and within(t.clock, 0, 4):
        level, events = 2.5, ("load test",)
        share = 1.0
    elif after == 0:
        level, events = 4.0, ("launch day",)
    elif 0 < after <= 7:
        level, events = 1.4 + 2.0 * (0.7**after), ("launch week",)
    elif after > 7:
        level = 1.4
    if after >= -1 and key.variant % 2 == 0:
        role = "new"
    return [(role, key.scale * level * share, Shape(2000, 700, 0.2, 0.7))], events


def conference_app(key: Key, t: Local) -> Out:
    """A conference's attendee assistant: developers testing on weekdays, exhibitors
    onboarding the week before, the event's days 08-20 heavy, two days of wrap-up reports."""
    first, last = d(key, "opens"), d(key, "closes")
    before, after = (first - t.when).days, (t.when - last).days
    if before > 7:
        share = 0.0 if t.weekend else office(t.clock) * 0.08
        return [("mini", key.scale * share, Shape(1200, 300, 0.4, 0.6))], ()
    if before > 0:
        share = office(t.clock) * (0.25 if not t.weekend else 0.1)
        return [("mini", key.scale * share, Shape(1200, 300, 0.4, 0.6))], ("exhibitor onboarding",)
    if after <= 0:
        share = 1.0 if within(t.clock, 8, 20) else 0.2 if within(t.clock, 7, 23) else 0.02
        return [("mini", key.scale * share, Shape(1200, 300, 0.4, 0.6))], ("conference day",)
    if after <= 2:
        share = 0.0 if t.weekend else office(t.clock) * 0.3
        return [("main", key.scale * share, Shape(6000, 1500, 0, 0.5))], ("wrap-up",)
    share = 0.0 if t.weekend else office(t.clock) * 0.02
    return [("mini", key.scale * share, Shape(1200, 300, 0.4, 0.6))], ()


def southern_winter(key: Key, t: Local) -> Out:
    """The southern winter: a ski field's snow report at dawn and day chat (weekends busiest,
    bursts after snowfall, the season winding down in September) or an energy retailer's
    support with cold snaps in the evenings."""
    spells = typed(key, "spells", set)
    spell = t.when in spells
    if key.variant < 2:  # ski fields
        wind = 0.6 if t.when >= date(2025, 9, 1) else 1.0
        events: tuple[str, ...] = ("season winding down",) if wind < 1 else ()
        demand = []
        if t.clock == 5:
            demand.append(("main", 6.0, Shape(5000, 900, 0.5, 0.2)))
        share = 1.0 if within(t.clock, 7, 17) else 0.15 if within(t.clock, 17, 22) else 0.01
        level = wind * (1.6 if t.weekend else 1.0) * (2.2 if spell else 1.0)
        if spell:
            events += ("snowfall",)
        demand.append(("mini", key.scale * level * share, Shape(900, 250, 0.4, 0.6)))
        return demand, events
    share = office(t.clock, 8, 20) * (0.4 if t.weekend else 1.0)
    if spell and within(t.clock, 17, 22):
        share = 2.0
    return [("mini", key.scale * share, Shape(1600, 300, 0.5, 0.6))], (
        ("cold snap",) if spell else ()
    )


def august_shutdown(key: Key, t: Local) -> Out:
    """A European firm's office: closed (or a skeleton staff) for its August weeks, back in full
    for the rentrée on 1 September."""
    first, last = d(key, "closed_from"), d(key, "closed_to")
    share = 0.0 if t.weekend else office(t.clock, 9, 18)
    if first <= t.when <= last:
        return [("main", key.scale * share * 0.06, Shape(3000, 700, 0.2, 0.7))], (
            "august shutdown",
        )
    level = 1.0
    events: tuple[str, ...] = ()
    if t.when >= date(2025, 9, 1):
        level, events = 1.15, ("rentrée",)
    elif t.when > last:
        level = 0.8
    return [("main", key.scale * level * share, Shape(3000, 700, 0.2, 0.7))], events


def back_to_office(key: Key, t: Local) -> Out:
    """A US company's internal assistant: summer Fridays (afternoons off) and August leave,
    Labor Day off, everyone back on 2 September, new graduates onboarding from 8 September."""
    events: tuple[str, ...] = ()
    if t.when == date(2025, 9, 1):
        return [("main", key.scale * 0.03 * office(t.clock), Shape(2000, 500, 0.3, 0.7))], (
            "labor day",
        )
    share = 0.0 if t.weekend else office(t.clock, 9, 18)
    level = 1.0
    if t.when < date(2025, 9, 1):
        if t.weekday == 4 and t.clock >= 13:
            share, events = share * 0.3, ("summer fridays",)
        if date(2025, 8, 4) <= t.when <= date(2025, 8, 29):
            level = 0.75
    else:
        level, events = 1.2, ("back to office",)
        if t.when >= date(2025, 9, 8):
            level, events = 1.35, ("new hires",)
    return [
        ("main", key.scale * level * share, Shape(2000, 500, 0.3, 0.7)),
        ("mini", key.scale * 0.5 * level * share, Shape(700, 150, 0.3, 0.5)),
    ], events


def wildfire_desk(key: Key, t: Local) -> Out:
    """A wildfire desk summarising bulletins: an hourly cron all season, and round-the-clock
    work while a fire burns in its region."""
    fires = typed(key, "fires", set)
    demand = [("mini", 4.0, Shape(3500, 300, 0.6, 0.2))]
    if t.when in fires:
        share = 1.0 if within(t.clock, 7, 23) else 0.6
        demand.append(("main", key.scale * share, Shape(4000, 800, 0.3, 0.6)))
        return demand, ("fire incident",)
    share = 0.0 if t.weekend else office(t.clock) * 0.15
    demand.append(("main", key.scale * share, Shape(4000, 800, 0.3, 0.6)))
    return demand, ()


def fantasy_draft(key: Key, t: Local) -> Out:
    """A fantasy-football draft assistant: drafts on evenings from mid August, Labor Day weekend
    the peak, the NFL's kickoff on 4 September, then game-day Sundays and waiver Wednesdays."""
    share = 0.02 if not within(t.clock, 8, 24) else 0.2
    level = 0.3
    events: tuple[str, ...] = ()
    evening = within(t.clock, 18, 24)
    if date(2025, 8, 15) <= t.when <= date(2025, 9, 3):
        level, events = 1.0, ("draft season",)
        share = 1.0 if evening or (t.weekend and within(t.clock, 11, 18)) else share
        if date(2025, 8, 29) <= t.when <= date(2025, 9, 1):
            level, events = 1.8, ("draft weekend",)
    elif t.when >= date(2025, 9, 4):
        level = 0.7
        if t.weekday == 6 and within(t.clock, 11, 24):
            share, events = 1.3, ("game day",)
        elif t.weekday in (1, 2) and evening:
            share, events = 0.8, ("waivers",)
        elif t.weekday == 3 and evening:
            share, events = 0.9, ("thursday night",)
        if t.when == date(2025, 9, 4):
            events += ("kickoff",)
    return [("mini", key.scale * level * share, Shape(2200, 450, 0.5, 0.6))], events


def dormant_woken(key: Key, t: Local) -> Out:
    """Keys mostly asleep and woken by their owners: a teacher's key for the new term, a
    developer's back from summer, one used on a July weekend then forgotten, one never used."""
    wake = d(key, "wake")
    shape = Shape(1500, 500, 0.1, 0.7)
    if key.variant == 3:
        return [], ()
    if key.variant == 2:
        share = office(t.clock, 10, 20) if t.weekend and t.when <= date(2025, 7, 27) else 0.0
        return [("main", key.scale * share, shape)], ("weekend project",) if share else ()
    if key.variant == 1 and t.when <= date(2025, 7, 25):
        return [("main", key.scale * 0.2 * office(t.clock), shape)], ()
    if t.when < wake:
        return [], ()
    share = 0.0 if t.weekend else office(t.clock, 8, 16)
    return [("mini", key.scale * share, shape)], ("woken",)
