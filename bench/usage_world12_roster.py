"""World 12's owners: which kinds, how many keys of each, where, how big, and their hourly use.

Stage: benchmarks only (issue #20). Twenty owner kinds, 86 keys a provider. A key's size is its
kind's ordinary day times a lognormal draw, so kinds overlap in volume; its records come from its
kind's daily `Plan`, the hour's weight at the key's local time, a day's luck and Poisson counts.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from bench import usage_world12_seasons as seasons
from bench import usage_world12_weeks as weeks
from bench.usage_world12_base import (
    DAY,
    DAYS,
    HOUR,
    MODELS,
    PROVIDERS,
    RELEASED,
    START,
    Record,
    Shape,
    local_clock,
    offset_hours,
    poisson,
    spread,
)
from bench.usage_world12_plans import Key, Plan


@dataclass(frozen=True, slots=True)
class Kind:
    habit: Callable[[Key, date], Plan]
    zones: tuple[str, ...]
    count: int
    base: float  # requests on an ordinary day of a typical key
    shape: Shape
    variants: int = 1  # "provider": the variant is the provider's index


US = ("America/New_York", "America/Chicago", "America/Los_Angeles")
ROSTER: dict[str, Kind] = {
    "exam_revision": Kind(seasons.exam_revision, ("Europe/London",), 5, 1500, Shape(900, 0.2, 0.5)),
    "ap_prep": Kind(seasons.ap_prep, US, 4, 800, Shape(1000, 0.1, 0.6)),
    "gaokao_tutor": Kind(seasons.gaokao_tutor, ("Asia/Shanghai",), 4, 2000, Shape(800, 0.15, 0.8)),
    "travel_concierge": Kind(
        seasons.travel_concierge, ("Asia/Tokyo",), 4, 600, Shape(1500, 0.3, 0.4)
    ),
    "hajj_companion": Kind(seasons.hajj_companion, ("Asia/Riyadh",), 4, 700, Shape(700, 0.1, 0.7)),
    "wedding_planner": Kind(
        seasons.wedding_planner,
        ("America/Chicago", "Europe/London", "Australia/Sydney"),
        4,
        300,
        Shape(2000, 0.2, 0.5),
    ),
    "pollen_forecast": Kind(
        seasons.pollen_forecast, ("Europe/Berlin", "Europe/London"), 5, 400, Shape(2500, 0.6, 0.15)
    ),
    "garden_advice": Kind(seasons.garden_advice, ("Europe/London",), 4, 300, Shape(600, 0.0, 0.9)),
    "model_chaser": Kind(
        seasons.model_chaser,
        ("America/Los_Angeles",),
        5,
        900,
        Shape(4000, 0.5, 0.2),
        variants=0,
    ),
    "expo_kiosk": Kind(
        seasons.expo_kiosk,
        ("Asia/Taipei", "America/Los_Angeles"),
        4,
        1500,
        Shape(800, 0.4, 0.5),
        variants=2,
    ),
    "holiday_sale": Kind(weeks.holiday_sale, ("America/New_York",), 4, 1200, Shape(1200, 0.3, 0.3)),
    "museum_guide": Kind(weeks.museum_guide, ("Australia/Perth",), 4, 900, Shape(500, 0.5, 1.2)),
    "ipl_commentary": Kind(weeks.ipl_commentary, ("Asia/Kolkata",), 5, 2500, Shape(400, 0.3, 0.6)),
    "sermon_writer": Kind(
        weeks.sermon_writer,
        ("America/Chicago", "Africa/Lagos", "Europe/Athens"),
        5,
        60,
        Shape(3000, 0.1, 0.6),
    ),
    "election_desk": Kind(
        weeks.election_desk, tuple(weeks.ELECTIONS), 5, 500, Shape(3000, 0.3, 0.3)
    ),
    "podcast_notes": Kind(
        weeks.podcast_notes, ("America/New_York",), 4, 100, Shape(15000, 0.0, 0.08)
    ),
    "grant_crunch": Kind(weeks.grant_crunch, ("America/New_York",), 4, 150, Shape(6000, 0.4, 0.25)),
    "listing_writer": Kind(
        weeks.listing_writer,
        ("Australia/Sydney", "Pacific/Auckland"),
        4,
        200,
        Shape(1200, 0.2, 0.7),
    ),
    "review_replier": Kind(weeks.review_replier, ("Europe/Dublin",), 4, 400, Shape(500, 0.5, 0.4)),
    "standby_key": Kind(
        weeks.standby_key, ("Europe/Berlin",), 4, 6000, Shape(1500, 0.3, 0.3), variants=2
    ),
}


def key_id(rng: random.Random, provider: str) -> str:
    letters = string.ascii_letters + string.digits
    if provider == "openai":
        return "key_" + "".join(rng.choice(letters) for _ in range(16))
    return "apikey_01" + "".join(rng.choice(letters) for _ in range(22))


def roster(provider: str, rng: random.Random) -> list[Key]:
    keys = []
    for name, kind in ROSTER.items():
        for index in range(kind.count):
            variant = PROVIDERS.index(provider) if kind.variants == 0 else index % kind.variants
            size = kind.base * rng.lognormvariate(0, 0.7)
            zone = kind.zones[index % len(kind.zones)]
            keys.append(Key(key_id(rng, provider), name, zone, size, kind.shape, variant))
    return keys


def model_of(provider: str, tier: str, day: int) -> str:
    """The tier's model, or the provider's mid model before the tier's model was released."""
    model = MODELS[provider].get(tier, tier)
    if RELEASED.get(model, 0) > day:
        return MODELS[provider]["mid"]
    return model


def plan_on(key: Key, when: date) -> Plan:
    return ROSTER[key.archetype].habit(key, when)


def owner_records(key: Key, provider: str, rng: random.Random) -> Iterator[Record]:
    """The owner's hourly records over the whole season."""
    offset = offset_hours(key.zone)
    plans: dict[date, tuple[Plan, float]] = {}
    for hour in range(DAYS * 24):
        t = START + hour * HOUR
        when, local_hour = local_clock(offset, t)
        if when not in plans:
            plans[when] = (plan_on(key, when), rng.lognormvariate(0, 0.15))
        day_plan, luck = plans[when]
        mean = key.base * day_plan.factor * day_plan.hours[local_hour] * luck
        if mean <= 0:
            continue
        for tier, share in day_plan.mix:
            n = poisson(rng, mean * share)
            if n:
                model = model_of(provider, tier, (t - START) // DAY)
                yield spread(rng, key.key_id, model, t, n, key.shape)


def events(key: Key, day: int) -> tuple[str, ...]:
    """The owner's legitimate events on the key's local date at noon UTC of `day`."""
    when, _ = local_clock(offset_hours(key.zone), START + day * DAY + 12 * HOUR)
    return plan_on(key, when).events
