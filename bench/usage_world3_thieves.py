"""World 3's thieves: nine kinds of stolen-key use, sized against the key's typical hour.

Stage: benchmark (usage watch). Part of the independent world of `usage_world3.py`, whose
docstring gives the assumptions and their sources.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bench.usage_world3_owners import (
    CONSUMER_CURVE,
    JUDGED_DAYS,
    MODELS,
    REASONING,
    REGIONS,
    Key,
    Service,
    add_requests,
    model_mix,
    poisson,
    split,
)


@dataclass(frozen=True, slots=True)
class Habit:
    """What the thief may know of a key's past (used only to place and size thefts)."""

    key: Key
    typical: float  # mean tokens in an hour the key was used, history days only
    used: frozenset[int]  # hours of the week (UTC, Monday 00:00 = 0) the key ever worked
    hours: int  # hours in the world


Active = Iterator[tuple[int, float]]  # (hour index, intensity 0-1)


def _ramp(rng: random.Random, h0: int, habit: Habit) -> Active:
    for t in range(rng.randint(48, 96)):
        yield h0 + t, min(1.0, 0.05 * 20 ** (t / 24))  # 5% of full volume, full after a day


def _night(rng: random.Random, h0: int, habit: Habit) -> Active:
    tz = REGIONS[habit.key.region].tz
    for h in range(h0, h0 + 24 * rng.randint(3, 5)):
        if (h + round(tz)) % 24 < 6:
            yield h, 1.0


def _thief_office(rng: random.Random, h0: int, habit: Habit) -> Active:
    tz = REGIONS[rng.choice(list(REGIONS))].tz  # the thief's own working day
    for h in range(h0, h0 + 24 * rng.randint(3, 5)):
        if 9 <= (h + round(tz)) % 24 < 18:
            yield h, 1.0


def _flood(rng: random.Random, h0: int, habit: Habit) -> Active:
    for h in range(h0, h0 + rng.randint(2, 8)):
        yield h, 1.0


def _off_hours(rng: random.Random, h0: int, habit: Habit) -> Active:
    for h in range(h0, h0 + 24 * rng.randint(4, 6)):
        if h % 168 not in habit.used:
            yield h, 1.0


def _owner_hours(rng: random.Random, h0: int, habit: Habit) -> Active:
    for h in range(h0, h0 + 24 * rng.randint(4, 6)):
        if h % 168 in habit.used:
            yield h, 1.0


def _around_clock(rng: random.Random, h0: int, habit: Habit) -> Active:
    for h in range(h0, h0 + 24 * rng.randint(2, 5)):
        yield h, 0.6 + 0.4 * CONSUMER_CURVE[h % 24]  # a proxy's users, many time zones


def _stop_resume(rng: random.Random, h0: int, habit: Habit) -> Active:
    h = h0
    for _ in range(rng.randint(4, 6)):
        length = rng.randint(1, 3)
        yield from ((h + t, 1.0) for t in range(length))
        h += length + rng.randint(6, 30)


@dataclass(frozen=True, slots=True)
class Thief:
    sizes: tuple[float, float, float]  # tokens per active hour, × the key's typical hour
    needs: str | None  # "quiet": hours the key never worked; "owner": a habit to copy
    hours: Callable[[random.Random, int, Habit], Active]
    profile: str  # what its requests look like: see _thief_service


THIEVES = {
    "ramp": Thief((0.3, 1, 4), None, _ramp, "resale"),
    "night": Thief((0.3, 1, 4), "quiet", _night, "resale"),
    "dearer_model": Thief((0.1, 0.3, 1), None, _thief_office, "dear"),
    "flood": Thief((10, 30, 100), None, _flood, "cheap"),
    "offhours_modest": Thief((0.05, 0.15, 0.5), "quiet", _off_hours, "resale"),
    "mimic": Thief((0.3, 1, 3), "owner", _owner_hours, "owner"),
    "cached_proxy": Thief((0.3, 1, 4), None, _around_clock, "cached"),
    "stop_resume": Thief((0.5, 2, 8), None, _stop_resume, "resale"),
    "big_prompts": Thief((0.3, 1, 4), "owner", _around_clock, "big"),
}
SIZES = ("small", "medium", "large")


def thief_service(rng: random.Random, profile: str, habit: Habit, provider: str) -> Service:
    catalogue = MODELS[provider]
    owner = habit.key.services[0]
    if profile in ("owner", "big"):
        mix = tuple(model_mix(habit.key, owner, provider, habit.hours / 24))
        median = owner.in_median * (20 if profile == "big" else 1)
        return Service("thief", 0, median, owner.in_sigma, owner.out_ratio, owner.cache_share, mix)
    model = {
        "dear": rng.choice(catalogue["dear"]),
        "cheap": catalogue["everyday"][0],
    }.get(profile, rng.choice(catalogue["capable"] + catalogue["everyday"]))
    cache = 0.9 if profile == "cached" else 0.05
    median = 6000 if profile == "cached" else 1500
    return Service("thief", 0, median, 1.0, 0.4, cache, ((model, 1.0),))


def habit_of(key: Key, usage: dict[tuple[str, int, str], list[int]], hours: int) -> Habit:
    history = hours - JUDGED_DAYS * 24
    per_hour: dict[int, int] = {}
    for (key_id, hour, _), cell in usage.items():
        if key_id == key.key_id and hour < history:
            per_hour[hour] = per_hour.get(hour, 0) + sum(cell[1:])
    active = [v for v in per_hour.values() if v > 0]
    typical = sum(active) / len(active) if active else 30_000.0  # an unused key: a nominal hour
    used = frozenset(h % 168 for h, v in per_hour.items() if v > 0)
    return Habit(key, typical, used, hours)


def fits(thief: Thief, habit: Habit) -> bool:
    if thief.needs == "quiet":
        return len(habit.used) <= 168 - 24
    if thief.needs == "owner":
        return len(habit.used) >= 24
    return True


Cells = dict[tuple[str, int, str], list[int]]


def inject(rng: random.Random, kind: str, size: int, habit: Habit, provider: str) -> Cells:
    """The cells of one theft on the key, starting on a random hour of the judged days."""
    thief = THIEVES[kind]
    service = thief_service(rng, thief.profile, habit, provider)
    volume = thief.sizes[size]
    reasoning = 3.0 if service.models[0][0].startswith(REASONING) else 1.0
    spread = math.exp(service.in_sigma**2 / 2)
    per_request = service.in_median * spread * (1 + service.out_ratio * reasoning)
    h0 = rng.randint(habit.hours - JUDGED_DAYS * 24, habit.hours - 36)
    cells: Cells = {}
    for hour, intensity in thief.hours(rng, h0, habit):
        if hour >= habit.hours:
            break
        # a thief at work sends at least one request in the hour
        n = max(1, poisson(rng, volume * habit.typical * intensity / per_request))
        for model, share in split(rng, n, list(service.models)):
            add_requests(rng, cells, (habit.key.key_id, hour), model, share, service)
    return cells
