"""World 6's thieves, after published LLMjacking reports, in three sizes each.

Stage: benchmark (usage watch, issue #20). Each kind returns a `Plan` of stolen requests added to
the owner's from `onset` (an hour index) to the end of the world, as thieves keep using a key
until it is revoked. Sources:

- `key_check`: Entro Security's 2025 LLMjacking research (leaked keys probed within minutes,
  mostly short validation calls across models) and Sysdig's account of keycheckers (2024).
- `proxy_resale`: Sysdig, "LLMjacking" (May 2024) and its September 2024 follow-up: stolen keys
  behind an OAI reverse proxy sold to many users, around the clock, on the most capable models.
- `roleplay`: Permiso, "Exploiting Hosted Models" (October 2024): a role-play chat service run
  on stolen keys, long conversations with long answers, in its users' evenings.
- `flood`: Sysdig's cost estimate (tens of thousands of dollars a day at the model's quota).
- `mimic`, `night_shift`, `model_swap`, `busy_cover`: the issue's hard cases: a thief who keeps
  the owner's hours, models and request shapes; one who adds a modest volume at hours the key
  never worked; one who moves to a model the key never used at low volume; one whose onset falls
  in the owner's own busy event.
"""

from __future__ import annotations

import random
import statistics

from bench.usage_world6_base import HISTORY_DAYS, HOURS, MODELS, TOP, Plan, Shape

SIZES = ("small", "medium", "large")
KINDS = (
    "key_check",
    "proxy_resale",
    "roleplay",
    "flood",
    "mimic",
    "night_shift",
    "model_swap",
    "busy_cover",
)
# Stolen volume, per kind and size, in units of the owner's typical busy hour (requests), or in
# requests an hour for the kinds whose volume does not depend on the owner.
VOLUME = {
    "key_check": (3, 12, 40),  # requests in all, in the first hours
    "proxy_resale": (8, 40, 200),
    "roleplay": (6, 25, 120),
    "flood": (4.0, 15.0, 60.0),
    "mimic": (0.3, 0.7, 1.5),
    "night_shift": (0.15, 0.4, 1.2),
    "model_swap": (0.05, 0.15, 0.5),
    "busy_cover": (0.3, 0.8, 2.5),
}
THIEF_ZONES = (3.0, 8.0, -5.0, 1.0)  # where the resellers' customers sit (evening peaks)


def busy_hour(owner: Plan) -> float:
    """The owner's typical busy hour: the median of its history hours above a tenth of its
    busiest, in requests."""
    total = [sum(h[i] for h in owner.demand.values()) for i in range(HISTORY_DAYS * 24)]
    top = max(total) or 1.0
    return statistics.median([v for v in total if v > top / 10] or [top])


def main_model(owner: Plan) -> str:
    return max(owner.demand, key=lambda m: sum(owner.demand[m][HISTORY_DAYS * 24 :]))


def _from(onset: int, value: list[float]) -> list[float]:
    return [v if h >= onset else 0.0 for h, v in enumerate(value)]


def key_check(provider: str, rng: random.Random, owner: Plan, onset: int, size: int) -> Plan:
    """Short validation calls, most of them on models the owner never used, in the first hours;
    then the key is sold on and goes quiet."""
    plan = Plan(dispersion=0.0)  # probes are counted, not drawn
    probes = VOLUME["key_check"][size]
    models = sorted({*TOP[provider], MODELS[provider]["new"], MODELS[provider]["nano"]})
    hours = [onset, onset + 1, onset + 4][: size + 1]
    for model in models:
        spread = [0.0] * HOURS
        for hour in hours:
            if hour < HOURS:
                spread[hour] = probes / len(models) / len(hours)
        plan.add(model, Shape(12, 0.3, 0.2, 0.0), spread)
    return plan


def proxy_resale(provider: str, rng: random.Random, owner: Plan, onset: int, size: int) -> Plan:
    plan = Plan(dispersion=10.0)
    rate = VOLUME["proxy_resale"][size]
    zone = rng.choice(THIEF_ZONES)
    hours = [rate * (0.6 + 0.4 * ((h + zone) % 24 >= 16)) for h in range(HOURS)]
    model = rng.choice(TOP[provider])
    plan.add(model, Shape(rng.uniform(4000, 9000), 0.8, 0.08, 0.5), _from(onset, hours))
    return plan


def roleplay(provider: str, rng: random.Random, owner: Plan, onset: int, size: int) -> Plan:
    plan = Plan(dispersion=5.0)
    rate = VOLUME["roleplay"][size]
    zone = rng.choice(THIEF_ZONES)
    hours = [
        rate * (1.0 if (h + zone) % 24 >= 18 or (h + zone) % 24 < 3 else 0.15) for h in range(HOURS)
    ]
    model = rng.choice((MODELS[provider]["new"], *TOP[provider]))
    plan.add(model, Shape(rng.uniform(2500, 6000), 0.7, 0.35, 0.3), _from(onset, hours))
    return plan


def flood(provider: str, rng: random.Random, owner: Plan, onset: int, size: int) -> Plan:
    """As many requests as the quota lets through for hours, then a steady tail."""
    plan = Plan(dispersion=20.0)
    rate = busy_hour(owner) * VOLUME["flood"][size]
    burst = rng.randint(3, 12)
    hours = [rate if onset <= h < onset + burst else rate * 0.3 for h in range(HOURS)]
    plan.add(rng.choice(TOP[provider]), Shape(3000, 0.6, 0.3, 0.0), _from(onset, hours))
    return plan


def mimic(provider: str, rng: random.Random, owner: Plan, onset: int, size: int) -> Plan:
    """A copy of the owner's own hours, models and shapes, a share of its volume on top; the
    hours follow the owner's history week, so a thief does not copy a surge it cannot see."""
    plan = Plan(dispersion=owner.dispersion)
    share = VOLUME["mimic"][size]
    for model, hours in owner.demand.items():
        week = [
            hours[h - 7 * 24 * ((h - HISTORY_DAYS * 24) // (7 * 24) + 1)]
            if h >= HISTORY_DAYS * 24
            else hours[h]
            for h in range(HOURS)
        ]
        plan.add(model, owner.shapes[model], _from(onset, [v * share for v in week]))
    return plan


def night_shift(provider: str, rng: random.Random, owner: Plan, onset: int, size: int) -> Plan:
    """The owner's main model and shape at the hours of the day the key is quietest."""
    plan = Plan(dispersion=6.0)
    model = main_model(owner)
    by_hour = [
        sum(owner.demand[model][h] for h in range(i, HISTORY_DAYS * 24, 24)) for i in range(24)
    ]
    quiet = set(sorted(range(24), key=by_hour.__getitem__)[:6])
    rate = busy_hour(owner) * VOLUME["night_shift"][size]
    hours = [rate if h % 24 in quiet else 0.0 for h in range(HOURS)]
    plan.add(model, owner.shapes[model], _from(onset, hours))
    return plan


def model_swap(provider: str, rng: random.Random, owner: Plan, onset: int, size: int) -> Plan:
    """A model the key never used, in the owner's own hours and request shape, at low volume."""
    plan = Plan(dispersion=owner.dispersion)
    unused = [m for m in TOP[provider] if m not in owner.demand] or list(TOP[provider])
    model = main_model(owner)
    share = VOLUME["model_swap"][size]
    plan.add(
        rng.choice(unused),
        owner.shapes[model],
        _from(onset, [v * share for v in owner.demand[model]]),
    )
    return plan


def busy_cover(provider: str, rng: random.Random, owner: Plan, onset: int, size: int) -> Plan:
    """The owner's main model, flat around the clock, starting inside the owner's busy event."""
    plan = Plan(dispersion=8.0)
    model = main_model(owner)
    rate = busy_hour(owner) * VOLUME["busy_cover"][size]
    plan.add(model, owner.shapes[model], _from(onset, [rate] * HOURS))
    return plan


THIEVES = {
    "key_check": key_check,
    "proxy_resale": proxy_resale,
    "roleplay": roleplay,
    "flood": flood,
    "mimic": mimic,
    "night_shift": night_shift,
    "model_swap": model_swap,
    "busy_cover": busy_cover,
}
