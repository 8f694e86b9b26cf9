"""World 4's people-driven owners: coding agents, eval teams, researchers, demo keys.

Stage: benchmark (usage watch, issue #20). Each function draws one key's habits from `rng` and
returns its hourly load. Written blind to the model.
"""

from __future__ import annotations

import random

from bench.usage_world4_base import (
    DAYS,
    HOURS,
    JUDGED_FROM,
    TIERS,
    ZONES,
    Local,
    Shape,
    add,
    bursty,
    clock,
    heavy,
    new_load,
    pick,
)
from bench.usage_world4_services import Habit, office


def office_hour(local: Local) -> bool:
    return office(local) > 0.5


def _developer(rng: random.Random, joins: int) -> tuple[str, int, int, set[int], int]:
    """A developer: zone, first working hour, hours a day, days away, first day on the team."""
    zone = rng.choice(ZONES)
    away: set[int] = set()
    if rng.random() < 0.3:
        first = rng.randrange(DAYS - 7)
        away = set(range(first, first + 7))
    return zone, rng.randint(8, 10), rng.randint(7, 10), away, joins


def coding_agent(rng: random.Random, provider: str) -> Habit:
    """A coding agent shared by a few developers in several zones. Agent loops make hours very
    uneven; a hard task goes to the dear model; now and then someone works late; a newcomer may
    join."""
    devs = [_developer(rng, 0) for _ in range(rng.randint(2, 5))]
    if rng.random() < 0.3:
        devs.append(_developer(rng, rng.randrange(7, DAYS - 2)))
    main, dear = pick(rng, provider, "mid"), pick(rng, provider, "dear")
    pace, load = heavy(rng, 50, 0.6), new_load()
    for zone, begin, length, away, joins in devs:
        hours = clock(zone)
        on_days: dict[object, int] = {}  # local day -> hours worked (0: not working)
        for h in range(HOURS):
            local = hours[h]
            if h // 24 < joins or h // 24 in away:
                continue
            if local.day not in on_days:
                p = 0.85 if local.is_workday else 0.08
                late = 5 if rng.random() < 0.04 else 0
                on_days[local.day] = (length + late) if rng.random() < p else 0
            worked = on_days[local.day]
            if not begin <= local.hour < begin + worked:
                continue
            n = bursty(rng, pace * (0.5 if local.hour == 13 else 1.0), 1.5)
            hard = round(n * 0.08)
            add(load, rng, h, main, n - hard, Shape(2_500, 45_000, 700, 0.9))
            add(load, rng, h, dear, hard, Shape(3_000, 60_000, 1_200, 0.9))
    note = f"{len(devs)} developers, ~{pace:.0f} req/h each"
    return Habit("coding_agent", devs[0][0], load, note)


def eval_harness(rng: random.Random, provider: str) -> Habit:
    """An evaluation team's weekly benchmark over several models, some weeks through the batch
    API (run whenever the provider gets to it within a day); small ad-hoc runs in office hours;
    a model released mid-span joins the suite."""
    zone = rng.choice(ZONES)
    tiers = TIERS[provider]
    suite = rng.sample([*tiers["cheap"], *tiers["mid"], *tiers["dear"]], rng.randint(3, 6))
    spare = [m for m in (*tiers["mid"], *tiers["legacy"]) if m not in suite]
    newcomer, new_day = rng.choice(spare), rng.randrange(14, DAYS)
    size = {m: heavy(rng, 1_200, 0.5) for m in (*suite, newcomer)}
    weekday, rate = rng.randrange(5), heavy(rng, 2_500, 0.4)
    load, hours = new_load(), clock(zone)
    for h in range(HOURS):
        local = hours[h]
        if local.is_workday and 10 <= local.hour < 18 and rng.random() < 0.25:
            add(load, rng, h, rng.choice(suite), rng.randint(5, 80), Shape(1_200, 0, 450, 0.7))
        if local.weekday != weekday or local.hour != 19 or rng.random() < 0.1:
            continue
        models = [*suite, newcomer] if h // 24 >= new_day else suite
        start = h + (rng.randrange(1, 20) if rng.random() < 0.3 else 0)  # batch: later
        for model in models:
            left = size[model] * rng.uniform(0.95, 1.05)
            at = start
            while left >= 1:
                n = min(left, rate / len(models) * rng.uniform(0.4, 1.2))
                reasoning = model.startswith(("o1", "o3", "o4"))
                add(load, rng, at, model, round(n), Shape(1_200, 0, 1_800 if reasoning else 450))
                left, at = left - n, at + 1
    note = f"weekly on weekday {weekday}, {len(suite)} models, {newcomer} from day {new_day}"
    return Habit("eval_harness", zone, load, note)


def deadline_research(rng: random.Random, provider: str) -> Habit:
    """A research group: sparse office use, then ten days of long hours, weekends and overnight
    sweeps before a paper deadline, and a quiet spell after it."""
    zone = rng.choice(ZONES)
    deadline = rng.randrange(14, DAYS)
    main, dear = pick(rng, provider, "mid"), pick(rng, provider, "dear")
    pace, load, hours = heavy(rng, 20, 0.7), new_load(), clock(zone)
    for h in range(HOURS):
        local, left = hours[h], deadline - h / 24
        crunch = 0 <= left <= 10
        if -2 <= left < 0:
            continue
        if crunch:
            push = 1 + 8 * (1 - left / 10) ** 2
            awake = local.hour >= 8 or local.hour < 2
            if awake and rng.random() < 0.7:
                add(load, rng, h, main, bursty(rng, pace * push, 2), Shape(1_800, 3_000, 500))
            if left < 7 and (local.hour >= 23 or local.hour < 4) and rng.random() < 0.6:
                sweep = round(heavy(rng, 400, 0.5) * push / 3)
                add(load, rng, h, rng.choice((main, dear)), sweep, Shape(1_500, 0, 600))
        elif local.is_workday and 9 <= local.hour < 18 and rng.random() < 0.2:
            add(load, rng, h, main, rng.randint(5, 30), Shape(1_800, 3_000, 500))
    return Habit("deadline_research", zone, load, f"deadline on day {deadline}")


def dormant_demo(rng: random.Random, provider: str) -> Habit:
    """A key that hardly works: a sales demo now and then, a monthly report, or one left behind
    after the first days of the span."""
    zone, model = rng.choice(ZONES), pick(rng, provider, "mid")
    mode = rng.choice(("demo", "monthly", "forgotten"))
    load, hours = new_load(), clock(zone)
    for h in range(HOURS):
        local = hours[h]
        if mode == "demo" and local.is_workday and 10 <= local.hour < 17:
            if rng.random() < 0.02:
                add(load, rng, h, model, rng.randint(5, 40), Shape(1_000, 0, 400))
        elif mode == "monthly" and local.day.day in (2, 3) and local.hour == 6:
            add(load, rng, h, model, rng.randint(50, 200), Shape(2_500, 0, 600))
        elif (
            mode == "forgotten"
            and h < JUDGED_FROM // 3
            and office_hour(local)
            and rng.random() < 0.3
        ):
            add(load, rng, h, model, rng.randint(2, 30), Shape(1_000, 0, 300))
    return Habit("dormant_demo", zone, load, mode)
