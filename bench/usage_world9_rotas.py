"""World 9's owners who keep rotas, tides and the sky rather than a working week.

Stage: benchmarks only (issue #20). Each function is one owner kind: given an `Owner`, its
`Habit` (demand per hour and the legitimate events of its unusual days).

- `ward_notes`: a hospital ward's handover notes, 24/7, peaks at the 07:00 and 19:00 shift
  changes, weekends like weekdays; a flu surge fills some wards in December.
- `crew_hitch`: an offshore crew's maintenance assistant, 14 or 21 days on and as many off,
  day and night shifts; a crew comes back after two quiet weeks.
- `tide_pilot`: harbour pilots' boarding reports around high water, which comes 50 minutes later
  each day and so walks round the clock; fog closes a port some days.
- `observatory`: night logs and pipeline runs at a telescope, heavy in dark time (new moon on
  9 November and 9 December), nothing on a clouded night.
- `soc_triage`: a security operations centre's alert triage, flat round the clock; an incident
  brings hours of deep investigation on the reasoning model.
- `payroll_batch`: a payroll bureau's runs, fortnightly or twice a month at night, month-end
  close by day, year-end preparation growing through December.
- `storm_utility`: a power utility's outage messages, small by day, heavy day and night while a
  storm cuts power.
"""

from __future__ import annotations

from collections import defaultdict

from bench.usage_world9_base import DAYS, JUDGED_START, Habit, Owner, day_of, noted, shaped
from bench.usage_world9_calendar import STORMS, darkness, tide


def ward_notes(o: Owner) -> Habit:
    c, r = o.clock, o.rng
    notes, summary = o.mix("small", 1_800, 600, 350), o.mix("mid", 6_000, 0, 900)
    base = r.uniform(15, 60)
    census = [r.uniform(0.85, 1.15) for _ in range(DAYS)]
    surge = day_of("2026-11-27") + r.randrange(5) if r.random() < 0.4 else DAYS
    events: dict[int, list[str]] = defaultdict(list)
    for day in range(surge, DAYS):
        events[day].append("flu surge on the ward")

    def rate(h: int) -> float:
        local = c.hour[h]
        shape = 0.45 if local < 6 or local >= 22 else 1.0
        shape = {7: 1.9, 19: 1.7, 6: 1.3, 8: 1.3, 18: 1.2, 20: 1.2}.get(local, shape)
        growth = 1 + 0.08 * min(8, h // 24 - surge) if h // 24 >= surge else 1.0
        return base * shape * census[h // 24] * growth

    return Habit(shaped(o, [(notes, 0.85), (summary, 0.15)], rate), noted(events))


def crew_hitch(o: Owner) -> Habit:
    c, r = o.clock, o.rng
    manual = o.mix("mid", 3_500, 2_500, 300)
    base, length = r.uniform(20, 80), r.choice((14, 14, 21))
    phase = r.randrange(2 * length)
    events: dict[int, list[str]] = defaultdict(list)

    def is_on(day: int) -> bool:
        return (day + phase) % (2 * length) < length

    for day in range(1, DAYS):
        if is_on(day) and not is_on(day - 1):
            events[day].append("crew back on hitch")

    def rate(h: int) -> float:
        if not is_on(h // 24):
            return 0.02 * base if 9 <= c.hour[h] < 17 and c.weekday[h] < 5 else 0.0
        return base if 6 <= c.hour[h] < 18 else 0.3 * base

    return Habit(shaped(o, [(manual, 1.0)], rate), noted(events))


def tide_pilot(o: Owner) -> Habit:
    c, r = o.clock, o.rng
    report = o.mix("small", 900, 0, 250)
    base, phase = r.uniform(8, 30), r.uniform(0, 12.42)
    fog = {d for d in range(DAYS) if r.random() < 0.08}
    events = {d: ("fog, port closed",) for d in fog if d >= JUDGED_START}

    def rate(h: int) -> float:
        if h // 24 in fog:
            return 0.05 * base
        office = 0.25 if 8 <= c.hour[h] < 17 and c.weekday[h] < 5 else 0.0
        return base * (office + tide(h, phase))

    return Habit(shaped(o, [(report, 1.0)], rate), events)


def observatory(o: Owner) -> Habit:
    c, r = o.clock, o.rng
    log, pipeline = o.mix("mid", 2_500, 0, 500), o.mix("reason_small", 8_000, 0, 2_500)
    base = r.uniform(10, 40)
    clouded = {c.date[h] for h in range(0, DAYS * 24, 24) if r.random() < 0.22}
    events = {
        day: ("clouded out",)
        for day in range(JUDGED_START, DAYS)
        if c.date[day * 24 + 12] in clouded
    }

    def rate(h: int) -> float:
        local = c.hour[h]
        if local >= 21 or local < 5:
            # a night belongs to the date it began on
            began = c.date[h] if local >= 21 else c.date[max(0, h - 6)]
            weather = 0.05 if began in clouded else 1.0
            return base * (0.2 + darkness(h) ** 0.7) * weather
        return 0.12 * base if 10 <= local < 17 else 0.0

    return Habit(shaped(o, [(log, 0.9), (pipeline, 0.1)], rate), events)


def soc_triage(o: Owner) -> Habit:
    c, r = o.clock, o.rng
    triage, deep = o.mix("mid", 2_200, 800, 400), o.mix("reason", 12_000, 2_000, 3_000)
    base = r.uniform(20, 70)
    incidents = [r.randrange(3 * 24, (JUDGED_START - 3) * 24)]
    if r.random() < 0.5:
        incidents.append(r.randrange(JUDGED_START * 24, (DAYS - 1) * 24))
    spans = [(first, first + r.randrange(18, 40), r.uniform(3, 6)) for first in incidents]
    events: dict[int, list[str]] = defaultdict(list)
    for first, last, _ in spans:
        for day in range(first // 24, last // 24 + 1):
            events[day].append("security incident, all-hands triage")
    plain = shaped(o, [(triage, 1.0)], lambda h: base * (1.3 if 9 <= c.hour[h] < 18 else 0.9))
    for first, last, factor in spans:
        for h in range(first, min(last, DAYS * 24)):
            plain[h] = [*plain[h], (triage, base * (factor - 1)), (deep, base * 0.15 * factor)]
    return Habit(plain, noted(events))


def payroll_batch(o: Owner) -> Habit:
    c, r = o.clock, o.rng
    extract = o.mix("mid", 5_000, 0, 600)
    base = r.uniform(5, 20)
    if r.random() < 0.6:  # fortnightly, on Thursday nights (Wednesday in Thanksgiving week)
        runs = {"2026-11-05", "2026-11-19", "2026-12-03"}
        if r.random() < 0.5:
            runs = {"2026-10-29", "2026-11-12", "2026-11-25"}
    else:  # twice a month, the working day before the 15th and the last
        runs = {"2026-10-30", "2026-11-13", "2026-11-30"}
    close = {"2026-10-30", "2026-11-02", "2026-11-30", "2026-12-01", "2026-12-02"}
    events: dict[int, list[str]] = defaultdict(list)
    for h in range(0, DAYS * 24, 24):
        date = c.date[h + 12]
        if date in runs:
            events[day_of(date)].append("payroll run")
        if date in close:
            events[day_of(date)].append("month-end close")

    def rate(h: int) -> float:
        local, date = c.hour[h], c.date[h]
        night_before = c.date[max(0, h - 5)]
        if (local >= 21 and date in runs) or (local < 2 and night_before in runs):
            return base * 25
        if not (8 <= local < 18) or c.weekday[h] >= 5:
            return 0.0
        year_end = 1 + 0.1 * max(0, h // 24 - day_of("2026-11-30"))
        return base * (5 if date in close else 1) * year_end

    return Habit(shaped(o, [(extract, 1.0)], rate), noted(events), queued=True)


def storm_utility(o: Owner) -> Habit:
    c, r = o.clock, o.rng
    message = o.mix("small", 700, 300, 180)
    base = r.uniform(4, 15)
    storm_factor = r.uniform(12, 25)
    events: dict[int, list[str]] = defaultdict(list)
    for storm in STORMS:
        for h in storm.covered:
            events[h // 24].append(storm.label)

    def rate(h: int) -> float:
        day_rate = base if 7 <= c.hour[h] < 22 else 0.1 * base
        for storm in STORMS:
            if h in storm.covered:
                into = h - storm.first
                return day_rate + base * storm_factor * min(1.0, (into + 1) / 4)
        return day_rate

    return Habit(shaped(o, [(message, 1.0)], rate), noted(events))
