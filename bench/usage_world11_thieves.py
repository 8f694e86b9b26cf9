"""World 11's thieves: ten kinds x three sizes, each on its own key, onset in the judged weeks.

Stage: benchmarks only (issue #20). Kinds after what LLMjacking reports describe (Sysdig's
reverse proxies sold to role-play front ends and its note that stolen keys move to a new model
within days of its release; Permiso's role-play chat on stolen cloud keys; Entro's probes of a
fresh key within minutes and bursts spaced by hours; Microsoft's Storm-2139 testing how far a
model can be pushed) and invented from the season, none a copy of world 10's list:

- `newest_rush`: the season's new flagship (GPT-5, Opus 4.1) round the clock, long reasoning
  outputs; subtle where the owner moved to it too.
- `essay_mill`: back-to-school contract cheating from Nairobi on US and UK evenings, short
  briefs, essay-long answers, Sunday nights heaviest.
- `group_chat_bot`: a Telegram group bot in Jakarta on the cheapest model: many small requests,
  a cached persona, short replies, evening peaks.
- `webnovel_translate`: fan translation of web novels from Shanghai's evenings: long chapters,
  output as long as input (like a translation agency's, where it is put by preference).
- `sleeper_probe`: one or two one-token requests to five models, silence for hours, then a
  proxy's steady load.
- `bench_runner`: someone's eval harness: three-hour runs every eight hours over three models,
  fixed prompts.
- `doc_dump`: whole documents (90k tokens) in, short answers out, Pacific office hours.
- `tavern_proxy`: a role-play front end's reverse proxy on the dearest model, US Eastern
  evenings, chats whose context grows through the night.
- `jailbreak_spray`: thousands of short attempts on the main and dearest models from Istanbul's
  day.
- `creeping_reseller`: a reseller adding customers, from half its load to all of it in a day,
  mostly on the owner's own model, a fifth on a cheap one its customers ask for, round the
  clock.

Sizes: a quarter, one and four of the owner's ordinary day (the median history day with any
usage), 200k tokens a day at least.
"""

from __future__ import annotations

import random
from collections import Counter
from statistics import median

from bench.usage_world11_base import (
    FIRST_JUDGED,
    HOUR,
    HOURS,
    MODELS,
    START,
    Shape,
    Theft,
    World,
    clock,
    draw,
    tokens,
)
from bench.usage_world11_owners import within

KINDS = (
    "newest_rush",
    "essay_mill",
    "group_chat_bot",
    "webnovel_translate",
    "sleeper_probe",
    "bench_runner",
    "doc_dump",
    "tavern_proxy",
    "jailbreak_spray",
    "creeping_reseller",
)
SIZES = ("small", "medium", "large")
FACTOR = {"small": 0.25, "medium": 1.0, "large": 4.0}
FLOOR_TOKENS = 200_000
ZONE = {
    "newest_rush": "Europe/Bucharest",
    "essay_mill": "Africa/Nairobi",
    "group_chat_bot": "Asia/Jakarta",
    "webnovel_translate": "Asia/Shanghai",
    "sleeper_probe": "UTC",
    "bench_runner": "UTC",
    "doc_dump": "America/Los_Angeles",
    "tavern_proxy": "America/New_York",
    "jailbreak_spray": "Europe/Istanbul",
    "creeping_reseller": "UTC",
}
# Owners a kind goes to first when one is free (its cover), else any key.
PREFERS = {"webnovel_translate": ("translation_agency",), "newest_rush": ("batch_switch",)}
PROBES = ("nano", "mini", "main", "top", "new")

Plan = list[tuple[str, float, Shape]]


def plan(kind: str, hour: int, since: int, roles: tuple[str, str] = ("main", "mini")) -> Plan:
    """(model role, weight, request shape) of a theft `since` hours after its onset hour;
    `roles` are the owner's own model's and one the owner never used (for the reseller)."""
    t = clock(ZONE[kind])[hour]
    if kind == "newest_rush":
        return [("new", 1.0, Shape(3000, 4000, 0.1, 0.5))]
    if kind == "essay_mill":
        w = (1.0 if within(t.clock, 14, 4) else 0.1) * (1.5 if t.weekday == 6 else 1.0)
        return [("main", w, Shape(700, 2600, 0.0, 0.4))]
    if kind == "group_chat_bot":
        w = 1.0 if within(t.clock, 19, 24) else 0.6 if within(t.clock, 11, 14) else 0.3
        return [("nano", w if within(t.clock, 7, 24) else 0.12, Shape(900, 110, 0.6, 0.5))]
    if kind == "webnovel_translate":
        w = 1.0 if within(t.clock, 20, 2) or (t.weekend and within(t.clock, 10, 2)) else 0.15
        return [("main", w, Shape(3500, 3900, 0.3, 0.3))]
    if kind == "sleeper_probe":
        if since == 0:
            return [(role, 0.0, Shape(15, 1, 0, 0.1)) for role in PROBES]
        return (
            []
            if since < 6
            else [
                ("main", 0.7, Shape(2500, 500, 0.2, 0.5)),
                ("top", 0.3, Shape(2500, 500, 0.2, 0.5)),
            ]
        )
    if kind == "bench_runner":
        w = 1.0 if since % 8 < 3 else 0.0
        return [(role, w, Shape(1800, 600, 0.0, 0.15)) for role in ("nano", "main", "top")]
    if kind == "doc_dump":
        w = 1.0 if not t.weekend and within(t.clock, 8, 18) else 0.05
        return [("main", w, Shape(90000, 400, 0.5, 0.4))]
    if kind == "tavern_proxy":
        evening = within(t.clock, 18, 3)
        depth = (t.clock - 18) % 24 if evening else 0
        return [("top", 1.0 if evening else 0.3, Shape(5000 + 1800 * depth, 350, 0.5, 0.4))]
    if kind == "jailbreak_spray":
        w = 1.0 if within(t.clock, 10, 22) else 0.05
        return [("main", w, Shape(380, 45, 0.0, 0.3)), ("top", w, Shape(380, 45, 0.0, 0.3))]
    ramp = min(1.0, 0.5 * 2 ** (since / 24))
    return [
        (roles[0], 0.8 * ramp, Shape(1800, 450, 0.2, 0.6)),
        (roles[1], 0.2 * ramp, Shape(1800, 450, 0.2, 0.6)),
    ]


def ordinary_day(world: World, key_id: str) -> int:
    days = Counter[int]()
    for (k, h, _), usage in world.cells.items():
        if k == key_id and h < FIRST_JUDGED * 24:
            days[h // 24] += usage.tokens
    return int(median(days.values())) if days else 0


def owner_roles(world: World, key_id: str) -> tuple[str, str]:
    """The role of the model the owner used most in the history (main if none), and the first
    of the cheap models a reseller's customers ask for that the owner never used."""
    used = Counter[str]()
    for (k, h, model), usage in world.cells.items():
        if k == key_id and h < FIRST_JUDGED * 24:
            used[model] += usage.tokens
    names = {m: r for r, m in MODELS[world.provider].items()}
    mine = names.get(used.most_common(1)[0][0], "main") if used else "main"
    models = MODELS[world.provider]
    other = next((r for r in ("mini", "nano", "main", "top") if models[r] not in used), "top")
    return mine, other


def _onset_hour(kind: str, rng: random.Random, outages: list[tuple[int, int]]) -> int:
    while True:
        h = rng.randrange(FIRST_JUDGED * 24, HOURS - 6)
        if any(first - 6 < h < last for first, last in outages):
            continue
        weights = plan(kind, h, 0)
        if kind == "sleeper_probe" or (weights and max(w for _, w, _ in weights) >= 0.25):
            return h


def choose(world: World, rng: random.Random) -> list[Theft]:
    """Thirty thefts, one a key, on keys that live through the judged weeks."""
    free = [k for k in world.keys if k.born == 0 and k.dies == HOURS]
    rng.shuffle(free)
    thefts = []
    for kind in KINDS:
        for size in SIZES:
            liked = [k for k in free if k.archetype in PREFERS.get(kind, ())]
            key = liked[0] if liked and rng.random() < 0.7 else free[0]
            free.remove(key)
            h = _onset_hour(kind, rng, world.outages)
            onset = START + h * HOUR + rng.randrange(0, 50) * 60
            daily = max(round(FACTOR[size] * ordinary_day(world, key.key_id)), FLOOR_TOKENS)
            thefts.append(Theft(key.key_id, kind, size, onset, daily, ZONE[kind]))
    return thefts


def commit(world: World, theft: Theft, rng: random.Random) -> None:
    """The theft's cells, from its onset to the world's end (none in an outage)."""
    first = (theft.onset - START) // HOUR
    role = owner_roles(world, theft.key_id)
    hours = [h if h < HOURS else h - 7 * 24 for h in range(first + 24, first + 48)]
    day = [sum(w for _, w, _ in plan(theft.kind, h, 24 + i, role)) for i, h in enumerate(hours)]
    per_weight = theft.daily_tokens / max(1e-9, sum(day))
    models = MODELS[world.provider]
    for h in range(first, HOURS):
        if any(a <= h < b for a, b in world.outages):
            continue
        part = 1.0 - (theft.onset - START - first * HOUR) / HOUR if h == first else 1.0
        for r, weight, shape in plan(theft.kind, h, h - first, role):
            if weight == 0 and theft.kind == "sleeper_probe" and h == first:
                n = rng.randint(1, 2)
                world.put(theft.key_id, h, models[r], n, 15 * n, 0, n)
                continue
            want = per_weight * weight * part * rng.lognormvariate(-0.02, 0.2)
            n = draw(rng, want / (shape.input + shape.output))
            if h == first and weight > 0:
                n = max(n, 1)  # a theft starts with its first request
            if n:
                world.put(theft.key_id, h, models[r], n, *tokens(rng, n, shape))
