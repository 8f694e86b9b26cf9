"""World 8's owners at work: a key's plan turned into hourly cells, and the day's honest events.

Stage: benchmark (usage watch, issue #20). An hour's expected requests are the owner's peak times
its local-hour shape, times that day's own swing, growth, weekend and holiday habits and any surge;
each model role gets a Poisson draw of its share, and each draw's tokens are heavy-tailed. During
a provider outage nothing is billed; an owner whose work queues replays what it missed over the
two hours after. Usage in the console (no API key) is an office's, in Dublin.
"""

from __future__ import annotations

import random

from bench.usage_world8_base import DAYS, MODELS, Cells, add, heavy_sum, poisson, rng
from bench.usage_world8_calendar import (
    WORKED_WEEKENDS,
    holiday,
    is_outage,
    local_clock,
    outage_end,
)
from bench.usage_world8_owners import SHAPES, Archetype
from bench.usage_world8_roster import Plan

REPLAY_HOURS = 2
# The log-spread of an hour's requests around its expected value: people at keyboards are
# burstier than a phone app's thousands of users.
BURSTINESS = {"dev_sandbox": 0.6, "eval_harness": 0.5, "legal_discovery": 0.4, "oss_bot": 0.4}
CONTEXT = 200_000  # the largest request either provider's models take here, in tokens


def day_factor(kind: Archetype, country: str, iso: str, weekday: int) -> float:
    """How much of an ordinary workday's work the owner does on local date `iso`."""
    factor = 1.0
    if weekday >= 5 and iso not in WORKED_WEEKENDS.get(country, frozenset()):
        factor = kind.weekend
    off = holiday(country, iso)
    if off is not None and kind.holidays == "off":
        factor *= off[1]
    elif off is not None and kind.holidays == "boost":
        factor *= 1 + 0.6 * (1 - off[1])  # a day off is a day to play, or to call the app
    return factor


def _draw(
    r: random.Random, cells: Cells, hour: int, model: str, n: int, sizes: tuple[float, ...]
) -> None:
    if n <= 0:
        return
    tokens_in = heavy_sum(r, n, sizes[0], sizes[1], CONTEXT)
    tokens_out = heavy_sum(r, n, sizes[2], sizes[3], 32_000)
    cached = int(tokens_in * sizes[4] * r.uniform(0.75, 1.0))
    add(cells, hour, model, (n, tokens_in - cached, cached, tokens_out))


def _sizes(plan: Plan, r: random.Random) -> tuple[float, ...]:
    """The key's request sizes: its kind's, scaled by its own prompts."""
    kind, scale = plan.kind, r.uniform(0.7, 1.4)
    return (
        kind.tokens_in[0] * scale,
        kind.tokens_in[1],
        kind.tokens_out[0] * scale,
        kind.tokens_out[1],
        kind.cache,
    )


def _rate(plan: Plan, hour: int, swing: float) -> tuple[float, list[tuple[float, str]]]:
    """The owner's expected requests in `hour` on its own mix, and its surges' extra requests
    an hour by model role."""
    key, kind = plan.key, plan.kind
    iso, local_hour, weekday = local_clock(key.tz)[hour]
    day = hour // 24
    rate = plan.peak * SHAPES[kind.shape][local_hour] * swing * kind.growth**day
    rate *= day_factor(kind, key.country, iso, weekday)
    extras = []
    for surge in plan.surges:
        if hour in surge.hours:
            rate *= surge.factor
            extras.append((surge.extra, surge.role))
    return rate, extras


def owner_cells(plan: Plan, provider: str, seed: int) -> Cells:
    """The owner's hourly cells on `provider`: what it asks for, less what an outage refused,
    plus, for queued work, what it replays after."""
    key = plan.key
    r = rng(seed, provider, "usage", key.key_id)
    sizes = _sizes(plan, r)
    swing = [r.lognormvariate(0, 0.12) for _ in range(DAYS)]
    models, burst = MODELS[provider], BURSTINESS.get(plan.kind.name, 0.25)
    cells: Cells = {}
    backlog, replay_until = 0.0, -1
    for hour in range(key.first_day * 24, key.last_day * 24):
        rate, extras = _rate(plan, hour, swing[hour // 24])
        rate *= r.lognormvariate(0, burst)  # traffic comes in bursts, not as a smooth Poisson
        if is_outage(provider, hour):
            if plan.kind.is_queued:
                backlog += rate + sum(extra for extra, _ in extras)
                replay_until = (outage_end(provider, hour) or hour) + REPLAY_HOURS
            continue
        if hour < replay_until:
            rate += backlog / REPLAY_HOURS
        else:
            backlog = 0.0
        mix = next(shares for first, shares in reversed(plan.mix) if hour // 24 >= first)
        for role, share in mix:
            _draw(r, cells, hour, models[role], poisson(r, rate * share), sizes)
        for extra, role in extras:
            _draw(r, cells, hour, models[role], poisson(r, extra), sizes)
    return cells


def day_events(plan: Plan, provider: str) -> dict[int, set[str]]:
    """The names of the owner's honest events by world day: its surges, its holidays, clocks
    changing, the provider's outages and the backlog replayed after them, migration stages, a
    key rotated in."""
    key = plan.key
    clock = local_clock(key.tz)
    events: dict[int, set[str]] = {}
    for hour in range(key.first_day * 24, key.last_day * 24):
        names = events.setdefault(hour // 24, set())
        names.update(s.name for s in plan.surges if hour in s.hours)
        off = holiday(key.country, clock[hour][0])
        if off is not None:
            names.add(off[0])
        if hour and (clock[hour][1] - clock[hour - 1][1]) % 24 != 1:
            names.add("clocks change")
        if is_outage(provider, hour):
            names.add("provider outage")
        elif plan.kind.is_queued and is_outage(provider, hour - 1):
            names.add("backlog replay")
    for first, _ in plan.mix[1:]:
        events.setdefault(first, set()).add("migration stage")
    if key.first_day > 0:
        events[key.first_day].add("key rotated in")
    return {day: names for day, names in events.items() if names}


def console_cells(seed: int, provider: str) -> Cells:
    """Staff trying prompts in the console or workbench: office hours in Dublin, no API key."""
    r = rng(seed, provider, "console")
    clock, models = local_clock("Europe/Dublin"), MODELS[provider]
    cells: Cells = {}
    sizes = (1800.0, 1.0, 600.0, 0.8, 0.0)
    for hour, (_, local_hour, weekday) in enumerate(clock):
        rate = 5 * SHAPES["office"][local_hour] * (0.05 if weekday >= 5 else 1.0)
        if is_outage(provider, hour):
            continue
        for role, share in (("mid", 0.6), ("large", 0.3), ("dearest", 0.1)):
            _draw(r, cells, hour, models[role], poisson(r, rate * share), sizes)
    return cells
