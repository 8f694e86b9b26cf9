"""World 9's thieves: ten ways a stolen AI key is used, after the public LLMjacking reports.

Stage: benchmarks only (issue #20). Each theft's size is its tokens over its first day (three
days for those who keep office hours) as a share of the owner's ordinary day: small a quarter,
medium one day's worth, large four. Onset is the thief's first request, always in the judged
weeks; a thief goes on until the world ends unless its kind says otherwise.

- `probe_resale` (Sysdig, "LLMjacking", 2024; Entro, 2025): a checker script's one-token calls on
  the dearest models minutes after the leak, then within hours a reverse proxy resells the key to
  chat customers with long contexts, busiest in US and European evenings.
- `dark_roleplay` (Permiso, "When AI Gets Hijacked", 2024): the thief's own role-play bot behind a
  jailbreak prompt, round the clock, long histories, short replies.
- `quota_flood` (Sysdig's cost figures: a key run at its limit): as many long answers as the rate
  limit lets through for hours, then a steady third of that.
- `distill_harvest`: synthetic training data from one prompt template: short prompts, answers
  three times longer, a test batch first, then round the clock.
- `spam_mill`: phishing and SEO text on the cheapest model, many short requests round the clock.
- `shadow_mimic`: a careful thief who read the owner's model in the leaked code: same model, same
  sizes, the owner's office hours in the owner's zone, a share of the owner's volume.
- `night_owl`: a thief working their own office hours, which are the owner's night.
- `model_hopper`: one or two calls to every model to see what the key may use, then the dearest
  reasoning model for hours a day.
- `grapevine` (keys posted in public channels): users pile in, the use doubling every few hours,
  a spread of models, every hour of the day.
- `smash_grab`: one hour or three at full speed, gone, back once a day or two later.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from bench.usage_world9_base import (
    HOUR,
    HOURS,
    MODELS,
    START,
    Clock,
    Demand,
    Habit,
    Key,
    Mix,
    clock,
    empty_demand,
)

Wants = tuple[tuple[Mix, float], ...]

SIZES = ("small", "medium", "large")
DAY_SHARE = {"small": 0.25, "medium": 1.0, "large": 4.0}
THIEF_ZONES = ("Asia/Shanghai", "Europe/Moscow", "America/Sao_Paulo", "Asia/Jakarta",
               "Europe/Bucharest", "America/New_York", "Asia/Ho_Chi_Minh",
               "Africa/Lagos")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Theft:
    key_id: str
    kind: str
    size: str
    onset: int  # epoch seconds of the thief's first request
    tokens_first_day: float  # what the size asks for a day, expected
    window_days: int  # over how many days from onset that daily figure is averaged
    zone: str  # where the thief keeps its hours


@dataclass(frozen=True, slots=True)
class Plan:
    """A kind's use: weight per hour from onset (0 before), its mixes, and over how many days
    its size is measured."""

    weight: Callable[[int], float]
    mixes: Wants
    days: int = 1
    opening: Wants = ()  # requests in the onset hour before the main use


def _primary(owner: Habit, fallback: Mix) -> Mix:
    """The owner's most used way of calling a model: what leaked code would show a thief."""
    counts: dict[Mix, float] = {}
    for wants in owner.demand:
        for mix, mean in wants:
            counts[mix] = counts.get(mix, 0.0) + mean
    best = max(counts, key=lambda m: counts[m]) if counts else fallback
    return best if best.tokens >= 200 else fallback  # a health check's ping is no workload


def _probes(models: dict[str, str], roles: tuple[str, ...], rng: random.Random) -> Wants:
    """A checker's one-token calls, one to three on each model it tries."""
    return tuple((Mix(models[r], rng.randrange(8, 20), 0, 1), rng.uniform(1, 3)) for r in roles)


EVENING = {18: 1.0, 19: 1.2, 20: 1.4, 21: 1.4, 22: 1.2, 1: 1.3, 2: 1.5, 3: 1.5, 4: 1.2}  # UTC


@dataclass(frozen=True, slots=True)
class Scene:
    """What a thief knows when it starts: the provider's models, its own clock, the key's owner
    (as far as leaked code shows), the hour it starts, its dice."""

    models: dict[str, str]
    local: Clock
    owner: Habit
    onset: int
    rng: random.Random

    @property
    def plain(self) -> Mix:
        return Mix(self.models["chat"], 2_500, 0, 700)


def _probe_resale(s: Scene) -> Plan:
    m, rng = s.models, s.rng
    gap = s.onset + rng.randrange(1, 5)
    resale = Mix(m["new"], rng.randrange(5_000, 12_000), rng.randrange(2_000, 8_000), 350)
    return Plan(
        lambda h: 0.0 if h < gap else min(1.0, (h - gap + 1) / 6) * EVENING.get(h % 24, 0.5),
        ((resale, 1.0),),
        opening=_probes(m, ("new", "dearest", "reason", "chat"), rng),
    )


def _dark_roleplay(s: Scene) -> Plan:
    chat = Mix(s.models["chat"], s.rng.randrange(5_000, 9_000), s.rng.randrange(1_000, 4_000), 450)
    return Plan(lambda h: min(1.0, (h - s.onset + 1) / 3) * EVENING.get(h % 24, 0.6),
                ((chat, 1.0),))  # fmt: skip


def _quota_flood(s: Scene) -> Plan:
    long = Mix(s.models["reason"], s.rng.randrange(300, 800), 0, s.rng.randrange(2_500, 4_000))
    run = s.rng.randrange(4, 11)
    return Plan(lambda h: 1.0 if h - s.onset < run else 0.3, ((long, 1.0),))


def _distill_harvest(s: Scene) -> Plan:
    prompt, output = s.rng.randrange(500, 900), s.rng.randrange(1_800, 2_800)
    data = Mix(s.models["reason_small"], prompt, 0, output)
    return Plan(lambda h: 0.05 if h == s.onset else 1.0, ((data, 1.0),))


def _spam_mill(s: Scene) -> Plan:
    spam = Mix(s.models["cheap"], s.rng.randrange(250, 450), 0, s.rng.randrange(300, 550))
    return Plan(lambda h: 0.8 + 0.2 * (8 <= s.local.hour[h] < 20), ((spam, 1.0),))


def _shadow_mimic(s: Scene) -> Plan:
    same = _primary(s.owner, s.plain)
    return Plan(lambda h: 1.0 if _office(s.local, h) else 0.0, ((same, 1.0),), days=3)


def _night_owl(s: Scene) -> Plan:
    mix = s.rng.choice((_primary(s.owner, s.plain), s.plain))
    return Plan(lambda h: 1.0 if _office(s.local, h) else 0.0, ((mix, 1.0),), days=3)


def _model_hopper(s: Scene) -> Plan:
    prompt, output = s.rng.randrange(2_000, 5_000), s.rng.randrange(3_000, 6_000)
    dear = Mix(s.models["dearest"], prompt, 0, output)
    return Plan(
        lambda h: 1.0 if h > s.onset and 9 <= s.local.hour[h] < 17 else 0.0,
        ((dear, 1.0),),
        days=3,
        opening=_probes(s.models, tuple(dict.fromkeys(s.models)), s.rng),
    )


def _grapevine(s: Scene) -> Plan:
    m, doubling = s.models, s.rng.uniform(4, 8)
    crowd = ((Mix(m["chat"], 3_000, 1_000, 500), 0.5), (Mix(m["new"], 3_000, 0, 700), 0.3),
             (Mix(m["small"], 1_500, 0, 400), 0.2))  # fmt: skip
    return Plan(lambda h: 2 ** (min(h - s.onset, 48) / doubling), crowd)


def _smash_grab(s: Scene) -> Plan:
    burst, back = s.rng.randrange(1, 4), s.onset + s.rng.randrange(24, 49)
    grab = Mix(s.models["new"], s.rng.randrange(1_000, 3_000), 0, s.rng.randrange(1_500, 3_000))
    return Plan(lambda h: 1.0 if h - s.onset < burst or 0 <= h - back < burst else 0.0,
                ((grab, 1.0),))  # fmt: skip


PLANS: dict[str, Callable[[Scene], Plan]] = {
    "probe_resale": _probe_resale,
    "dark_roleplay": _dark_roleplay,
    "quota_flood": _quota_flood,
    "distill_harvest": _distill_harvest,
    "spam_mill": _spam_mill,
    "shadow_mimic": _shadow_mimic,
    "night_owl": _night_owl,
    "model_hopper": _model_hopper,
    "grapevine": _grapevine,
    "smash_grab": _smash_grab,
}
KINDS = tuple(PLANS)


def plan(kind: str, provider: str, owner: Habit, onset: int, zone: str, rng: random.Random) -> Plan:
    if kind not in PLANS:
        raise ValueError(f"no theft kind {kind!r}; the kinds are {', '.join(KINDS)}")
    return PLANS[kind](Scene(MODELS[provider], clock(zone), owner, onset, rng))


def _office(c: Clock, h: int) -> bool:
    return 9 <= c.hour[h] < 18 and c.weekday[h] < 5


def first_hour(p: Plan, drawn: int) -> int | None:
    """A thief's first request falls in the first hour from `drawn` its plan works in (None when
    the world ends first, as for an office-hours thief drawn on a Saturday night)."""
    return next((h for h in range(drawn, HOURS) if p.opening or p.weight(h) > 0), None)


def theft_demand(p: Plan, onset: int, budget: float) -> Demand:
    """The thief's demand: the plan's weights scaled so its first `days` average `budget`."""
    demand = empty_demand()
    window = range(onset, min(HOURS, onset + 24 * p.days))
    per_day = sum(p.weight(h) for h in window) / p.days or 1.0
    for h in range(onset, HOURS):
        if (w := p.weight(h)) > 0:
            demand[h] = [(mix, budget * w / per_day * share / mix.tokens) for mix, share in p.mixes]
    demand[onset] = [*p.opening, *demand[onset]]
    return demand


def make_theft(
    kind: str, size: str, key: Key, provider: str, owner: Habit, drawn: int, ordinary: float,
    rng: random.Random,
) -> tuple[Theft, Demand] | None:  # fmt: skip
    """A theft of `kind` and `size` on `key`, its first request at or after hour `drawn`, or
    None if the kind would not start before the world ends."""
    zone = key.zone if kind == "shadow_mimic" else rng.choice(THIEF_ZONES)
    if kind == "night_owl":  # a thief whose working day is mostly the owner's night
        overlap = {z: _night_overlap(key.zone, z) for z in THIEF_ZONES}
        zone = rng.choice([z for z in THIEF_ZONES if overlap[z] >= 0.6 * max(overlap.values())])
    budget = DAY_SHARE[size] * ordinary
    p = plan(kind, provider, owner, drawn, zone, rng)
    onset = first_hour(p, drawn)
    if onset is None or onset + 24 * p.days > HOURS:  # its size is measured inside the world
        return None
    if onset != drawn:
        p = plan(kind, provider, owner, onset, zone, random.Random(rng.random()))
    when = START + onset * HOUR + rng.randrange(0, 3_000)
    theft = Theft(key.key_id, kind, size, when, budget, p.days, zone)
    return theft, theft_demand(p, onset, budget)


def _night_overlap(owner_zone: str, thief_zone: str) -> int:
    """Hours in the first week where the thief is at work and the owner is asleep (00-06)."""
    o, t = clock(owner_zone), clock(thief_zone)
    return sum(1 for h in range(24 * 7) if _office(t, h) and o.hour[h] < 6)
