"""World 6's teams: engineers, students, labellers and CI runners and what their keys do.

Stage: benchmark (usage watch, issue #20). Unlike the businesses in `usage_world6_owners`, these
keys work in sessions and jobs: agent runs with tool loops, labelling jobs, evaluation sweeps,
students before deadlines, CI pipelines. Summer holidays thin the European and American teams in
July; one engineer is away for two weeks and comes back in the judged weeks.
"""

from __future__ import annotations

import random

from bench.usage_world6_base import (
    HISTORY_DAYS,
    HOURS,
    MODELS,
    TOP,
    Clock,
    Event,
    Plan,
    Shape,
    hour_at,
    local_date,
)
from bench.usage_world6_curves import OFFICE, STUDENTS, WORKDAYS, curve, episodes, migrate


def agent_loops(provider: str, rng: random.Random, clock: Clock, region: str) -> Plan:
    """Agentic workflows with tool loops in Europe or India: sessions of tens of requests whose
    context grows (mostly cached), summer holidays from July, a migration to the new model in
    the judged weeks on half of the keys, and now and then a loop that runs away for an hour
    or two until someone kills it."""
    plan = Plan(dispersion=3.0)
    rate = rng.uniform(10, 120)

    def summer(day: int) -> float:
        return 0.7 if local_date(day)[0] == 7 and region in ("DE", "UK") else 1.0

    hours = curve(clock, region, OFFICE, WORKDAYS, rate, 0.005, summer)
    runaway = hour_at(6, rng.randint(1, 26), 0) + 9 + rng.randint(0, 8) - int(clock.offset)
    loop = episodes(rng, [runaway], [rng.randint(1, 2)], [rate * rng.uniform(3, 6)])
    plan.events.append(Event("runaway loop", runaway, runaway + 2))
    hours = [a + b for a, b in zip(hours, loop, strict=True)]
    if rng.random() < 0.25:  # a second runaway, in the judged weeks
        again = (HISTORY_DAYS + rng.randint(0, 12)) * 24 + 10 + rng.randint(0, 6)
        hours = [a + b for a, b in zip(hours, episodes(rng, [again], [2], [rate * 4]), strict=True)]
        plan.events.append(Event("runaway loop", again, again + 2))
    shape = Shape(rng.uniform(8000, 25000), 1.0, rng.uniform(0.03, 0.08), rng.uniform(0.7, 0.9))
    mid, new = MODELS[provider]["mid"], MODELS[provider]["new"]
    if rng.random() < 0.5:
        switch = (HISTORY_DAYS + rng.randint(0, 9)) * 24 + 8
        plan.add(mid, shape, migrate(hours, switch, 3, is_new=False))
        plan.add(new, shape, migrate(hours, switch, 3, is_new=True))
        plan.events.append(Event("model migration", switch, switch + 5 * 24))
    else:
        plan.add(mid, shape, hours)
    plan.add(MODELS[provider]["nano"], Shape(400, 0.6, 0.2, 0.0), [v * 0.3 for v in hours])
    return plan


def developer_away(provider: str, rng: random.Random, clock: Clock, region: str) -> Plan:
    """One engineer's own key: working hours, silent for two weeks of holiday, back in the judged
    weeks with a catch-up burst on the first days."""
    plan = Plan(dispersion=2.0)
    rate = rng.uniform(3, 25)
    leave = HISTORY_DAYS - rng.randint(8, 12)
    back = leave + 14

    def away(day: int) -> float:
        return 0.0 if leave <= day < back else (1.8 if back <= day < back + 2 else 1.0)

    hours = curve(clock, region, OFFICE, WORKDAYS, rate, 0.0, away)
    plan.add(MODELS[provider]["new"], Shape(rng.uniform(2000, 9000), 1.1, 0.15, 0.5), hours)
    plan.events.append(
        Event(
            "back from holiday", back * 24 - int(clock.offset), (back + 3) * 24 - int(clock.offset)
        )
    )
    return plan


def labelling(provider: str, rng: random.Random, clock: Clock, region: str) -> Plan:
    """Data labelling jobs run by a team in Kenya or the Philippines: jobs of 4 to 30 hours at a
    steady rate, launched on workdays, a heavy-tailed spread of job sizes."""
    plan = Plan(dispersion=40.0)
    base = rng.uniform(100, 800)
    starts, lengths, rates = [], [], []
    for day in range(HOURS // 24):
        if day % 7 >= 5 or rng.random() > 0.45:
            continue
        first = day * 24 + rng.randint(8, 14) - int(clock.offset)
        size = min(rng.paretovariate(2.2), 5.0)
        starts.append(first)
        lengths.append(rng.randint(4, 30))
        rates.append(base * size)
        if size > 2.5 and day >= HISTORY_DAYS:
            plan.events.append(Event("big labelling job", first, first + lengths[-1]))
    hours = episodes(rng, starts, lengths, rates)
    shape = Shape(rng.uniform(600, 1500), 0.7, rng.uniform(0.05, 0.2), 0.3)
    plan.add(MODELS[provider]["mini"], shape, hours)
    return plan


def finetune_eval(provider: str, rng: random.Random, clock: Clock, region: str) -> Plan:
    """A fine-tune and evaluation team on the US west coast: a sweep after each training run,
    launched in the afternoon, 2-8 hours across several models, one of which may be a model the
    key has never used (a new frontier model to compare against); prompts tried by hand in
    working hours between sweeps."""
    plan = Plan(dispersion=25.0)
    base = rng.uniform(200, 1200)
    models = (MODELS[provider]["mid"], MODELS[provider]["mini"], MODELS[provider]["nano"])
    shares = (0.5, 0.3, 0.2)
    starts, lengths = [], []
    for day in range(HOURS // 24):
        if day % 7 < 5 and rng.random() < 0.35:
            starts.append(day * 24 + rng.randint(13, 17) - int(clock.offset))
            lengths.append(rng.randint(2, 8))
    rates = [base * rng.uniform(0.5, 1.5) for _ in starts]
    hours = episodes(rng, starts, lengths, rates)
    poking = curve(clock, region, OFFICE, WORKDAYS, base * 0.03, 0.0)  # prompts tried by hand
    hours = [a + b for a, b in zip(hours, poking, strict=True)]
    shape = Shape(rng.uniform(1500, 4000), 0.8, rng.uniform(0.2, 0.5), 0.1)
    for model, share in zip(models, shares, strict=True):
        plan.add(model, shape, [v * share for v in hours])
    if rng.random() < 0.5:  # the team adds the frontier model to one judged sweep
        later = [s for s in starts if s >= HISTORY_DAYS * 24]
        if later:
            first = rng.choice(later)
            extra = [0.0] * HOURS
            for hour in range(first, min(first + 6, HOURS)):
                extra[hour] = base * 0.3
            plan.add(TOP[provider][0], shape, extra)
            plan.events.append(Event("new model in eval", first, first + 6))
    return plan


def course_key(provider: str, rng: random.Random, clock: Clock, region: str) -> Plan:
    """A university course key in Brazil: students in the evening, Thursday nights before
    Friday deadlines, a final project due on 10 July at midnight, then the July holidays."""
    plan = Plan(dispersion=4.0)
    rate = rng.uniform(15, 120)

    def term(day: int) -> float:
        month, date = local_date(day)
        if (month, date) >= (7, 11):
            return 0.05
        if (month, date) in ((7, 8), (7, 9), (7, 10)):
            return (2.5, 4.0, 6.0)[date - 8]
        return 2.2 if day % 7 == 3 else (1.6 if day % 7 == 4 else 1.0)

    week = (0.8, 0.85, 0.9, 1.0, 0.9, 0.3, 0.45)
    hours = curve(clock, region, STUDENTS, week, rate, 0.0, term)
    switch = hour_at(6, rng.randint(10, 18), 3)
    shape = Shape(rng.uniform(700, 2000), 1.2, rng.uniform(0.5, 0.9), 0.2)
    plan.add(MODELS[provider]["mini"], shape, migrate(hours, switch, 0, is_new=False))
    plan.add(MODELS[provider]["small"], shape, migrate(hours, switch, 0, is_new=True))
    first = hour_at(7, 8) - int(clock.offset)
    plan.events.append(Event("final deadline", first, first + 3 * 24 + 3))
    plan.events.append(Event("July holidays", first + 3 * 24 + 3, HOURS))
    return plan


def ci_shared(provider: str, rng: random.Random, clock: Clock, region: str) -> Plan:
    """A key shared by CI runners of a distributed team: a run per push in working hours across
    two zones, a nightly full suite at 02:00 UTC of fixed prompts, a release crunch in the week of
    29 June and a freeze around the 4th of July."""
    plan = Plan(dispersion=30.0)
    rate = rng.uniform(20, 200)
    other = Clock(clock.offset + rng.choice((-9.0, 3.5, 5.0)))

    def crunch(day: int) -> float:
        month, date = local_date(day)
        if (month, date) in ((6, 29), (6, 30), (7, 1), (7, 2)):
            return 1.8
        return 0.3 if (month, date) in ((7, 3), (7, 6)) else 1.0

    pushes = curve(clock, region, OFFICE, WORKDAYS, rate, 0.003, crunch)
    pushes = [
        a + b
        for a, b in zip(
            pushes, curve(other, region, OFFICE, WORKDAYS, rate * 0.5, 0.003, crunch), strict=True
        )
    ]
    nightly = episodes(
        rng, list(range(2, HOURS, 24)), [1] * (HOURS // 24), [rate * 4] * (HOURS // 24)
    )
    shape = Shape(rng.uniform(1500, 3000), 0.25, 0.1, 0.5)
    plan.add(MODELS[provider]["nano"], shape, [a + b for a, b in zip(pushes, nightly, strict=True)])
    first = hour_at(6, 29) - int(clock.offset)
    plan.events.append(Event("release crunch", first, first + 4 * 24))
    return plan
