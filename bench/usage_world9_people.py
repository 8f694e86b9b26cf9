"""World 9's people, small teams and forgotten keys.

Stage: benchmarks only (issue #20). Each function is one owner kind (see `usage_world9_rotas`).

- `thesis_person`: a PhD student: sessions at their own odd hours, all-nighters before a paper
  deadline on 13 November, a week's collapse after it, grading and chapters in finals week, now
  and then a try of the newest model.
- `nomad`: a freelancer whose hours move with them: a Lisbon consultant at a client's workshop in
  Singapore, a Mexico City designer away with family, a Nairobi writer's manuscript week.
- `office_helpdesk`: an office's helpdesk answers, the one weekly habit here, with its holidays.
- `data_team`: a data team's nightly queue at 00:00 UTC, with a weekend backfill, a migration to a
  newer model, or a switch to a reasoning model whose output is three times longer.
- `rotated_app`: a small SaaS app; its owner rotates the key, so one key stops mid-morning and a
  new one, never seen before, carries on.
- `dormant`: a forgotten key with a monthly health check, or a holiday-card script run once a
  year, this year on 10 December.
"""

from __future__ import annotations

from collections import defaultdict

from bench.usage_world9_base import (
    DAYS,
    HOURS,
    JUDGED_START,
    Habit,
    Owner,
    clock,
    day_of,
    empty_demand,
    noted,
    shaped,
)
from bench.usage_world9_calendar import PAPER_DEADLINE, TERM_END, THANKSGIVING


def thesis_person(o: Owner) -> Habit:
    c, r = o.clock, o.rng
    chat, think = o.mix("chat", 3_000, 2_000, 700), o.mix("reason_small", 4_000, 0, 2_500)
    newest = o.mix("new", 3_000, 0, 900)
    peak, pace = r.choice((10, 14, 21, 23)), r.uniform(15, 45)
    deadline = day_of(PAPER_DEADLINE)
    term = range(day_of(TERM_END[0]), day_of(TERM_END[1]) + 1)
    trial = r.randrange(JUDGED_START, DAYS) if r.random() < 0.35 else -1
    events: dict[int, list[str]] = defaultdict(list)
    demand = empty_demand()
    for day in range(DAYS):
        if deadline - 7 <= day <= deadline:
            sessions, spread, note = r.randrange(3, 6), 8, "paper deadline crunch"
        elif deadline < day <= deadline + 6:
            sessions, spread, note = int(r.random() < 0.3), 3, "recovering after the deadline"
        elif day in term:
            sessions, spread, note = r.randrange(1, 4), 4, "finals and grading"
        else:
            sessions, spread, note = r.choice((0, 1, 1, 2, 2, 3)), 3, ""
        if c.date[day * 24 + 12] == THANKSGIVING:
            sessions, note = 0, "Thanksgiving"
        if note:
            events[day].append(note)
        if day == trial:
            events[day].append("tried the newest model")
        for _ in range(sessions):
            local = round(r.gauss(peak, spread)) % 24
            first = day * 24 + (local - c.hour[day * 24]) % 24
            mixes = [(chat, 0.75), (think, 0.25)] if day != trial else [(newest, 1.0)]
            for h in range(first, min(HOURS, first + r.randrange(1, 5))):
                demand[h] = [*demand[h], *((m, pace * s) for m, s in mixes)]
    return Habit(demand, noted(events))


def nomad(o: Owner) -> Habit:
    r, who = o.rng, o.key.owner.split()[0]
    write = o.mix("chat", 2_500, 1_000, 800)
    pace = r.uniform(10, 30)
    away: dict[int, str] = {}
    if who == "consultant":  # Lisbon to Singapore for a client's workshop
        away = dict.fromkeys(range(day_of("2026-11-30"), day_of("2026-12-05")), "Asia/Singapore")
    events: dict[int, list[str]] = defaultdict(list)
    for day in away:
        events[day].append("working from Singapore")
    quiet = range(day_of("2026-12-03"), DAYS) if who == "designer" else range(0)
    crunch = range(day_of("2026-11-23"), day_of("2026-11-28")) if who == "writer" else range(0)
    for day in quiet:
        events[day].append("with family, barely working")
    for day in crunch:
        events[day].append("manuscript due, nights too")

    def rate(h: int) -> float:
        day = h // 24
        c = clock(away.get(day, o.key.zone))
        local = c.hour[h]
        if day in quiet:
            return 0.1 * pace if local == 11 else 0.0
        if day in crunch:
            return pace * (1.5 if local >= 9 or local < 3 else 0.0)
        if c.weekday[h] >= 5:
            return 0.3 * pace if 11 <= local < 16 and r.random() < 0.5 else 0.0
        return pace if 9 <= local < 19 and r.random() < 0.7 else 0.0

    return Habit(shaped(o, [(write, 1.0)], rate), noted(events))


OFFICE_HOLIDAYS = {"Europe/Paris": ("2026-11-11",), "Asia/Tokyo": ("2026-11-03", "2026-11-23"),
                   "Australia/Sydney": ()}  # fmt: skip


def office_helpdesk(o: Owner) -> Habit:
    c, r = o.clock, o.rng
    answer = o.mix("small", 1_200, 900, 250)
    base = r.uniform(10, 40)
    holidays = OFFICE_HOLIDAYS.get(o.key.zone, ())
    events = {day_of(d): ("public holiday",) for d in holidays}

    def rate(h: int) -> float:
        local = c.hour[h]
        if c.weekday[h] >= 5 or c.date[h] in holidays or not 8 <= local < 18:
            return 0.0
        return base * (0.6 if local == 12 else 1.0)

    return Habit(shaped(o, [(answer, 1.0)], rate), events)


def data_team(o: Owner) -> Habit:
    r, plan = o.rng, o.key.owner.split()[0]
    old = o.mix("mid", 3_000, 0, 500)
    base = r.uniform(40, 150)
    events: dict[int, list[str]] = defaultdict(list)
    switch, new = DAYS * 24, old
    backfill: range = range(0)
    if plan == "backfill":  # two years of tickets re-read over a weekend, every hour of it
        backfill = range(day_of("2026-12-05") * 24 + 9, day_of("2026-12-07") * 24)
        events[day_of("2026-12-05")].append("backfill of two years' tickets")
        events[day_of("2026-12-06")].append("backfill of two years' tickets")
    elif plan == "migration":
        switch, new = day_of("2026-11-25") * 24, o.mix("new", 3_000, 0, 1_000)
    elif plan == "reasoning":
        switch, new = day_of("2026-12-01") * 24, o.mix("reason_small", 3_000, 0, 1_500)
    elif plan == "archive":  # an archive re-summarised in the history weeks
        backfill = range(day_of("2026-11-14") * 24, day_of("2026-11-16") * 24)
        events[day_of("2026-11-14")].append("archive re-summarised")
    for day in range(switch // 24, DAYS):
        events[day].append("moved to a newer model")

    def rate(h: int) -> float:
        nightly = base * 6 if 0 <= h % 24 < 4 else base * 0.2
        return nightly + (base * 12 if h in backfill else 0.0)

    before = shaped(o, [(old, 1.0)], lambda h: rate(h) if h < switch else 0.0)
    after = shaped(o, [(new, 1.0)], lambda h: rate(h) if h >= switch else 0.0)
    demand = [before[h] + after[h] for h in range(HOURS)]
    return Habit(demand, noted(events), queued=True)


def rotated_app(o: Owner) -> Habit:
    """Both keys of a pair share the owner's dice, so the new key carries on the old one's habit."""
    c, r = o.clock, o.rng
    answer = o.mix("small", 1_500, 500, 300)
    base = r.uniform(10, 40)
    handover = o.key.retired * 24 - 15 if o.key.retired < DAYS else o.key.born * 24 + 9
    is_old = o.key.retired < DAYS
    events = {handover // 24: ("key rotated by its owner",)}

    def rate(h: int) -> float:
        if (is_old and h >= handover) or (not is_old and h < handover):
            return 0.0
        busy = 8 <= c.hour[h] < 20
        return base * (1.0 if busy else 0.05) * (0.3 if c.weekday[h] >= 5 else 1.0)

    return Habit(shaped(o, [(answer, 1.0)], rate), events)


def dormant(o: Owner) -> Habit:
    r, kind = o.rng, o.key.owner.split()[0]
    ping = o.mix("cheap", 20, 0, 5)
    demand = empty_demand()
    if kind == "cards":  # once a year, a holiday-card script for the customer list
        card = o.mix("chat", 600, 0, 250)
        first = day_of("2026-12-03") * 24 + 14
        for h in range(first, first + 3):
            demand[h] = [(card, r.uniform(150, 300))]
        return Habit(demand, {first // 24: ("yearly holiday-card run",)})
    for h in range(r.randrange(24 * 7), HOURS, 24 * 30):  # a monthly health check
        if o.is_alive(h):
            demand[h] = [(ping, 1.0)]
    return Habit(demand, {})
