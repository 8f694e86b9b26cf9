"""What an owner does with a key on one local day: how much, at which local hours, on which models.

Stage: benchmarks only (issue #20). Every owner kind of world 12 is a function from a key and a
local date to a `Plan`; the builder turns plans into hourly records. Hour curves are weights over
the 24 local hours; hours with no weight are hours the owner never works.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from bench.usage_world12_base import Shape


@dataclass(frozen=True, slots=True)
class Key:
    key_id: str
    archetype: str
    zone: str
    base: float  # requests on an ordinary day (factor 1)
    shape: Shape
    variant: int  # which of the kind's variants (its country, its show, its release cycle)


@dataclass(frozen=True, slots=True)
class Plan:
    factor: float  # the day's load against an ordinary day
    hours: tuple[float, ...]  # 24 local-hour weights, summing to 1
    mix: tuple[tuple[str, float], ...]  # model tier (or model) and its share
    events: tuple[str, ...] = ()


def curve(*spans: tuple[int, int, float]) -> tuple[float, ...]:
    """Weights over local hours from (first hour, end hour, weight) spans; an end before the
    first wraps past midnight."""
    weights = [0.0] * 24
    for first, end, weight in spans:
        hours = range(first, end) if end > first else [*range(first, 24), *range(end)]
        for hour in hours:
            weights[hour] += weight
    total = sum(weights)
    return tuple(w / total for w in weights)


OFFICE = curve((7, 9, 0.2), (9, 12, 1.0), (12, 13, 0.6), (13, 18, 1.0), (18, 20, 0.25))
EVENING = curve((12, 14, 0.2), (17, 19, 0.5), (19, 23, 1.0), (23, 24, 0.4))
STUDY = curve((16, 19, 0.6), (19, 23, 1.0), (23, 24, 0.5), (0, 1, 0.2))
DAYTIME = curve((8, 10, 0.5), (10, 17, 1.0), (17, 21, 0.5))
ALLDAY = curve((7, 9, 0.4), (9, 22, 1.0), (22, 24, 0.5), (0, 2, 0.2), (2, 7, 0.03))
FLAT = curve((0, 24, 1.0))


def day_luck(key: Key, when: date, salt: str = "") -> random.Random:
    """A generator fixed by the key and date, for day-level chance (rain, a sunny weekend)."""
    return random.Random(f"{key.key_id}|{when.isoformat()}|{salt}")


def ramp(when: date, first: date, last: date, low: float, high: float) -> float:
    """`low` up to `first`, `high` from `last`, straight between."""
    if when <= first:
        return low
    if when >= last:
        return high
    return low + (high - low) * (when - first).days / (last - first).days


def plan(
    factor: float,
    hours: tuple[float, ...],
    mix: tuple[tuple[str, float], ...],
    *events: str,
) -> Plan:
    return Plan(factor, hours, mix, tuple(events))
