"""World 13's honest usage: each owner's demand drawn hour by hour into records, with outages.

Stage: benchmarks only (issue #20). Requests in an hour are Poisson around the owner's mean,
the mean itself varied a little hour to hour (gamma, shape 8), so no two weeks are alike;
tokens a request are lognormal around the key's prompt size. Through a provider outage no
request succeeds, so nothing is billed; owners who queue work (support tickets, batches,
research jobs) replay the backlog after it at up to one and a half busy hours an hour. Keyless
console use (the playground, people trying a new model on its release day) is written with an
empty key id, which the page writer gives a null `api_key_id`.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict

from bench import usage_world13_calendar as cal
from bench.usage_world13_base import DAYS, OUTPUT_WEIGHT, RELEASED, local, model_of
from bench.usage_world13_owners import OWNERS
from bench.usage_world13_roster import Key
from bench.usage_world13_shapes import office

Cell = tuple[str, str, int]  # key id, model, hour index
Totals = dict[Cell, list[int]]  # requests, uncached input, cached input, output

PROMPT_FACTOR = {"cheap": 0.8, "dear": 1.2}


def poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 60:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def add(
    totals: Totals, cell: Cell, requests: int, tokens_in: float, ratio: float, cached: float
) -> None:
    """Add `requests` of `tokens_in` input tokens in all to a key-model-hour cell."""
    into = totals.setdefault(cell, [0, 0, 0, 0])
    reused = round(tokens_in * cached)
    into[0] += requests
    into[1] += max(round(tokens_in) - reused, 1)
    into[2] += reused
    into[3] += max(round(tokens_in * ratio), 1)


def draw(
    totals: Totals, rng: random.Random, key: Key, model: str, role: str, hour: int, mean: float
) -> None:
    requests = poisson(rng, mean * rng.gammavariate(8, 1 / 8))
    if not requests:
        return
    spread = 0.5 / math.sqrt(requests) + 0.05
    tokens_in = requests * key.prompt * PROMPT_FACTOR.get(role, 1.0) * rng.lognormvariate(0, spread)
    ratio = key.ratio * OUTPUT_WEIGHT[role] * rng.lognormvariate(0, 0.15)
    add(totals, (key.key_id, model, hour), requests, tokens_in, ratio, key.cached)


def owner_usage(provider: str, key: Key, seed: int, totals: Totals) -> dict[int, tuple[str, ...]]:
    """Draw one key's season into `totals`; return the owner's events by world day (UTC)."""
    rng = random.Random(f"world13-usage-{provider}-{seed}-{key.key_id}")
    owner = OWNERS[key.archetype]
    events: dict[int, list[str]] = defaultdict(list)
    backlog: dict[str, float] = defaultdict(float)
    for hour in range(DAYS * 24):
        day = hour // 24
        demand, named = owner(key, local(hour, key.zone), provider)
        if cal.is_outage(provider, hour):
            if key.is_queued:
                for role, mean in demand.items():
                    if mean > 0:
                        backlog[role] += mean
            named = (*named, "provider_outage") if demand else named
            demand = {}
        elif backlog:
            room = 1.5 * key.size
            total = sum(backlog.values())
            share = min(1.0, room / total)
            for role in list(backlog):
                demand[role] = demand.get(role, 0.0) + backlog[role] * share
                backlog[role] *= 1 - share
                if backlog[role] < 0.5:
                    del backlog[role]
            named = (*named, "outage_replay")
        for role, mean in demand.items():
            draw(totals, rng, key, model_of(provider, role, day), role, hour, mean)
        events[day] += [name for name in named if name not in events[day]]
    return {day: tuple(names) for day, names in events.items() if names}


def console_usage(provider: str, seed: int, totals: Totals) -> None:
    """People at the console: a few requests in London and New York office hours, and each new
    model tried by hand on its release day and the next."""
    rng = random.Random(f"world13-console-{provider}-{seed}")
    person = Key("", "console", "Europe/London", 3.0, 900, 0.0, 0.8, 0, None, 0, False)
    for hour in range(DAYS * 24):
        day = hour // 24
        london, new_york = local(hour, "Europe/London"), local(hour, "America/New_York")
        mean = office(london.hour) + office(new_york.hour)
        if london.weekday() < 5 and mean:
            draw(totals, rng, person, model_of(provider, "main", day), "main", hour, mean)
        for model, released in RELEASED.items():
            if model.startswith(("gpt", "o")) != (provider == "openai"):
                continue
            if released <= day <= released + 1 and office(new_york.hour):
                draw(totals, rng, person, model, "main", hour, 2.0)
