"""A fourth usage world, written blind to leakward's usage model and to the first three worlds.

Stage: benchmark (usage watch, issue #20). Per seed and provider: ~90 keys of ten owner
archetypes (`usage_world4_services`, `usage_world4_people`) across eight time zones, two
provider outages with the retries that follow, owners' own broken deploys, some console use
without a key, and eight kinds of theft at three sizes each (`usage_world4_thieves`) with onsets
in the judged last 14 of 42 days. Written as the providers' usage pages, 1h buckets, through
`usage_page_writer.py`; labels give each theft's onset, end and kind, and each key-day's state.

    nice -n 15 .venv/bin/python -m bench.usage_world4 --seed 51 --provider openai [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.usage_page_writer import save_pages, write_pages
from bench.usage_world4_base import (
    DAYS,
    HOUR,
    HOURS,
    JUDGED_DAYS,
    PROVIDERS,
    START,
    Load,
    Shape,
    add,
    clock,
    new_load,
    pick,
)
from bench.usage_world4_people import coding_agent, deadline_research, dormant_demo, eval_harness
from bench.usage_world4_services import (
    Habit,
    classifier,
    model_migrator,
    rag_indexer,
    rotated_pair,
    saas_tenant,
    support_bot,
)
from bench.usage_world4_thieves import KINDS, SIZES, THIEVES, Owner
from leakward.usage.records import UsageRecord

OWNERS: tuple[tuple[Callable[[random.Random, str], Habit], int], ...] = (
    (support_bot, 9),
    (rag_indexer, 8),
    (saas_tenant, 8),
    (classifier, 7),
    (model_migrator, 9),
    (coding_agent, 12),
    (eval_harness, 7),
    (deadline_research, 8),
    (dormant_demo, 10),
)
ROTATED_PAIRS = 4
# Owners whose work waits in a queue: what an outage holds up is sent afterwards, with retries.
QUEUED = {"rag_indexer", "classifier", "eval_harness"}
# Keys no thief is put on: a dormant key gets only `dormant_wake`; a rotated pair is left clean
# so that a key first seen mid-span, and one that fades out, are both judged as clean habits.
UNROBBED = {"dormant_demo", "rotated_old", "rotated_new"}


@dataclass(frozen=True, slots=True)
class Key:
    key_id: str
    archetype: str
    zone: str
    note: str


@dataclass(frozen=True, slots=True)
class Theft:
    key_id: str
    kind: str
    size: str
    onset: int  # epoch seconds: the first bucket with the thief's use
    end: int  # epoch seconds: the end of the last bucket with it


@dataclass(frozen=True, slots=True)
class World:
    provider: str
    seed: int
    keys: tuple[Key, ...]
    thefts: tuple[Theft, ...]
    records: tuple[UsageRecord, ...]
    stolen: dict[str, Load]  # per robbed key, the thief's share of its usage as written
    outages: tuple[tuple[int, int], ...]  # provider outages, first and last hour + 1

    @property
    def days(self) -> int:
        return DAYS


def key_id(rng: random.Random, provider: str) -> str:
    """Ids shaped like each API's: OpenAI `key_…`, Anthropic `apikey_01…`."""
    alphabet = string.ascii_letters + string.digits
    if provider == "openai":
        return "key_" + "".join(rng.choice(alphabet) for _ in range(16))
    return "apikey_01" + "".join(rng.choice(alphabet) for _ in range(22))


def owners(provider: str, seed: int) -> list[Habit]:
    """Every key's owner; each key draws from its own generator, so keys do not shift others."""
    habits: list[Habit] = []
    for make, count in OWNERS:
        for _ in range(count):
            habits.append(make(random.Random(f"world4:{provider}:{seed}:{len(habits)}"), provider))
    for i in range(ROTATED_PAIRS):
        habits.extend(rotated_pair(random.Random(f"world4:{provider}:{seed}:pair{i}"), provider))
    return habits


def interrupt(load: Load, first: int, last: int, kept: float, retry: float) -> None:
    """Scale usage in hours [first, last) to `kept`; `retry` times the rest follows at `last`."""
    held: dict[str, list[float]] = {}
    for (hour, model), cell in list(load.items()):
        if first <= hour < last:
            sent = [round(v * kept) for v in cell]
            row = held.setdefault(model, [0.0] * 4)
            for i in range(4):
                row[i] += (cell[i] - sent[i]) * retry
            load[(hour, model)] = sent
    if last >= HOURS:
        return
    for model, row in held.items():
        cell = load[(last, model)]
        for i in range(4):
            cell[i] += round(row[i])


def disrupt(
    rng: random.Random, habits: list[Habit], thieves: list[Load]
) -> tuple[tuple[int, int], ...]:
    """Two provider outages for everyone, and a broken deploy now and then on single keys.
    Thieves retry everything once the provider is back: a proxy does not give up its customers."""
    outages = []
    for _ in range(2):
        first = rng.randrange(HOURS - 4)
        outages.append((first, first + rng.randint(1, 3)))
    for first, last in outages:
        for thief in thieves:
            interrupt(thief, first, last, 0.05, 1.0)
    for habit in habits:
        for first, last in outages:
            interrupt(habit.load, first, last, 0.05, 1.2 if habit.archetype in QUEUED else 0.0)
        if rng.random() < 0.1:
            first = rng.randrange(HOURS - 12)
            interrupt(habit.load, first, first + rng.randint(3, 12), 0.0, 0.0)
    return tuple(outages)


def console(rng: random.Random, provider: str) -> Load:
    """Playground use, billed without an API key: a null `api_key_id` the watch must pass over."""
    load, hours, model = new_load(), clock("Europe/London"), pick(rng, provider, "mid")
    for h in range(HOURS):
        if hours[h].is_workday and 10 <= hours[h].hour < 17 and rng.random() < 0.1:
            add(load, rng, h, model, rng.randint(1, 12), Shape(800, 0, 400))
    return load


def records(provider: str, key: str, loads: list[Load]) -> list[UsageRecord]:
    merged: dict[tuple[int, str], list[int]] = {}
    for load in loads:
        for where, cell in load.items():
            row = merged.setdefault(where, [0, 0, 0, 0])
            for i in range(4):
                row[i] += cell[i]
    out = []
    for (hour, model), (n, fresh, cached, output) in sorted(merged.items()):
        if n <= 0:
            continue
        start = START + hour * HOUR
        requests = n if provider == "openai" else None  # Anthropic reports no request count
        out.append(
            UsageRecord(provider, key, start, start + HOUR, model, requests, fresh, output, cached)
        )
    return out


def build_world(provider: str, seed: int) -> World:
    rng = random.Random(f"world4:{provider}:{seed}:world")
    habits = owners(provider, seed)
    ids = [key_id(rng, provider) for _ in habits]
    robbable = [i for i, h in enumerate(habits) if h.archetype not in UNROBBED]
    dormant = [i for i, h in enumerate(habits) if h.archetype == "dormant_demo"]
    targets = rng.sample(robbable, len(SIZES) * (len(KINDS) - 1)) + rng.sample(dormant, len(SIZES))
    plan = [(k, s) for k in KINDS if k != "dormant_wake" for s in SIZES]
    plan += [("dormant_wake", s) for s in SIZES]
    stolen: dict[int, tuple[str, str, Load]] = {}
    for index, (kind, size) in zip(targets, plan, strict=True):
        thief_rng = random.Random(f"world4:{provider}:{seed}:thief{index}")
        stolen[index] = (
            kind,
            size,
            THIEVES[kind](thief_rng, Owner(provider, habits[index].load), size),
        )
    outages = disrupt(rng, habits, [s[2] for s in stolen.values()])
    written: list[UsageRecord] = records(provider, "", [console(rng, provider)])
    thefts = []
    for index, habit in enumerate(habits):
        theirs = stolen.get(index)
        written += records(provider, ids[index], [habit.load, *([theirs[2]] if theirs else [])])
        if theirs:
            used = sorted(h for (h, _), cell in theirs[2].items() if cell[0] > 0)
            onset, end = START + used[0] * HOUR, START + (used[-1] + 1) * HOUR
            thefts.append(Theft(ids[index], theirs[0], theirs[1], onset, end))
    keys = tuple(Key(ids[i], h.archetype, h.zone, h.note) for i, h in enumerate(habits))
    loads = {ids[i]: s[2] for i, s in stolen.items()}
    return World(provider, seed, keys, tuple(thefts), tuple(written), loads, outages)


def pages(world: World) -> list[dict[str, object]]:
    return write_pages(world.provider, world.records, (START, START + HOURS * HOUR), "1h", 168)


def is_clean_day(world: World, key: str, day: int) -> bool:
    """A key-day is clean when it ends before any theft on the key begins."""
    onset = {t.key_id: t.onset for t in world.thefts}.get(key)
    return onset is None or START + (day + 1) * 24 * HOUR <= onset


def labels(world: World) -> dict[str, object]:
    thefts = {t.key_id: t for t in world.thefts}
    rows = []
    for key in world.keys:
        theft = thefts.get(key.key_id)
        rows.append(
            {
                "key_id": key.key_id,
                "archetype": key.archetype,
                "zone": key.zone,
                "note": key.note,
                "theft": None
                if theft is None
                else {
                    "kind": theft.kind,
                    "size": theft.size,
                    "onset": theft.onset,
                    "end": theft.end,
                },
                "clean_days": [is_clean_day(world, key.key_id, d) for d in range(DAYS)],
            }
        )
    return {"provider": world.provider, "seed": world.seed, "start": START, "days": DAYS,
            "judged_days": JUDGED_DAYS, "outages": world.outages, "keys": rows}  # fmt: skip


def write_world(world: World, folder: Path) -> list[Path]:
    """One JSON page a file, as the API returns them, and `labels.json` beside them."""
    files = save_pages(pages(world), folder, "page")
    (folder / "labels.json").write_text(json.dumps(labels(world), indent=1), encoding="utf-8")
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description="Build usage world 4, summarise or write it.")
    parser.add_argument("--seed", type=int, default=51)
    parser.add_argument("--provider", choices=PROVIDERS, default="openai")
    parser.add_argument("--out", type=Path, help="write the pages and labels.json here")
    args = parser.parse_args()
    world = build_world(args.provider, args.seed)
    counts = Counter(k.archetype for k in world.keys)
    print(f"{args.provider} seed {args.seed}: {len(world.keys)} keys", dict(counts))
    for theft in world.thefts:
        hours = (theft.end - theft.onset) // HOUR
        print(f"  {theft.kind:<15} {theft.size:<7} {theft.key_id[:14]}… {hours} h")
    if args.out:
        print(f"{len(write_world(world, args.out))} pages in {args.out}")


if __name__ == "__main__":
    main()
