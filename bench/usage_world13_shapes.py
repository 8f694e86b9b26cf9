"""World 13's day shapes: working hours, a consumer app's day, and chance fixed by the date.

Stage: benchmarks only (issue #20). What the owner kinds of `usage_world13_owners` and
`usage_world13_seasons` share: an owner kind is a function of the key and the local wall clock
giving the mean requests per model role in that hour and the legitimate events behind them
(named, so a false alarm can be put beside the habit it took for theft). Day-level chance (a
powder day, a cold snap, an incident, a research job) is drawn from the key and the date alone,
so an hour's demand never depends on the order hours are built in.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache

from bench.usage_world13_roster import Key

Demand = tuple[dict[str, float], tuple[str, ...]]
Owner = Callable[[Key, datetime, str], Demand]


@lru_cache(maxsize=100_000)
def chance(key_id: str, when: date, what: str) -> float:
    """A uniform draw fixed by the key, the date and what is being decided."""
    return random.Random(f"{key_id}|{when.isoformat()}|{what}").random()


def office(hour: int, first: int = 9, last: int = 18) -> float:
    """Working hours at full strength, an hour's shoulder either side, nothing at night."""
    if first <= hour < last:
        return 0.6 if hour in (12, 13) else 1.0
    return 0.25 if hour in (first - 1, last) else 0.0


# A consumer app's day: asleep before dawn, busy in the evening.
CONSUMER = (
    0.12, 0.07, 0.04, 0.03, 0.03, 0.05, 0.15, 0.35, 0.5, 0.55, 0.6, 0.65,
    0.7, 0.65, 0.6, 0.6, 0.65, 0.75, 0.85, 0.95, 1.0, 0.9, 0.6, 0.3,
)  # fmt: skip


# A consumer app's day: asleep before dawn, busy in the evening.
CONSUMER = (
    0.12, 0.07, 0.04, 0.03, 0.03, 0.05, 0.15, 0.35, 0.5, 0.55, 0.6, 0.65,
    0.7, 0.65, 0.6, 0.6, 0.65, 0.75, 0.85, 0.95, 1.0, 0.9, 0.6, 0.3,
)  # fmt: skip


def is_weekend(at: datetime) -> bool:
    return at.weekday() >= 5
