"""World 3: an independent test world of per-key AI API usage, with labelled thefts.

Stage: benchmark (usage watch). Built without reading the usage model or the other two worlds,
so that the model is scored on data it was not tuned on. A key's owner is one or more *services*
sharing it; each service has a habit (office hours in its time zone, a nightly batch, a consumer
app's day curve, an hourly cron, a developer's sporadic tests, a cache-heavy agent), and the
key's volume moves with growth, a launch, one-off spikes, holidays and a gradual model
migration. Thieves add usage of nine kinds (`THIEVES`) in three sizes, relative to the key's
typical active hour. Pages are written as the Admin APIs return them, one hour per bucket.

Assumptions and where they come from (public material; figures are our own round choices):
- Page shapes: OpenAI `GET /v1/organization/usage/completions` (openai/openai-openapi,
  `UsageResponse`; `input_tokens` includes cached tokens; `limit` at most 168 one-hour buckets
  per page) and Anthropic `GET /v1/organizations/usage_report/messages` (Admin API reference:
  RFC 3339 bucket times, `cache_creation` split by 5 min / 1 h, no request counts); both trimmed
  in tests/contracts/specs/. Usage by no key (the playground, the console) appears with a null
  `api_key_id`, as both references allow.
- Request sizes are heavy-tailed: log-normal input sizes with sigma 0.8-1.4 (chat turns of a few
  hundred tokens, RAG and agent prompts of thousands; OpenAI and Anthropic cookbooks show both).
- Prompt caching: RAG and agent services reuse long prefixes, so 40-85% of their input is cache
  reads (OpenAI's and Anthropic's prompt-caching guides: caching applies to repeated prefixes of
  1024+ tokens); chat services cache little.
- Office use follows local business hours with a lunch dip, near nothing at night and weekends,
  lower in European August and on public holidays (US Labor Day, UK bank holiday, Japan's
  Mountain Day, India's Independence Day fall inside the 42 days from 2026-08-03).
- Consumer apps have an evening peak and a trough near 04:00 local at ~15% of the peak.
- Model migrations take days: traffic moves from the old model to its successor over 2-8 days
  (providers publish deprecation schedules; teams roll out behind flags).
- Stolen AI keys are burnt for compute ("LLMjacking", named by Sysdig's threat research team in
  May 2024; sysdig.com/blog/strengthen-llms-with-sysdig and its LLMjacking posts): access resold
  through reverse proxies (many users, round the clock), a taste for the dearest models, quick
  moves to new models, costs up to tens of thousands of dollars a day. Honeypot studies cited in
  issue 20: first use within minutes of exposure. Thieves here: ramp, night, dearer model, flood,
  modest volume at never-used hours, owner mimicry, cache-heavy proxies, stop-and-resume,
  oversized prompts.

Limits: one-hour buckets only; one owner region per key; thieves act alone on a key; sizes are
relative to the key's mean active hour, so on a key whose hours vary a lot a "large" theft may
hide; a key never used in the 42 days looks, from its pages alone, like a key just created.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HOUR = 3600
START = 1785715200  # Monday 2026-08-03 00:00 UTC
DAYS = 42
JUDGED_DAYS = 14
PAGE_LIMIT = 168  # the most one-hour buckets either API returns in one page
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


@dataclass(frozen=True, slots=True)
class Theft:
    key_id: str
    kind: str
    size: str  # small | medium | large
    onset: int  # epoch seconds: first bucket with the thief's usage
    end: int  # epoch seconds: end of the thief's last bucket
    volume: float  # tokens per active hour, × the key's typical active hour


@dataclass(frozen=True, slots=True)
class World:
    provider: str
    seed: int
    keys: tuple[Key, ...]
    thefts: tuple[Theft, ...]
    usage: dict[tuple[str, int, str], Counts] = field(hash=False)  # (key, hour, model)
    theft_usage: dict[tuple[str, int, str], Counts] = field(hash=False)
    days: int = DAYS

    @property
    def judged_start(self) -> int:
        return START + (self.days - JUDGED_DAYS) * 24 * HOUR


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


def _mix(key: Key, service: Service, provider: str, day: float) -> list[tuple[str, float]]:
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


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _split(rng: random.Random, n: int, mix: list[tuple[str, float]]) -> list[tuple[str, int]]:
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
                n = _poisson(rng, mean)
                mix = _mix(key, service, provider, hour / 24)
                for model, share in _split(rng, n, mix) if n else ():
                    add_requests(rng, usage, (key.key_id, hour), model, share, service)
    return usage


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


def _thief_service(rng: random.Random, profile: str, habit: Habit, provider: str) -> Service:
    catalogue = MODELS[provider]
    owner = habit.key.services[0]
    if profile in ("owner", "big"):
        mix = tuple(_mix(habit.key, owner, provider, habit.hours / 24))
        median = owner.in_median * (20 if profile == "big" else 1)
        return Service("thief", 0, median, owner.in_sigma, owner.out_ratio, owner.cache_share, mix)
    model = {
        "dear": rng.choice(catalogue["dear"]),
        "cheap": catalogue["everyday"][0],
    }.get(profile, rng.choice(catalogue["capable"] + catalogue["everyday"]))
    cache = 0.9 if profile == "cached" else 0.05
    median = 6000 if profile == "cached" else 1500
    return Service("thief", 0, median, 1.0, 0.4, cache, ((model, 1.0),))


def _habit(key: Key, usage: dict[tuple[str, int, str], list[int]], hours: int) -> Habit:
    history = hours - JUDGED_DAYS * 24
    per_hour: dict[int, int] = {}
    for (key_id, hour, _), cell in usage.items():
        if key_id == key.key_id and hour < history:
            per_hour[hour] = per_hour.get(hour, 0) + sum(cell[1:])
    active = [v for v in per_hour.values() if v > 0]
    typical = sum(active) / len(active) if active else 30_000.0  # an unused key: a nominal hour
    used = frozenset(h % 168 for h, v in per_hour.items() if v > 0)
    return Habit(key, typical, used, hours)


def _fits(thief: Thief, habit: Habit) -> bool:
    if thief.needs == "quiet":
        return len(habit.used) <= 168 - 24
    if thief.needs == "owner":
        return len(habit.used) >= 24
    return True


Cells = dict[tuple[str, int, str], list[int]]


def _inject(rng: random.Random, kind: str, size: int, habit: Habit, provider: str) -> Cells:
    """The cells of one theft on the key, starting on a random hour of the judged days."""
    thief = THIEVES[kind]
    service = _thief_service(rng, thief.profile, habit, provider)
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
        n = max(1, _poisson(rng, volume * habit.typical * intensity / per_request))
        for model, share in _split(rng, n, list(service.models)):
            add_requests(rng, cells, (habit.key.key_id, hour), model, share, service)
    return cells


def build_world(
    provider: str, seed: int, *, keys: int = 80, per_kind: int = 6, is_robbed: bool = True
) -> World:
    """The world of one provider and seed. Owners' usage does not depend on `is_robbed`: each key
    and each theft draws from its own random stream."""
    plan = random.Random(f"world3/{provider}/{seed}/plan")
    key_list = make_keys(plan, provider, keys)
    hours = DAYS * 24
    owner: dict[str, Cells] = {
        key.key_id: owner_usage(key, provider, random.Random(f"world3/{provider}/{seed}/{i}"))
        for i, key in enumerate(key_list)
    }
    habits = {key.key_id: _habit(key, owner[key.key_id], hours) for key in key_list}
    stolen: Cells = {}
    thefts: list[Theft] = []
    pool = [key for key in key_list if is_robbed]
    plan.shuffle(pool)
    for kind, thief in THIEVES.items():
        for j in range(per_kind):
            key = next((k for k in pool if _fits(thief, habits[k.key_id])), None)
            if key is None:
                break
            rng = random.Random(f"world3/{provider}/{seed}/{kind}/{j}")
            for _ in range(10):  # a start whose hours the thief never works is drawn again
                cells = _inject(rng, kind, j % 3, habits[key.key_id], provider)
                first = min((h for _, h, _ in cells), default=hours)
                if first <= hours - 7:
                    break
            if first > hours - 7:
                continue
            pool.remove(key)
            stolen.update(cells)
            last = max(h for _, h, _ in cells)
            onset, end = START + first * HOUR, START + (last + 1) * HOUR
            thefts.append(Theft(key.key_id, kind, SIZES[j % 3], onset, end, thief.sizes[j % 3]))
    usage: dict[tuple[str, int, str], list[int]] = {}
    for cells in (*owner.values(), stolen):
        for where, cell in cells.items():
            usage[where] = [a + b for a, b in zip(usage.get(where, [0] * 5), cell, strict=True)]
    freeze = {where: _counts(cell) for where, cell in usage.items()}
    return World(
        provider, seed, key_list, tuple(thefts), freeze, {w: _counts(c) for w, c in stolen.items()}
    )


def _counts(cell: list[int]) -> Counts:
    return (cell[0], cell[1], cell[2], cell[3], cell[4])


def iso(moment: int) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _result(provider: str, key_id: str | None, model: str, counts: Counts) -> dict[str, object]:
    requests, uncached, reads, writes, output = counts
    if provider == "openai":
        return {
            "object": "organization.usage.completions.result",
            "input_tokens": uncached + reads + writes,
            "output_tokens": output,
            "input_cached_tokens": reads,
            "input_audio_tokens": 0,
            "output_audio_tokens": 0,
            "num_model_requests": requests,
            "project_id": None,
            "user_id": None,
            "api_key_id": key_id,
            "model": model,
            "batch": None,
            "service_tier": None,
        }
    # some owners write to the one-hour cache, most to the five-minute one
    is_long = key_id is not None and sum(map(ord, key_id)) % 3 == 0
    return {
        "uncached_input_tokens": uncached,
        "cache_creation": {
            "ephemeral_1h_input_tokens": writes if is_long else 0,
            "ephemeral_5m_input_tokens": 0 if is_long else writes,
        },
        "cache_read_input_tokens": reads,
        "output_tokens": output,
        "server_tool_use": {"web_search_requests": 0},
        "api_key_id": key_id,
        "workspace_id": None,
        "model": model,
        "service_tier": "standard",
        "context_window": None,
    }


def _bucket(provider: str, hour: int, rows: list[tuple[str | None, str, Counts]]) -> object:
    start = START + hour * HOUR
    results = [_result(provider, key_id, model, counts) for key_id, model, counts in rows]
    if provider == "openai":
        return {
            "object": "bucket",
            "start_time": start,
            "end_time": start + HOUR,
            "results": results,
        }
    return {"starting_at": iso(start), "ending_at": iso(start + HOUR), "results": results}


def pages(world: World) -> list[dict[str, object]]:
    """The world as the provider's API pages it: one-hour buckets, 168 to a page, every bucket
    present even when empty, and now and then a row of usage by no key (the playground)."""
    by_hour: dict[int, list[tuple[str | None, str, Counts]]] = {}
    for (key_id, hour, model), counts in sorted(world.usage.items()):
        by_hour.setdefault(hour, []).append((key_id, model, counts))
    rng = random.Random(f"world3/{world.provider}/{world.seed}/pages")
    console = MODELS[world.provider]["everyday"][0]
    hours = world.days * 24
    out: list[dict[str, object]] = []
    for first in range(0, hours, PAGE_LIMIT):
        buckets = []
        for hour in range(first, min(hours, first + PAGE_LIMIT)):
            rows = list(by_hour.get(hour, []))
            if rng.random() < 0.05:
                rows.append((None, console, (1, rng.randint(50, 2000), 0, 0, rng.randint(10, 800))))
            buckets.append(_bucket(world.provider, hour, rows))
        more = first + PAGE_LIMIT < hours
        page: dict[str, object] = {"object": "page"} if world.provider == "openai" else {}
        page |= {"data": buckets, "has_more": more}
        page["next_page"] = f"page_{world.seed:04d}_{first + PAGE_LIMIT:06d}" if more else None
        out.append(page)
    return out


def summarize(world: World) -> list[str]:
    """Habits and thefts in figures, to check the world is sane without asking any model."""
    history = (world.days - JUDGED_DAYS) * 24
    lines = ["archetype      keys  active_h  tok/active_h  weekend/weekday  local_night  cached"]
    by_type: dict[str, list[Key]] = {}
    for key in world.keys:
        by_type.setdefault(key.archetype, []).append(key)
    tokens: dict[tuple[str, int], int] = {}
    cached: dict[str, list[int]] = {}
    for (key_id, hour, _), counts in world.usage.items():
        if hour < history and (key_id, hour, _) not in world.theft_usage:
            tokens[key_id, hour] = tokens.get((key_id, hour), 0) + sum(counts[1:])
            pair = cached.setdefault(key_id, [0, 0])
            pair[0] += counts[2] + counts[3]
            pair[1] += counts[1] + counts[2] + counts[3]
    for name, keys in sorted(by_type.items()):
        ids = {k.key_id: REGIONS[k.region].tz for k in keys}
        mine = {(k, h): v for (k, h), v in tokens.items() if k in ids and v > 0}
        weekend = sum(v for (k, h), v in mine.items() if (h // 24) % 7 >= 5) / 4
        weekday = sum(v for (k, h), v in mine.items() if (h // 24) % 7 < 5) / 10 or 1
        night = sum(v for (k, h), v in mine.items() if (h + round(ids[k])) % 24 < 6)
        total = sum(mine.values()) or 1
        reads = sum(cached.get(k, [0, 0])[0] for k in ids)
        inputs = sum(cached.get(k, [0, 0])[1] for k in ids) or 1
        lines.append(
            f"{name:<14} {len(keys):>4} {len(mine) / len(keys) / history:>9.2f}"
            f" {total / max(1, len(mine)):>13,.0f} {weekend / weekday:>16.2f}"
            f" {night / total:>12.2f} {reads / inputs:>7.2f}"
        )
    lines.append("theft kind        n  hours(median)  size×typical")
    for kind in THIEVES:
        mine_t = [t for t in world.thefts if t.kind == kind]
        spans = sorted((t.end - t.onset) // HOUR for t in mine_t)
        sizes = ",".join(f"{t.volume:g}" for t in mine_t)
        median = spans[len(spans) // 2] if spans else 0
        lines.append(f"{kind:<16} {len(mine_t):>2} {median:>14} {sizes:>13}")
    return lines


def write_pages(world: World, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, page in enumerate(pages(world)):
        path = folder / f"{world.provider}-{world.seed}-{index:02d}.json"
        path.write_text(json.dumps(page), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--provider", choices=PROVIDERS, default="openai")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="write the pages and labels.json here")
    args = parser.parse_args()
    world = build_world(args.provider, args.seed)
    print("\n".join(summarize(world)))
    if args.out:
        write_pages(world, args.out)
        labels = [
            {"key_id": t.key_id, "kind": t.kind, "size": t.size, "onset": t.onset, "end": t.end}
            for t in world.thefts
        ]
        (args.out / "labels.json").write_text(json.dumps(labels, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
