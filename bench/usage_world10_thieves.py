"""World 10's thieves: ten kinds after the public LLMjacking reports, each at three sizes.

Stage: benchmarks only (issue #20). Sources: Sysdig's LLMjacking reports (2024-2025: stolen keys
checked, then sold through reverse proxies such as OAI-Reverse-Proxy; models enumerated; role-play
and "companion" traffic; spending run up round the clock), Permiso's (keys from code and laptops
resold for sexual role-play on Claude; long contexts, little output), Entro's (leaked keys tried
within minutes, used in short bursts, then left; the key's owner rarely notices). Every thief
differs from its owner in something usage shows - hours, model, tokens per request, output
ratio or volume - so each is detectable in principle, and sizes are a quarter, one and four of
the owner's ordinary day (the median of its used history days; a floor keeps a near-idle key's
theft a theft). Onsets are in the judged weeks; a thief keeps going to the world's end.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass

from bench.usage_world10_base import (
    DAYTIME,
    EVENING,
    FIRST_JUDGED,
    HOUR,
    HOURS,
    MODELS,
    NIGHT_OWL,
    OFFICE,
    START,
    TIERS,
    Key,
    Theft,
    Usage,
    World,
    local,
    weekend,
)
from bench.usage_world10_owners import OWNERS, QUEUED

SIZES = ("quarter", "day", "four")
FACTOR = {"quarter": 0.25, "day": 1.0, "four": 4.0}
FLOOR_TOKENS = 200_000  # an "ordinary day" for a key whose owner barely uses it
# UTC hours at which a big city reaches midnight on 31 December (Auckland to Los Angeles).
MIDNIGHTS = frozenset({11, 13, 15, 16, 18, 20, 21, 23, 0, 3, 5, 8})


@dataclass(frozen=True, slots=True)
class Plan:
    """How a thief uses one key: its pace over the world's hours (mean about 1 over a day),
    the tier, and the shape of its requests."""

    weight: Callable[[int], float]
    tier: str
    prompt: float
    ratio: float
    cache: float
    first: int  # earliest hour index of onset
    last: int  # latest hour index of onset


def _busy(key: Key) -> bool:
    return key.archetype not in ("dormant", "leave_dev") and key.born == 0 and key.dies == HOURS


def _judged() -> tuple[int, int]:
    return FIRST_JUDGED * 24, HOURS - 10


def leave_squatter(key: Key, world: World) -> Plan:
    # Works US evenings and weekends while the owner is away; writes long answers.
    def weight(h: int) -> float:
        t = local("America/Phoenix", h)
        return 2.5 if weekend(t) and t.hour >= 10 else (4.0 if 17 <= t.hour <= 22 else 0.0)

    first = (FIRST_JUDGED + 2) * 24
    return Plan(weight, key.tier, key.prompt, key.ratio * 3, 0.0, first, first + 7 * 24)


def relay_reseller(key: Key, world: World) -> Plan:
    def weight(h: int) -> float:
        return 0.5 + 1.0 * EVENING[local("America/New_York", h).hour]

    return Plan(weight, key.tier, key.prompt * 4 + 6000, 0.1, 0.05, *_judged())


def departed_laptop(key: Key, world: World) -> Plan:
    def weight(h: int) -> float:
        t = local("Asia/Ho_Chi_Minh", h)
        return 0.0 if t.weekday() == 6 else 3.0 * OFFICE[t.hour]

    return Plan(weight, "top", 9000, 0.06, 0.7, *_judged())


def nye_blend(key: Key, world: World) -> Plan:
    # Bursts at the hours some big city reaches midnight, on the dearest model.
    def weight(h: int) -> float:
        return 2.0 if (h % 24) in MIDNIGHTS else 0.0

    first = (FIRST_JUDGED + 9) * 24 + 8  # 31 December, 08:00 UTC
    return Plan(weight, "top", 300, 2.0, 0.0, first, first + 12)


def agent_swarm(key: Key, world: World) -> Plan:
    return Plan(lambda h: 1.0, "reason", 7000, 0.12, 0.8, *_judged())


def gift_spammer(key: Key, world: World) -> Plan:
    salt = random.Random(key.key_id).randrange(3)

    def weight(h: int) -> float:
        t = local("Africa/Lagos", h)
        on = (h + salt) % 3 == 0 and 8 <= t.hour <= 20
        return 5.0 if on else 0.0

    return Plan(weight, "nano", 150, 6.0, 0.0, *_judged())


def companion_chat(key: Key, world: World) -> Plan:
    def weight(h: int) -> float:
        return 1.4 * NIGHT_OWL[local("America/Chicago", h).hour]

    return Plan(weight, "main", 12000, 0.04, 0.0, *_judged())


def model_census(key: Key, world: World) -> Plan:
    # After the census (added at onset by `rob`), harvests every fourth hour on the dearest model.
    def weight(h: int) -> float:
        return 4.0 if h % 4 == 0 else 0.0

    return Plan(weight, "top", 2500, 0.5, 0.0, *_judged())


def antipode_shift(key: Key, world: World) -> Plan:
    # The owner's own day, eleven hours round the clock: the owner's shape at hours it never works.
    profile = [0.0] * 24
    for h in range(FIRST_JUDGED * 24):
        profile[local(key.zone, h).hour] += OWNERS[key.archetype](key, local(key.zone, h)).rate
    mean = sum(profile) / 24 or 1.0

    def weight(h: int) -> float:
        return profile[(local(key.zone, h).hour - 11) % 24] / mean

    return Plan(weight, key.tier, key.prompt, key.ratio, key.cache, *_judged())


def backlog_rider(key: Key, world: World) -> Plan:
    # Joins when the provider comes back from the judged weeks' outage, amid the owners' replays.
    def weight(h: int) -> float:
        return 0.5 + DAYTIME[local("Europe/Bucharest", h).hour]

    end = world.outages[-1][1]
    return Plan(weight, key.tier, key.prompt * 0.5, key.ratio * 2.5, 0.0, end, end + 1)


Victims = Callable[[Key], bool]
KINDS: dict[str, tuple[Callable[[Key, World], Plan], Victims]] = {
    "departed_laptop": (
        departed_laptop,
        lambda k: k.archetype == "dormant" or (k.archetype == "leave_dev" and k.variant == 2),
    ),
    "leave_squatter": (
        leave_squatter,
        lambda k: (
            k.archetype in ("code_freeze_ci", "southern_summer")
            or (k.archetype == "leave_dev" and k.variant in (0, 1))
        ),
    ),
    "nye_blend": (
        nye_blend,
        lambda k: k.archetype in ("nye_wishes", "greeting_cards", "game_event", "charity_drive"),
    ),
    "backlog_rider": (
        backlog_rider,
        # Not the year-in-review batches: their whole days of summaries would drown any thief.
        lambda k: k.archetype in QUEUED - {"year_in_review"},
    ),
    "antipode_shift": (
        antipode_shift,
        # Owners whose day has hours they never work: a shifted copy of an all-day curve would
        # be the owner's own by construction, and a shifted 3-hour batch a stub.
        lambda k: (
            k.archetype in ("returns_desk", "oncall_copilot", "code_freeze_ci", "southern_summer")
        ),
    ),
    "relay_reseller": (relay_reseller, _busy),
    "agent_swarm": (agent_swarm, _busy),
    "gift_spammer": (gift_spammer, _busy),
    "companion_chat": (companion_chat, _busy),
    "model_census": (model_census, _busy),
}


def ordinary_days(world: World) -> dict[str, int]:
    """Each key's ordinary day in tokens: the median of its used history days, or the floor."""
    days: dict[str, list[int]] = {k.key_id: [0] * FIRST_JUDGED for k in world.keys}
    for (key_id, hour, _), cell in world.cells.items():
        if key_id in days and hour < FIRST_JUDGED * 24:
            days[key_id][hour // 24] += cell.input_tokens + cell.cached + cell.output
    return {
        key_id: max(FLOOR_TOKENS, round(statistics.median([d for d in v if d] or [0])))
        for key_id, v in days.items()
    }


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, lam**0.5)))
    n, p, limit = 0, 1.0, 2.718281828459045**-lam
    while True:
        p *= rng.random()
        if p < limit:
            return n
        n += 1


def add(world: World, key_id: str, hour: int, model: str, usage: Usage) -> None:
    cell = world.cells.setdefault((key_id, hour, model), Usage())
    cell.requests += usage.requests
    cell.input_tokens += usage.input_tokens
    cell.cached += usage.cached
    cell.output += usage.output


def shaped(rng: random.Random, requests: int, prompt: float, ratio: float, cache: float) -> Usage:
    spread = 0.35 / max(1, min(requests, 25)) ** 0.5
    total = round(requests * prompt * rng.lognormvariate(0, spread))
    cached = round(total * cache)
    output = round(total * ratio * rng.lognormvariate(0, spread))
    return Usage(requests, total - cached, cached, max(requests, output))


def rob(world: World, key: Key, kind: str, size: str, ordinary: int, rng: random.Random) -> Theft:
    """Plan `kind` on `key`, pick its onset, and add its usage to the world's cells."""
    plan = KINDS[kind][0](key, world)
    daily = round(FACTOR[size] * ordinary)
    blocked = {h for first, last in world.outages for h in range(first, last)}
    hours = [h for h in range(plan.first, plan.last + 1) if plan.weight(h) > 0 and h not in blocked]
    start = rng.choices(hours, [plan.weight(h) for h in hours])[0]  # a thief starts when busy
    minute = rng.randrange(60) if kind != "backlog_rider" else rng.randrange(30)
    models = MODELS[world.provider]
    per_request = plan.prompt * (1 + plan.ratio)
    for h in range(start, HOURS):
        if h in blocked:
            continue
        lam = daily / 24 * plan.weight(h) / per_request
        if h == start:
            lam *= (60 - minute) / 60
        n = poisson(rng, lam) if h != start else max(1, poisson(rng, lam))
        if n:
            usage = shaped(rng, n, plan.prompt, plan.ratio, plan.cache)
            add(world, key.key_id, h, models[plan.tier], usage)
    if kind == "model_census":
        for tier in TIERS:  # one-token pings of every model in the hour of onset
            add(world, key.key_id, start, models[tier], Usage(12, 240, 0, 12))
    return Theft(key.key_id, kind, size, START + start * HOUR + minute * 60, daily)


def place(world: World, rng: random.Random) -> list[Theft]:
    """Three thefts of each kind, one per size, on keys no other thief has; the kinds with fewest
    possible victims choose first."""
    taken: set[str] = set()
    thefts = []
    ordinary = ordinary_days(world)
    for kind, (_, victims) in KINDS.items():
        for size in SIZES:
            pool = [k for k in world.keys if victims(k) and k.key_id not in taken]
            key = rng.choice(pool)
            taken.add(key.key_id)
            thefts.append(rob(world, key, kind, size, ordinary[key.key_id], rng))
    return thefts
