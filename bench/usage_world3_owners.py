"""World 3's owners: regions, models, services sharing a key, and the hourly usage they make.

Stage: benchmark (usage watch). Part of the independent world of `usage_world3.py`, whose
docstring gives the assumptions and their sources.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime

HOUR = 3600
START = 1785715200  # Monday 2026-08-03 00:00 UTC
DAYS = 42
JUDGED_DAYS = 14
PROVIDERS = ("openai", "anthropic")
# requests, uncached input, cache reads, cache writes, output tokens
Counts = tuple[int, int, int, int, int]


@dataclass(frozen=True, slots=True)
class Region:
    tz: float  # UTC offset in August, hours
    holidays: tuple[int, ...]  # day indices from START
    august: float  # office volume in August (summer leave), days 0-28


REGIONS = {
    "us_east": Region(-4, (35,), 0.95),  # Labor Day, 2026-09-07
    "us_west": Region(-7, (35,), 0.95),
    "uk": Region(1, (28,), 0.8),  # summer bank holiday, 2026-08-31
    "de": Region(2, (), 0.7),
    "jp": Region(9, (8,), 0.9),  # Mountain Day, 2026-08-11
    "in": Region(5.5, (12,), 1.0),  # Independence Day, 2026-08-15
}

# Per provider: the models owners use, successors they migrate to, and the dear models thieves
# prefer. Output factor: reasoning models write several times more output per request.
MODELS = {
    "openai": {
        "everyday": ("gpt-4o-mini-2024-07-18", "gpt-4.1-mini-2025-04-14", "gpt-4o-2024-08-06"),
        "capable": ("gpt-4o-2024-08-06", "gpt-4.1-2025-04-14", "o4-mini-2025-04-16"),
        "successor": {
            "gpt-4o-mini-2024-07-18": "gpt-4.1-mini-2025-04-14",
            "gpt-4.1-mini-2025-04-14": "gpt-5-mini-2025-08-07",
            "gpt-4o-2024-08-06": "gpt-5-2025-08-07",
            "gpt-4.1-2025-04-14": "gpt-5-2025-08-07",
        },
        "dear": ("o1-pro-2025-03-19", "gpt-4.5-preview-2025-02-27", "o3-pro-2025-06-10"),
    },
    "anthropic": {
        "everyday": ("claude-3-5-haiku-20241022", "claude-haiku-4-5-20251001"),
        "capable": ("claude-sonnet-4-20250514", "claude-3-7-sonnet-20250219"),
        "successor": {
            "claude-3-5-haiku-20241022": "claude-haiku-4-5-20251001",
            "claude-sonnet-4-20250514": "claude-sonnet-4-5-20250929",
            "claude-3-7-sonnet-20250219": "claude-sonnet-4-5-20250929",
        },
        "dear": ("claude-opus-4-1-20250805", "claude-3-opus-20240229", "claude-opus-4-20250514"),
    },
}
REASONING = ("o1", "o3", "o4")

OFFICE = (0, 0, 0, 0, 0, 0, 0.01, 0.05, 0.35, 0.8, 1, 1, 0.7, 0.85, 1, 0.95, 0.8, 0.5, 0.2, 0.1)
OFFICE_CURVE = (*OFFICE, 0.06, 0.04, 0.02, 0.01)
CONSUMER_CURVE = (0.45, 0.32, 0.22, 0.17, 0.15, 0.17, 0.25, 0.4, 0.55, 0.62, 0.66, 0.7)
CONSUMER_CURVE += (0.75, 0.72, 0.7, 0.72, 0.76, 0.82, 0.9, 0.97, 1, 0.95, 0.8, 0.6)


@dataclass(frozen=True, slots=True)
class Service:
    """One workload on a key: when it runs, how much, and what its requests look like."""

    habit: str  # office | consumer | batch | cron | dev | agent
    per_hour: float  # mean requests in its busiest hour
    in_median: float  # median input tokens per request (log-normal)
    in_sigma: float
    out_ratio: float  # output tokens per input token
    cache_share: float  # share of input read from the prompt cache
    models: tuple[tuple[str, float], ...]
    batch_hour: int = 2  # local start of a batch window
    batch_len: int = 2
    weekdays_only: bool = False


@dataclass(frozen=True, slots=True)
class Key:
    key_id: str
    archetype: str
    region: str
    services: tuple[Service, ...]
    growth: float  # per day, multiplicative
    launch_day: int | None = None
    migration: tuple[int, int] | None = None  # (first day, days it takes)
    last_day: int | None = None  # an idle key's owner stopped using it after this day
    spikes: tuple[tuple[int, float], ...] = ()  # (hour index, multiplier)


def _service(rng: random.Random, provider: str, habit: str) -> Service:
    catalogue = MODELS[provider]
    pool = catalogue["capable"] if habit in ("agent", "batch") else catalogue["everyday"]
    names = rng.sample(list(pool), k=rng.choice((1, 1, 2)))
    weights = [rng.uniform(0.3, 1.0) for _ in names]
    models = tuple((n, w / sum(weights)) for n, w in zip(names, weights, strict=True))
    # habit: (median busiest-hour requests, input median range, sigma, output ratio, cache)
    shape = {
        "office": (120, (600, 3000), 1.0, (0.15, 0.5), (0.0, 0.4)),
        "consumer": (300, (300, 1200), 1.0, (0.3, 1.0), (0.0, 0.3)),
        "batch": (400, (2000, 6000), 0.8, (0.1, 0.3), (0.2, 0.6)),
        "cron": (10, (500, 2000), 0.3, (0.05, 0.2), (0.0, 0.7)),
        "dev": (15, (500, 4000), 1.4, (0.2, 0.8), (0.0, 0.2)),
        "agent": (60, (4000, 15000), 1.2, (0.05, 0.2), (0.5, 0.85)),
    }[habit]
    median, (lo, hi), sigma, (r_lo, r_hi), (c_lo, c_hi) = shape
    return Service(
        habit=habit,
        per_hour=median * math.exp(rng.gauss(0, 0.9)),
        in_median=rng.uniform(lo, hi),
        in_sigma=sigma,
        out_ratio=rng.uniform(r_lo, r_hi),
        cache_share=rng.uniform(c_lo, c_hi),
        models=models,
        batch_hour=rng.randint(0, 4),
        batch_len=rng.randint(1, 4),
        weekdays_only=rng.random() < 0.5,
    )


ARCHETYPES = (
    ("office", ("office",), 0.18),
    ("consumer", ("consumer",), 0.13),
    ("batch", ("batch",), 0.1),
    ("cron", ("cron",), 0.07),
    ("dev", ("dev",), 0.12),
    ("agent", ("agent",), 0.1),
    ("shared_office", ("office", "batch", "cron"), 0.1),
    ("shared_app", ("consumer", "batch"), 0.08),
    ("idle", ("dev",), 0.12),
)


def make_keys(rng: random.Random, provider: str, count: int) -> tuple[Key, ...]:
    keys = []
    for _ in range(count):
        name, habits, _ = rng.choices(ARCHETYPES, weights=[a[2] for a in ARCHETYPES])[0]
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        tail = "".join(rng.choice(alphabet) for _ in range(16 if provider == "openai" else 22))
        spikes = tuple(
            (day * 24 + rng.randint(0, 23), rng.uniform(3, 8))
            for day in range(DAYS)
            if rng.random() < 0.03
        )
        is_launch = name in ("office", "consumer", "agent", "shared_app") and rng.random() < 0.25
        keys.append(
            Key(
                key_id=("key_" if provider == "openai" else "apikey_01") + tail,
                archetype=name,
                region=rng.choice(list(REGIONS)),
                services=tuple(_service(rng, provider, h) for h in habits),
                growth=rng.uniform(-0.003, 0.02),
                launch_day=rng.randint(3, DAYS - 1) if is_launch else None,
                migration=(rng.randint(0, DAYS - 2), rng.randint(2, 8))
                if rng.random() < 0.5
                else None,
                last_day=rng.choice((-1, rng.randint(0, 10))) if name == "idle" else None,
                spikes=spikes,
            )
        )
    return tuple(keys)


def _day_factor(key: Key, service: Service, day: int, weekday: int) -> float:
    region = REGIONS[key.region]
    weekend = weekday >= 5
    if key.last_day is not None and day > key.last_day:
        return 0.0
    factor = math.exp(key.growth * day)
    if key.launch_day is not None and day >= key.launch_day:
        factor *= {0: 4.0, 1: 2.5}.get(day - key.launch_day, 1.6)
    if service.habit in ("office", "dev", "agent"):
        if weekend or day in region.holidays:
            factor *= 0.04
        if day <= 28:
            factor *= region.august
    elif service.habit == "consumer":
        factor *= 1.15 if weekend or day in region.holidays else 1.0
    elif service.habit == "batch" and service.weekdays_only and weekend:
        return 0.0
    return factor


def _hour_shape(service: Service, local_hour: int) -> float:
    if service.habit in ("office", "dev", "agent"):
        return OFFICE_CURVE[local_hour]
    if service.habit == "consumer":
        return CONSUMER_CURVE[local_hour]
    if service.habit == "batch":
        return 1.0 if (local_hour - service.batch_hour) % 24 < service.batch_len else 0.0
    return 1.0  # cron


def model_mix(key: Key, service: Service, provider: str, day: float) -> list[tuple[str, float]]:
    """The service's models on `day`: a migration moves weight to each successor gradually."""
    if key.migration is None:
        return list(service.models)
    first, length = key.migration
    moved = min(1.0, max(0.0, (day - first) / length))
    successor = MODELS[provider]["successor"]
    mix: dict[str, float] = {}
    for model, weight in service.models:
        new = successor.get(model)
        if new is None:
            mix[model] = mix.get(model, 0.0) + weight
            continue
        mix[model] = mix.get(model, 0.0) + weight * (1 - moved)
        mix[new] = mix.get(new, 0.0) + weight * moved
    return [(m, w) for m, w in mix.items() if w > 0]


def poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def split(rng: random.Random, n: int, mix: list[tuple[str, float]]) -> list[tuple[str, int]]:
    """n requests shared among models by weight (a multinomial draw)."""
    out, left, weight_left = [], n, sum(w for _, w in mix)
    for index, (model, weight) in enumerate(mix):
        if index == len(mix) - 1:
            share = left
        elif left < 50:
            share = sum(rng.random() < weight / weight_left for _ in range(left))
        else:
            p = weight / weight_left
            share = min(left, max(0, round(rng.gauss(left * p, math.sqrt(left * p * (1 - p))))))
        if share:
            out.append((model, share))
        left, weight_left = left - share, weight_left - weight
    return out


def _input_total(rng: random.Random, n: int, median: float, sigma: float) -> float:
    """Input tokens of n requests whose sizes are log-normal: summed one by one while few, so
    one huge prompt shows; by the central limit once many."""
    if n <= 40:
        return sum(rng.lognormvariate(math.log(median), sigma) for _ in range(n))
    mean = median * math.exp(sigma**2 / 2)
    spread = math.sqrt(math.exp(sigma**2) - 1) / math.sqrt(n)
    return n * mean * max(0.2, 1 + rng.gauss(0, spread))


def add_requests(
    rng: random.Random,
    into: dict[tuple[str, int, str], list[int]],
    where: tuple[str, int],
    model: str,
    n: int,
    service: Service,
) -> None:
    """Add n requests of `service`'s kind to one key-hour-model cell."""
    total = _input_total(rng, n, service.in_median, service.in_sigma)
    reasoning = 3.0 if model.startswith(REASONING) else 1.0
    output = total * service.out_ratio * reasoning * math.exp(rng.gauss(0, 0.2))
    cached = total * min(0.95, max(0.0, service.cache_share + rng.gauss(0, 0.05)))
    writes = cached * rng.uniform(0.05, 0.2) if model.startswith("claude") else 0.0
    cell = into.setdefault((where[0], where[1], model), [0, 0, 0, 0, 0])
    for slot, value in enumerate((n, total - cached, cached - writes, writes, output)):
        cell[slot] += round(value)


def owner_usage(
    key: Key, provider: str, rng: random.Random, days: int = DAYS
) -> dict[tuple[str, int, str], list[int]]:
    usage: dict[tuple[str, int, str], list[int]] = {}
    spikes = dict(key.spikes)
    tz = REGIONS[key.region].tz
    for service in key.services:
        for day in range(days):
            # a developer tests on some days only; the others are silent
            if service.habit == "dev" and rng.random() > 0.35:
                continue
            for hour in range(day * 24, day * 24 + 24):
                local = START + hour * HOUR + round(tz * HOUR)
                stamp = datetime.fromtimestamp(local, UTC)
                day_factor = _day_factor(key, service, day, stamp.weekday())
                shape = _hour_shape(service, stamp.hour)
                if day_factor == 0 or shape == 0:
                    continue
                noise = rng.gammavariate(10, 0.1)  # hour-to-hour wobble beyond Poisson
                mean = service.per_hour * shape * day_factor * noise * spikes.get(hour, 1.0)
                n = poisson(rng, mean)
                mix = model_mix(key, service, provider, hour / 24)
                for model, share in split(rng, n, mix) if n else ():
                    add_requests(rng, usage, (key.key_id, hour), model, share, service)
    return usage
