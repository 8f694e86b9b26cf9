"""World 11: late July to mid September 2025, issue #20's eleventh usage world, written blind.

Stage: benchmarks only. Builds a provider's world for a seed (84 keys of twenty owner kinds,
four rotated by their owners in the judged weeks, console use with no key, two outages with
queued owners replaying, thirty thefts) and writes it as the provider's 1h usage pages. The
calendar and records are in `usage_world11_base`, the owners in `_owners` and `_seasons`, the
roster in `_roster`, the thieves in `_thieves`; the scorer is `usage_blackbox11`.

    python -m bench.usage_world11 --seed 131 --provider anthropic [--out DIR]
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import usage_world_cli
from bench.usage_page_writer import save_pages, write_pages
from bench.usage_world11_base import (
    DAY,
    DAYS,
    FIRST_JUDGED,
    HOUR,
    HOURS,
    MODELS,
    RELEASED,
    START,
    Key,
    Local,
    Shape,
    World,
    clock,
    draw,
    tokens,
)
from bench.usage_world11_roster import OWNERS, QUEUED, roster
from bench.usage_world11_thieves import choose, commit
from leakward.usage.records import UsageRecord

SEEDS = (131, 132, 133)
CALIBRATION_SEED = 139
# Per provider, [first hour, end hour): one in the history, one in the judged weeks.
OUTAGES = {
    "openai": [(22 * 24 + 14, 22 * 24 + 17), (51 * 24 + 2, 51 * 24 + 5)],
    "anthropic": [(24 * 24 + 16, 24 * 24 + 19), (50 * 24 + 12, 50 * 24 + 14)],
}
CONSOLE_ZONE = "America/New_York"


def model(provider: str, role: str, day: int) -> str:
    """The model a role names on a day: before a new model's release, the main one."""
    if day < RELEASED.get((provider, role), 0):
        role = "main"
    return MODELS[provider][role]


def _owner_cells(world: World, key: Key, rng: random.Random) -> None:
    owner = OWNERS[key.archetype]
    local = clock(key.zone)
    swing = [rng.lognormvariate(-0.02, 0.2) for _ in range(DAYS + 1)]
    backlog: dict[tuple[str, Shape], float] = {}
    drained: set[tuple[str, Shape]] = set()  # queues that sent their first share
    events: dict[int, set[str]] = {}
    used: set[int] = set()  # days with the owner's own usage
    for h in range(key.born, key.dies):
        t = local[h]
        demand, labels = owner(key, t)
        day = h // 24
        if labels:
            events.setdefault(day, set()).update(labels)
        down = any(a <= h < b for a, b in world.outages)
        for role, expected, shape in demand:
            want = expected * swing[t.when.toordinal() % (DAYS + 1)]
            if down:
                if key.archetype in QUEUED:
                    backlog[(role, shape)] = backlog.get((role, shape), 0.0) + want
                continue
            n = draw(rng, want)
            if n:
                used.add(day)
                world.put(
                    key.key_id, h, model(world.provider, role, day), n, *tokens(rng, n, shape)
                )
        if backlog and not down:  # the queue drains in the two hours after the outage
            for (role, shape), want in list(backlog.items()):
                share = 0.6 if (role, shape) not in drained else 1.0
                n = draw(rng, want * share)
                world.put(
                    key.key_id, h, model(world.provider, role, day), n, *tokens(rng, n, shape)
                )
                backlog[(role, shape)] = want * (1 - share)
                drained.add((role, shape))
            backlog = {k: v for k, v in backlog.items() if v}
            drained = drained & set(backlog)
            events.setdefault(day, set()).add("outage backlog")
    if key.born > 0:
        events.setdefault(key.born // 24, set()).add("new key (rotated)")
    _tinker(world, key, rng, local, events, used)
    for day, names in events.items():
        world.events[(key.key_id, day)] = tuple(sorted(names))


TRIED = ("nano", "mini", "main", "top", "new", "new_mid", "reason_small")


def _tinker(
    world: World,
    key: Key,
    rng: random.Random,
    local: tuple[Local, ...],
    events: dict[int, set[str]],
    used: set[int],
) -> None:
    """Someone on the team tries another model for a few requests on a weekday late morning of
    a day the key is in use: now and then, and often in the week a new model is released."""
    keen = rng.random()
    for day in sorted(used):
        launch = any(0 <= day - d < 7 for (p, _), d in RELEASED.items() if p == world.provider)
        if rng.random() >= keen * (0.25 if launch else 0.05):
            continue
        hours = [t for t in local[day * 24 : day * 24 + 24] if t.clock == 11 and not t.weekend]
        if not hours or not key.born <= hours[0].hour < key.dies:
            continue
        if any(a <= hours[0].hour < b for a, b in world.outages):
            continue
        role = "new" if launch and rng.random() < 0.6 else rng.choice(TRIED)
        n = rng.randint(1, 6)
        name = model(world.provider, role, day)
        world.put(key.key_id, hours[0].hour, name, n, *tokens(rng, n, Shape(1500, 600, 0.0, 0.8)))
        events.setdefault(day, set()).add("tried another model")


def _console(world: World, rng: random.Random) -> None:
    """The team trying prompts in the console and playground: no API key."""
    for t in clock(CONSOLE_ZONE):
        if t.weekend or not 9 <= t.clock < 18 or any(a <= t.hour < b for a, b in world.outages):
            continue
        n = draw(rng, 4.0)
        role = "top" if rng.random() < 0.3 else "main"
        if n:
            shape = Shape(2500, 800, 0.0, 0.8)
            world.put(
                "", t.hour, model(world.provider, role, t.hour // 24), n, *tokens(rng, n, shape)
            )


def build_world(provider: str, seed: int) -> World:
    rng = random.Random(f"world11-{provider}-{seed}")
    keys = roster(provider, rng)
    world = World(seed, provider, keys, {}, [], {}, list(OUTAGES[provider]))
    for key in keys:
        _owner_cells(world, key, random.Random(f"{seed}-{provider}-{key.key_id}"))
    _console(world, rng)
    world.thefts = choose(world, rng)
    for theft in world.thefts:
        commit(world, theft, random.Random(f"{seed}-{theft.key_id}-{theft.kind}"))
    return world


def is_clean_day(world: World, key_id: str, day: int) -> bool:
    """A day the key lived, before any theft's day on it."""
    key = next(k for k in world.keys if k.key_id == key_id)
    if not (key.born < (day + 1) * 24 and day * 24 < key.dies):
        return False
    return all(t.key_id != key_id or day < (t.onset - START) // DAY for t in world.thefts)


def events(world: World, key: Key, day: int) -> tuple[str, ...]:
    return world.events.get((key.key_id, day), ())


def records(world: World) -> list[UsageRecord]:
    openai = world.provider == "openai"
    return [
        UsageRecord(
            world.provider,
            key_id,
            START + h * HOUR,
            START + (h + 1) * HOUR,
            name,
            u.requests if openai else None,
            u.input_tokens,
            u.output,
            u.cached,
        )
        for (key_id, h, name), u in world.cells.items()
    ]


def pages(world: World) -> list[dict[str, Any]]:
    return write_pages(world.provider, records(world), (START, START + HOURS * HOUR), "1h", 168)


def write_world(world: World, folder: Path) -> list[Path]:
    return save_pages(pages(world), folder, f"{world.provider}-{world.seed}")


def labels(world: World) -> dict[str, object]:
    return {
        "seed": world.seed,
        "provider": world.provider,
        "start": START,
        "days": DAYS,
        "first_judged": FIRST_JUDGED,
        "keys": [
            {
                "key_id": k.key_id,
                "archetype": k.archetype,
                "variant": k.variant,
                "zone": k.zone,
                "born": k.born,
                "dies": k.dies,
            }
            for k in world.keys
        ],
        "thefts": [
            {
                "key_id": t.key_id,
                "kind": t.kind,
                "size": t.size,
                "onset": t.onset,
                "daily_tokens": t.daily_tokens,
                "zone": t.zone,
            }
            for t in world.thefts
        ],
        "outages": world.outages,
    }


def summary(world: World) -> list[str]:
    per_kind = Counter[str]()
    owner = {k.key_id: k.archetype for k in world.keys}
    for (key_id, _, _), u in world.cells.items():
        per_kind[owner.get(key_id, "(console)")] += u.tokens
    lines = [f"world 11 {world.provider} seed {world.seed}: {len(world.keys)} keys"]
    lines += [
        f"  {kind:<20} {tokens / 1e6:9.1f} M tokens" for kind, tokens in sorted(per_kind.items())
    ]
    for t in world.thefts:
        lines.append(
            f"  theft {t.kind:<18} {t.size:<6} on {owner[t.key_id]:<20} "
            f"day {(t.onset - START) // DAY} {t.daily_tokens:>10} tokens/day"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    usage_world_cli.run(
        __import__(__name__, fromlist=["build_world"]), "Build world 11.", SEEDS[0], argv
    )


if __name__ == "__main__":
    main()
