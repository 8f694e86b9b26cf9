"""A small generator of one key's hourly usage for the model's tests: habits and thefts.

Deterministic (seeded), hourly `UsageRecord`s from an owner's habit, plus what a thief adds.
The benchmark's simulator (bench/usage_sim.py) is the model's measure; this one stays small so
each test reads as the habit or theft it names.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from leakward.usage.records import UsageRecord

HOUR = 3600
DAY = 86400
# 2026-09-07 00:00 UTC, a Monday: day 0 of every test history.
MONDAY = 1_788_739_200


@dataclass(frozen=True, slots=True)
class Habit:
    """How an owner uses a key: requests by hour of day, on which weekdays, on which model."""

    key_id: str = "key_TestOfficeHours01"
    provider: str = "openai"
    hours: tuple[int, ...] = tuple(range(9, 18))
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    requests: float = 120.0  # per working hour
    model: str = "gpt-4o-mini-2024-07-18"
    prompt_per_request: float = 900.0
    output_ratio: float = 0.25
    growth_per_day: float = 0.0
    batch_hours: tuple[int, ...] = ()  # nightly job hours, every day
    batch_factor: float = 6.0
    launch_day: int | None = None  # a day with launch_factor times the usual requests
    launch_factor: float = 5.0
    weekend_share: float = 0.0  # of a weekday's requests, on weekend days, at the usual hours
    cached_share: float = 0.2  # of the owner's input read from the prompt cache
    cache_wobble: float = 0.0  # lognormal sigma of that share from hour to hour
    # Lognormal sigma of the output ratio from hour to hour however many requests the hour has:
    # the hour's mix of tasks (long answers one hour, short ones the next), not sampling noise.
    ratio_wobble: float = 0.0


Extra = Callable[[int], tuple[str, float, float, float, float | None] | None]
"""A thief: hour start -> (model, requests, prompt per request, output ratio, cached share of
its input, None for the owner's) or None."""


def usage(
    habit: Habit, days: Iterable[int], *, seed: int = 1, extra: Extra | None = None
) -> list[UsageRecord]:
    """Hourly records of `habit` on `days` (day 0 is MONDAY), with `extra`'s use added."""
    rng = random.Random(f"{habit.key_id}:{seed}")
    records: list[UsageRecord] = []
    for day in days:
        for hour in range(24):
            start = MONDAY + day * DAY + hour * HOUR
            owner = _owner_requests(habit, day, hour) * math.exp(rng.gauss(0.0, 0.2))
            share = habit.cached_share
            mix = math.exp(rng.gauss(0.0, habit.ratio_wobble)) if habit.ratio_wobble else 1.0
            if habit.cache_wobble:
                share *= math.exp(rng.gauss(0.0, habit.cache_wobble))
            owner_ratio = habit.output_ratio * mix
            used = [(habit.model, owner, habit.prompt_per_request, owner_ratio, share)]
            thief = extra(start) if extra else None
            if thief is not None:
                model, requests, per_request, ratio, cached = thief
                used.append(
                    (model, requests, per_request, ratio, share if cached is None else cached)
                )
            by_model: dict[str, list[float]] = {}
            for model, requests, per_request, ratio, cached_share in used:
                n = round(requests)
                if n <= 0:
                    continue
                prompt = n * per_request * math.exp(rng.gauss(0.0, 0.3 / math.sqrt(n)))
                output = prompt * ratio * math.exp(rng.gauss(0.0, 0.2 / math.sqrt(n)))
                total = by_model.setdefault(model, [0.0, 0.0, 0.0, 0.0])
                total[0] += n
                total[1] += prompt
                total[2] += output
                total[3] += prompt * cached_share
            for model, (count, prompt, output, cached_tokens) in by_model.items():
                cached = round(cached_tokens)
                records.append(
                    UsageRecord(
                        habit.provider,
                        habit.key_id,
                        start,
                        start + HOUR,
                        model,
                        round(count),
                        round(prompt) - cached,
                        round(output),
                        cached,
                    )
                )
    if habit.provider == "anthropic":
        records = [replace(r, requests=None) for r in records]
    return records


def _owner_requests(habit: Habit, day: int, hour: int) -> float:
    weekday = day % 7
    rate = 0.0
    if hour in habit.hours:
        rate = habit.requests * (1.0 if weekday in habit.weekdays else habit.weekend_share)
    if hour in habit.batch_hours:
        rate += habit.requests * habit.batch_factor
    if day == habit.launch_day:
        rate *= habit.launch_factor
    return rate * (1 + habit.growth_per_day) ** day


def at(day: int, hour: int) -> int:
    """Epoch seconds of `hour`:00 UTC on test day `day`."""
    return MONDAY + day * DAY + hour * HOUR


def thief(
    start: int,
    hours: int,
    *,
    model: str,
    requests: float,
    prompt_per_request: float = 900.0,
    output_ratio: float = 0.25,
    cached_share: float | None = None,
) -> Extra:
    """A thief working `hours` hours from `start`, every hour (its input cached as the owner's
    unless `cached_share` says otherwise)."""

    def extra(t: int) -> tuple[str, float, float, float, float | None] | None:
        if start <= t < start + hours * HOUR:
            return model, requests, prompt_per_request, output_ratio, cached_share
        return None

    return extra


def split(records: list[UsageRecord], day: int) -> tuple[list[UsageRecord], list[UsageRecord]]:
    """(history before test day `day`, records from it on)."""
    cut = MONDAY + day * DAY
    return [r for r in records if r.start < cut], [r for r in records if r.start >= cut]


ANTHROPIC_OFFICE = Habit(
    key_id="apikey_01TestOfficeHoursKey01",
    provider="anthropic",
    model="claude-3-5-haiku-20241022",
)
