"""Usage world 10: Christmas and New Year, 17 November 2025 - 4 January 2026, written blind.

Stage: benchmarks only (issue #20). A tenth unseen world for the usage watch, written without
reading the usage model, the simulator or worlds 2-9's modules (only `usage_page_writer.py`, the
scorer `usage_blackbox_calendar.py` and `usage_blackbox3.py`'s scoring, `usage_world_cli.py`, the
specs in `tests/contracts/specs/` and `leakward usage analyze --help` were read). 88 keys a
provider of twenty owner kinds (`usage_world10_owners.py`) in some forty zones: retail through
Black Friday to the returns, a returns desk's Boxing Day, payroll's 13th-month and year-end
closes, CI keys frozen then shut down, on-call rotas held from another country, greeting cards
and New Year's wishes at each zone's midnight, travel getaways and storm rebookings, "year in
review" batches, developers on leave (one abroad, one gone for good), southern-hemisphere summer
shutdowns, Orthodox New Year shops, year-end giving, New Year's resolutions, document queues,
keys rotated by their owners in the judged weeks, dormant keys, a game's winter event, hospital
shifts and a newsroom's New Year's Eve. Two provider outages a world (one judged) with queued
owners replaying their backlog, and console use with no key. Thirty thefts a world
(`usage_world10_thieves.py`), onset in the last 14 days. The world ends before today, as
`leakward usage analyze` refuses buckets after the machine's clock.

    python -m bench.usage_world10 --seed 121 --provider openai [--out DIR]
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from bench import usage_world_cli
from bench.usage_page_writer import save_pages, write_pages
from bench.usage_world10_base import (
    DAY,
    DAYS,
    FIRST_JUDGED,
    HOUR,
    HOURS,
    MODELS,
    OFFICE,
    START,
    Key,
    World,
    local,
)
from bench.usage_world10_owners import OWNERS, QUEUED
from bench.usage_world10_roster import roster
from bench.usage_world10_thieves import add, place, poisson, shaped
from leakward.usage.records import UsageRecord

SEEDS = (121, 122, 123)
CALIBRATION_SEED = 129
REPLAY_HOURS = 3  # a queued owner's backlog drains over this many hours after an outage


def outages(rng: random.Random) -> list[tuple[int, int]]:
    """One outage in the history and one in the judged weeks, a few afternoon hours UTC."""
    spans = []
    for first_day, last_day in ((10, 30), (FIRST_JUDGED + 1, DAYS - 3)):
        begin = rng.randrange(first_day, last_day) * 24 + rng.randrange(12, 20)
        spans.append((begin, begin + rng.randrange(2, 5)))
    return spans


def _split(rng: random.Random, n: int, share: float) -> int:
    if n < 30:
        return sum(rng.random() < share for _ in range(n))
    return min(n, max(0, round(rng.gauss(n * share, (n * share * (1 - share)) ** 0.5))))


def live(world: World, key: Key, rng: random.Random) -> None:
    """The owner's hours: expected requests from its kind, a day's mood, Poisson counts; an
    outage bills nothing and a queued owner replays what it lost once the provider is back."""
    models = MODELS[world.provider]
    blocked = {h: last for first, last in world.outages for h in range(first, last)}
    backlog: dict[int, float] = {}
    moods: dict[date, float] = {}  # the owner's mood of a local day: busier or quieter
    owner = OWNERS[key.archetype]
    for h in range(key.born, key.dies):
        t = local(key.zone, h)
        shape = owner(key, t)
        day = h // 24
        if shape.events:
            world.events[(key.key_id, day)] = tuple(
                sorted({*world.events.get((key.key_id, day), ()), *shape.events})
            )
        if t.date() not in moods:
            moods[t.date()] = random.Random(f"{key.key_id}:{t.date()}:mood").lognormvariate(0, 0.15)
        lam = shape.rate * key.scale * moods[t.date()]
        if h in blocked:
            if key.archetype in QUEUED:
                for later in range(blocked[h], blocked[h] + REPLAY_HOURS):
                    backlog[later] = backlog.get(later, 0.0) + lam / REPLAY_HOURS
                _note(world, key.key_id, day, "outage backlog")
            continue
        lam += backlog.pop(h, 0.0)
        n = poisson(rng, lam)
        if not n:
            continue
        main = shape.tier or key.tier
        second = _split(rng, n, key.share) if shape.tier is None else 0
        for tier, count in ((main, n - second), (key.second, second)):
            if count:
                usage = shaped(rng, count, key.prompt, key.ratio, key.cache)
                add(world, key.key_id, h, models[tier], usage)


def _note(world: World, key_id: str, day: int, event: str) -> None:
    world.events[(key_id, day)] = tuple(sorted({*world.events.get((key_id, day), ()), event}))


def console(world: World, rng: random.Random) -> None:
    """People trying prompts in the console or playground: usage with no API key."""
    models = MODELS[world.provider]
    blocked = {h for first, last in world.outages for h in range(first, last)}
    for h in range(HOURS):
        t = local("America/New_York", h)
        n = poisson(rng, 4 * OFFICE[t.hour] * (0.1 if t.weekday() >= 5 else 1.0))
        if n and h not in blocked:
            tier = "top" if rng.random() < 0.3 else "main"
            add(world, "", h, models[tier], shaped(rng, n, 1200, 0.6, 0.0))


def build_world(provider: str, seed: int) -> World:
    rng = random.Random(f"world10:{provider}:{seed}")
    world = World(seed=seed, provider=provider, keys=roster(provider, rng))
    world.outages = outages(rng)
    for key in world.keys:
        live(world, key, rng)
    console(world, rng)
    world.thefts = place(world, rng)
    return world


def is_clean_day(world: World, key_id: str, day: int) -> bool:
    """A day the key lived (a rotated pair's old key before it dies, its new key from its
    birth) with no theft begun on it: a day a key did not exist cannot be flagged, so counting
    it would flatter every method's false-positive rate."""
    key = next(k for k in world.keys if k.key_id == key_id)
    alive = key.born < (day + 1) * 24 and day * 24 < key.dies
    return alive and all(t.key_id != key_id or day < (t.onset - START) // DAY for t in world.thefts)


def events(world: World, key: Key, day: int) -> tuple[str, ...]:
    return world.events.get((key.key_id, day), ())


def records(world: World) -> Iterable[UsageRecord]:
    for (key_id, hour, model), cell in sorted(world.cells.items()):
        start = START + hour * HOUR
        yield UsageRecord(
            provider=world.provider,
            key_id=key_id,
            start=start,
            end=start + HOUR,
            model=model,
            requests=cell.requests,
            input_tokens=cell.input_tokens,
            output_tokens=cell.output,
            cached_input_tokens=cell.cached,
        )


def pages(world: World) -> list[dict[str, object]]:
    span = (START, START + DAYS * DAY)
    return write_pages(world.provider, records(world), span, "1h", limit=168)


def write_world(world: World, folder: Path) -> list[Path]:
    return save_pages(pages(world), folder, f"world10-{world.provider}-{world.seed}")


def labels(world: World) -> dict[str, object]:
    return {
        "seed": world.seed,
        "provider": world.provider,
        "start": START,
        "days": DAYS,
        "judged_from_day": FIRST_JUDGED,
        "keys": [
            {"key_id": k.key_id, "archetype": k.archetype, "zone": k.zone} for k in world.keys
        ],
        "thefts": [
            {"key_id": t.key_id, "kind": t.kind, "size": t.size, "onset": t.onset}
            for t in world.thefts
        ],
        "outages": [[START + a * HOUR, START + b * HOUR] for a, b in world.outages],
    }


def summary(world: World) -> list[str]:
    tokens: dict[str, int] = {}
    for (key_id, _, _), cell in world.cells.items():
        tokens[key_id] = tokens.get(key_id, 0) + cell.input_tokens + cell.cached + cell.output
    kinds: dict[str, list[Key]] = {}
    for key in world.keys:
        kinds.setdefault(key.archetype, []).append(key)
    lines = [f"world 10, {world.provider}, seed {world.seed}: {len(world.keys)} keys"]
    for kind, keys in kinds.items():
        total = sum(tokens.get(k.key_id, 0) for k in keys)
        lines.append(f"  {kind:<16} {len(keys)} keys, {total / 1e6:8.1f} M tokens")
    lines.append(f"  console (no key)  {tokens.get('', 0) / 1e6:8.1f} M tokens")
    for theft in world.thefts:
        lines.append(
            f"  theft {theft.kind:<16} {theft.size:<8} onset {theft.onset} "
            f"{theft.daily_tokens:>10} tokens a day"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    from bench import usage_world10  # this module, as the shared command line takes it

    usage_world_cli.run(usage_world10, "Summarise world 10 or write its pages.", SEEDS[0], argv)


if __name__ == "__main__":
    main()
