"""How a simulated key is used: its habit (hours, models, sizes) and the expected requests per hour.

Stage: benchmarks only (issue #20's usage simulator). A `Habit` is drawn from a `Family` of
parameter ranges; the tuning family and the holdout family differ in every range, so a model tuned
on one is judged on habits it has not seen. Expected rates are per UTC hour; `bench/usage_sim.py`
turns them into counted usage and adds the thefts.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

DAY = 86_400
HOUR = 3_600

# Model names as the providers report them. A key's habitual mix is drawn from `cheap`; a thief
# switching to an expensive model picks from `expensive`, which no habit uses.
MODELS: dict[str, dict[str, tuple[str, ...]]] = {
    "openai": {
        "cheap": (
            "gpt-4o-mini-2024-07-18",
            "gpt-4.1-mini-2025-04-14",
            "gpt-4.1-nano-2025-04-14",
            "gpt-4o-2024-08-06",
            "gpt-3.5-turbo-0125",
        ),
        "expensive": ("o1-2024-12-17", "gpt-4.5-preview-2025-02-27", "o3-2025-04-16"),
    },
    "anthropic": {
        "cheap": (
            "claude-3-5-haiku-20241022",
            "claude-sonnet-4-20250514",
            "claude-3-haiku-20240307",
            "claude-3-7-sonnet-20250219",
        ),
        "expensive": ("claude-opus-4-20250514", "claude-opus-4-1-20250805"),
    },
}

KINDS = ("office", "nightly", "service", "office+nightly")


@dataclass(frozen=True, slots=True)
class Family:
    """Ranges habits are drawn from; two families with different ranges make tune and holdout."""

    name: str
    kind_weights: tuple[float, ...]  # office, nightly, service, office+nightly
    tz_offsets: tuple[int, ...]  # hours east of UTC
    office_start: tuple[int, int]  # local hour range the working day starts in
    office_length: tuple[int, int]  # hours
    rate_median: float  # requests per active hour, lognormal median
    rate_sigma: float
    tokens_per_request: tuple[float, float]  # uncached+cached input tokens, log-uniform range
    output_ratio: tuple[float, float]  # output / input tokens, log-uniform range
    noise_sigma: float  # hour-to-hour lognormal noise on the rate
    weekend: tuple[float, float]  # weekend rate factor for office keys
    growth_per_day: tuple[float, float]
    launch_probability: float
    launch_factor: tuple[float, float]
    batch_factor: tuple[float, float]  # a nightly batch hour's rate against the daytime rate
    gap_probability: float  # chance per key-day of a reporting gap of a few hours
    late_probability: float  # chance per key-day of the first seen day being late (mid-way)
    evening_probability: float  # chance per weekday of an office key working an evening hour


FAMILIES: dict[str, Family] = {
    "tune": Family(
        name="tune",
        kind_weights=(0.4, 0.2, 0.25, 0.15),
        tz_offsets=(-8, -5, 0, 1, 2),
        office_start=(8, 10),
        office_length=(8, 10),
        rate_median=120.0,
        rate_sigma=1.0,
        tokens_per_request=(300.0, 3_000.0),
        output_ratio=(0.1, 1.0),
        noise_sigma=0.25,
        weekend=(0.02, 0.15),
        growth_per_day=(0.0, 0.02),
        launch_probability=0.25,
        launch_factor=(3.0, 6.0),
        batch_factor=(3.0, 10.0),
        gap_probability=0.03,
        late_probability=0.15,
        evening_probability=0.1,
    ),
    "holdout": Family(
        name="holdout",
        kind_weights=(0.3, 0.25, 0.3, 0.15),
        tz_offsets=(-3, 3, 5, 8, 9, 10),
        office_start=(7, 11),
        office_length=(7, 12),
        rate_median=60.0,
        rate_sigma=1.3,
        tokens_per_request=(150.0, 6_000.0),
        output_ratio=(0.05, 1.6),
        noise_sigma=0.4,
        weekend=(0.0, 0.3),
        growth_per_day=(-0.01, 0.04),
        launch_probability=0.35,
        launch_factor=(4.0, 10.0),
        batch_factor=(5.0, 20.0),
        gap_probability=0.06,
        late_probability=0.25,
        evening_probability=0.2,
    ),
}


@dataclass(frozen=True, slots=True)
class Habit:
    """One key's way of working; every rate is requests per hour before noise."""

    key_id: str
    kind: str
    tz: int
    office: tuple[int, int]  # local [start, end) hours on weekdays
    batch: tuple[int, int]  # local [start, end) hours of the nightly batch
    rate: float  # requests per active daytime hour
    batch_factor: float
    service_amplitude: float
    weekend: float
    models: tuple[tuple[str, float], ...]  # habitual model mix, weights summing to 1
    tokens_per_request: float
    output_ratio: float
    cache_fraction: float  # share of input tokens served from the cache
    growth_per_day: float
    launch_day: int | None  # day index of the one big day, if any
    launch_factor: float
    first_day: int  # first day the key is used (keys appear mid-way)


def log_uniform(rng: random.Random, bounds: tuple[float, float]) -> float:
    return math.exp(rng.uniform(math.log(bounds[0]), math.log(bounds[1])))


def draw_habit(rng: random.Random, family: Family, provider: str, key_id: str, days: int) -> Habit:
    """A habit drawn from `family`'s ranges, for a key used over `days` days."""
    kind = rng.choices(KINDS, weights=family.kind_weights)[0]
    start = rng.randint(*family.office_start)
    batch_start = rng.randint(0, 4)
    cheap = MODELS[provider]["cheap"]
    picked = rng.sample(cheap, rng.choice((1, 1, 2, 2, 3)))
    weights = [rng.uniform(0.2, 1.0) for _ in picked]
    late = rng.random() < family.late_probability
    return Habit(
        key_id=key_id,
        kind=kind,
        tz=rng.choice(family.tz_offsets),
        office=(start, min(23, start + rng.randint(*family.office_length))),
        batch=(batch_start, batch_start + rng.randint(1, 3)),
        rate=family.rate_median * math.exp(rng.gauss(0.0, family.rate_sigma)),
        batch_factor=rng.uniform(*family.batch_factor),
        service_amplitude=rng.uniform(0.1, 0.6),
        weekend=rng.uniform(*family.weekend),
        models=tuple((m, w / sum(weights)) for m, w in zip(picked, weights, strict=True)),
        tokens_per_request=log_uniform(rng, family.tokens_per_request),
        output_ratio=log_uniform(rng, family.output_ratio),
        cache_fraction=rng.choice((0.0, 0.0, rng.uniform(0.1, 0.6))),
        growth_per_day=rng.uniform(*family.growth_per_day),
        launch_day=rng.randrange(days) if rng.random() < family.launch_probability else None,
        launch_factor=rng.uniform(*family.launch_factor),
        # Some late keys start inside the judged window: too new to judge, they must not alert.
        first_day=rng.randrange(days // 6, days - 2) if late else 0,
    )


def local_time(habit: Habit, t: int) -> tuple[int, int]:
    """(local hour, local weekday 0=Monday) of the UTC epoch second `t`."""
    local = t + habit.tz * HOUR
    return (local // HOUR) % 24, (local // DAY + 3) % 7  # 1970-01-01 was a Thursday


def in_span(hour: int, span: tuple[int, int]) -> bool:
    return span[0] <= hour < span[1]


def base_rate(habit: Habit, hour: int, weekday: int) -> float:
    """Expected requests in one local hour, before growth, launch days and noise."""
    weekend = weekday >= 5
    rate = 0.0
    if habit.kind in ("office", "office+nightly") and in_span(hour, habit.office):
        shoulder = 0.6 if hour in (habit.office[0], habit.office[1] - 1) else 1.0
        rate += habit.rate * shoulder * (habit.weekend if weekend else 1.0)
    if habit.kind in ("nightly", "office+nightly") and in_span(hour, habit.batch):
        rate += habit.rate * habit.batch_factor
    if habit.kind == "service":
        phase = 2 * math.pi * (hour - 14) / 24
        rate += habit.rate * (1 + habit.service_amplitude * math.cos(phase))
        rate *= 0.7 if weekend else 1.0
    return rate


def is_never_hour(habit: Habit, hour: int) -> bool:
    """True for a local hour the key never works in on any day (a thief's quiet time)."""
    return all(base_rate(habit, hour, weekday) == 0.0 for weekday in range(7)) and not (
        habit.kind in ("office", "office+nightly")
        and hour in range(habit.office[1] - 1, habit.office[1] + 4)
    )


def typical_rate(habit: Habit) -> float:
    """Mean expected requests over the hours of a week the key works: the size thefts scale by."""
    rates = [base_rate(habit, h, d) for d in range(7) for h in range(24)]
    active = [r for r in rates if r > 0]
    return sum(active) / len(active)
