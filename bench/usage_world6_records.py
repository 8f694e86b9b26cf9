"""Draws world 6's hourly usage records from owners' and thieves' plans.

Stage: benchmark (usage watch, issue #20). Requests in an hour are gamma-Poisson (the plan's
dispersion sets how bursty), each request's input is lognormal (heavy-tailed), output follows
the model's output ratio with noise, and the cached share of input comes from the prompt cache.
A plan with dispersion 0 is exact: its requests are counted, not drawn (validation probes).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable

from bench.usage_world6_base import HOUR, HOURS, START, Plan, Shape
from leakward.usage.records import UsageRecord

EXACT_DRAWS = 12  # up to this many requests, each one's size is drawn


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, count, product = math.exp(-lam), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def requests(rng: random.Random, mean: float, dispersion: float) -> int:
    if mean <= 0:
        return 0
    if dispersion == 0:
        return max(1, round(mean))
    return poisson(rng, rng.gammavariate(dispersion, mean / dispersion))


def input_tokens(rng: random.Random, count: int, shape: Shape) -> int:
    """The sum of `count` lognormal request sizes; past EXACT_DRAWS, a lognormal with the sum's
    mean and spread."""
    mu = math.log(shape.input_median)
    if count <= EXACT_DRAWS:
        return round(sum(rng.lognormvariate(mu, shape.sigma) for _ in range(count)))
    mean = shape.input_median * math.exp(shape.sigma**2 / 2)
    spread = math.sqrt(math.exp(shape.sigma**2) - 1) / math.sqrt(count)
    s2 = math.log(1 + spread**2)
    return round(count * mean * rng.lognormvariate(-s2 / 2, math.sqrt(s2)))


def draw(rng: random.Random, plan: Plan) -> dict[tuple[int, str], tuple[int, int, int, int]]:
    """(hour, model) -> (requests, uncached input, cached input, output) for one plan."""
    cells: dict[tuple[int, str], tuple[int, int, int, int]] = {}
    for model in sorted(plan.demand):
        shape = plan.shapes[model]
        for hour, mean in enumerate(plan.demand[model]):
            count = requests(rng, mean, plan.dispersion)
            if not count:
                continue
            total = input_tokens(rng, count, shape)
            cached = round(total * shape.cached * rng.uniform(0.85, 1.0))
            output = max(count, round(total * shape.output_ratio * rng.lognormvariate(0, 0.25)))
            cells[hour, model] = (count, total - cached, cached, output)
    return cells


def first_hour(cells: dict[tuple[int, str], tuple[int, int, int, int]]) -> int | None:
    return min((hour for hour, _ in cells), default=None)


def to_records(
    provider: str, key_id: str, layers: Iterable[dict[tuple[int, str], tuple[int, int, int, int]]]
) -> list[UsageRecord]:
    """One record per hour and model, owner's and thief's requests summed, as the API reports a
    key's usage without knowing who made it."""
    summed: dict[tuple[int, str], list[int]] = {}
    for cells in layers:
        for cell, values in cells.items():
            total = summed.setdefault(cell, [0, 0, 0, 0])
            for index, value in enumerate(values):
                total[index] += value
    return [
        UsageRecord(
            provider=provider,
            key_id=key_id,
            start=START + hour * HOUR,
            end=START + (hour + 1) * HOUR,
            model=model,
            requests=count,
            input_tokens=uncached,
            output_tokens=output,
            cached_input_tokens=cached,
        )
        for (hour, model), (count, uncached, cached, output) in sorted(summed.items())
        if hour < HOURS
    ]
