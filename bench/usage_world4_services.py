"""World 4's machine-driven owners: bots, indexers, multi-tenant products, classifiers, migrations.

Stage: benchmark (usage watch, issue #20). Each function draws one key's habits from `rng` and
returns its hourly load; the world module adds outages and thefts. Written blind to the model.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from bench.usage_world4_base import (
    DAYS,
    HOURS,
    ZONES,
    Load,
    Local,
    Shape,
    add,
    bursty,
    clock,
    heavy,
    new_load,
    pick,
)


@dataclass(frozen=True, slots=True)
class Habit:
    """One key's owner: what kind of user, where, and the usage it makes."""

    archetype: str
    zone: str
    load: Load
    note: str


# Share of a consumer product's daily traffic at each local hour: asleep at 3, a morning rise, a
# long day and an evening bump when people are home.
CONSUMER = (
    0.10, 0.06, 0.04, 0.03, 0.03, 0.05, 0.12, 0.30, 0.55, 0.75, 0.85, 0.90,
    0.92, 0.90, 0.85, 0.82, 0.80, 0.78, 0.80, 0.90, 1.00, 0.85, 0.55, 0.25,
)  # fmt: skip


def office(local: Local) -> float:
    """A business's working day: on from 9 to 18 with a lunch dip, a trickle otherwise."""
    if not local.is_workday or not 9 <= local.hour < 18:
        return 0.03
    return 0.6 if local.hour == 12 else 1.0


def consumer(local: Local) -> float:
    return CONSUMER[local.hour] * (0.75 if local.weekday >= 5 else 1.0)


def shopping_season(day: date, is_us: bool) -> float:
    """Support load from mid-November: rising into Black Friday, its peak, and its weekend."""
    if day < date(2026, 11, 16):
        return 1.0
    if day == date(2026, 11, 26):
        return 0.8 if is_us else 1.3  # Thanksgiving: Americans eat, Europeans already shop
    bump = {date(2026, 11, 27): 3.0, date(2026, 11, 28): 2.3, date(2026, 11, 29): 1.9}
    if day in bump:
        return bump[day] if is_us else 1 + (bump[day] - 1) * 0.6
    return 1.0 + 0.04 * (day - date(2026, 11, 16)).days


def support_bot(rng: random.Random, provider: str) -> Habit:
    """A shop's support bot: customers' hours, weekly rhythm, growth and the shopping season;
    a small share of conversations escalates to a larger model."""
    zone = rng.choice(ZONES[:5])
    peak, growth = heavy(rng, 90), rng.uniform(0.0, 0.3)
    main, escalate = pick(rng, provider, "cheap"), pick(rng, provider, "mid")
    load, hours = new_load(), clock(zone)
    for h in range(HOURS):
        local = hours[h]
        rate = peak * consumer(local) * shopping_season(local.day, zone.startswith("America"))
        n = bursty(rng, rate * (1 + growth * h / HOURS), 8)
        up = sum(rng.random() < 0.04 for _ in range(min(n, 200))) * max(1, n // 200)
        add(load, rng, h, main, n - up, Shape(1_400, 2_600, 220))
        add(load, rng, h, escalate, up, Shape(3_200, 2_600, 420))
    return Habit("support_bot", zone, load, f"peak ~{peak:.0f} req/h, growth {growth:.0%}")


def rag_indexer(rng: random.Random, provider: str) -> Habit:
    """Contextual-retrieval indexing: each chunk is annotated against its cached document. A
    queue drained at the worker pool's rate: nightly deltas, a Sunday re-index, rare backfills."""
    zone, model = rng.choice(ZONES), pick(rng, provider, "cheap")
    rate = heavy(rng, 500, 0.7)
    arrivals = [0.0] * HOURS
    hours = clock(zone)
    for h in range(HOURS):
        local = hours[h]
        if local.hour == 2:
            arrivals[h] += rate * rng.uniform(0.2, 0.8) * (1.4 if local.weekday < 5 else 0.3)
        if local.hour == 1 and local.weekday == 6:
            arrivals[h] += rate * rng.uniform(4, 7)
    for _ in range(rng.randint(1, 3)):  # a new customer's archive, at the start of a workday
        when = rng.randrange(HOURS)
        arrivals[when] += rate * heavy(rng, 15, 0.6)
    load, queue = new_load(), 0.0
    for h in range(HOURS):
        queue += arrivals[h]
        done = min(queue, rate * rng.uniform(0.85, 1.1))
        queue -= done
        add(load, rng, h, model, round(done), Shape(650, 9_000, 90, 0.6))
    return Habit("rag_indexer", zone, load, f"drains {rate:.0f} req/h")


def saas_tenant(rng: random.Random, provider: str) -> Habit:
    """One key shared by a product's tenants around the world; a big tenant joins, one leaves."""
    cheap, mid = pick(rng, provider, "cheap"), pick(rng, provider, "mid")
    tenants = []
    for _ in range(rng.randint(8, 30)):
        zone = rng.choices(ZONES, weights=(25, 15, 5, 15, 10, 8, 7, 5))[0]
        curve = office if rng.random() < 0.6 else consumer
        tenants.append([zone, curve, min(rng.paretovariate(1.3), 40.0), 0, HOURS])
    total = sum(t[2] for t in tenants)
    joiner = rng.randrange(10 * 24, HOURS - 24)
    tenants.append([rng.choice(ZONES), office, total * rng.uniform(0.3, 0.8), joiner, HOURS])
    tenants[rng.randrange(len(tenants) - 1)][4] = rng.randrange(5 * 24, HOURS)
    scale = heavy(rng, 150, 0.8) / (total + 1)
    load = new_load()
    for h in range(HOURS):
        rate = sum(s * c(clock(z)[h]) for z, c, s, first, last in tenants if first <= h < last)
        n = bursty(rng, rate * scale, 12)
        upgraded = round(n * 0.25)
        add(load, rng, h, cheap, n - upgraded, Shape(1_100, 600, 260))
        add(load, rng, h, mid, upgraded, Shape(1_500, 600, 380))
    note = f"{len(tenants)} tenants, a big one from day {joiner // 24}"
    return Habit("saas_tenant", "UTC", load, note)


def classifier(rng: random.Random, provider: str) -> Habit:
    """Content moderation on a consumer stream: many tiny requests, day and night, one viral day."""
    zone, model = rng.choice(ZONES), pick(rng, provider, "cheap")
    base, viral = heavy(rng, 1_500, 0.8), rng.randrange(HOURS - 6)
    load, hours = new_load(), clock(zone)
    for h in range(HOURS):
        rate = base * (0.35 + 0.65 * consumer(hours[h])) * (2.5 if viral <= h < viral + 5 else 1)
        add(load, rng, h, model, bursty(rng, rate, 25), Shape(350, 0, 2, 0.5))
    return Habit("classifier", zone, load, f"~{base:.0f} req/h, viral at day {viral // 24}")


def model_migrator(rng: random.Random, provider: str) -> Habit:
    """A product moving to another model in stages (5%, 25%, 50%, all), sometimes rolled back
    once; the new model's price and verbosity differ from the old one's."""
    zone = rng.choice(ZONES)
    old_tier, new_tier = rng.choice((("legacy", "mid"), ("mid", "cheap"), ("cheap", "mid")))
    old, new = pick(rng, provider, old_tier), pick(rng, provider, new_tier)
    verbose = rng.choice((0.8, 1.5, 3.0))
    begin = rng.randrange(8 * 24, (DAYS - 4) * 24)
    stages = [(0, 0.05), (48, 0.25), (96, 0.5), (144, 1.0)]
    if rng.random() < 0.25:  # the 50% stage misbehaves: back to the old model for three days
        stages = [(0, 0.05), (48, 0.25), (96, 0.5), (110, 0.0), (182, 0.5), (230, 1.0)]
    peak, load, hours = heavy(rng, 80), new_load(), clock(zone)
    for h in range(HOURS):
        share = max((s for at, s in stages if h >= begin + at), default=0.0)
        n = bursty(rng, peak * (0.6 * office(hours[h]) + 0.4 * consumer(hours[h])), 6)
        moved = round(n * share)
        add(load, rng, h, old, n - moved, Shape(2_000, 1_000, 300))
        add(load, rng, h, new, moved, Shape(2_000, 1_000, 300 * verbose))
    note = f"{old} -> {new} from day {begin // 24}, output x{verbose}"
    return Habit("model_migrator", zone, load, note)


def rotated_pair(rng: random.Random, provider: str) -> tuple[Habit, Habit]:
    """A key rotated on schedule: the service moves to the new key at 10:00 local on rotation
    day; a daily cron job nobody remembered keeps calling the old key for a few more days."""
    zone, model = rng.choice(ZONES), pick(rng, provider, rng.choice(("cheap", "mid")))
    turn = rng.randrange(10, DAYS - 3)
    hours = clock(zone)
    switch = next(h for h in range(HOURS) if h >= turn * 24 and hours[h].hour == 10)
    cron, linger = rng.randrange(24), rng.randint(1, 4)
    peak, old, new = heavy(rng, 60), new_load(), new_load()
    for h in range(HOURS):
        n = bursty(rng, peak * (0.5 * office(hours[h]) + 0.5 * consumer(hours[h])), 6)
        add(new if h >= switch else old, rng, h, model, n, Shape(1_200, 800, 250))
        if h < switch + linger * 24 and hours[h].hour == cron:
            add(old, rng, h, model, rng.randint(5, 40), Shape(900, 0, 150))
    note = f"rotated on day {turn}"
    return Habit("rotated_old", zone, old, note), Habit("rotated_new", zone, new, note)
