"""World 5: eighty keys a provider over 42 days of late winter 2026, eight kinds of theft in
the last fourteen, written as the providers' usage pages.

Stage: benchmark (usage watch, issue #20). Written blind to the usage model and to the
earlier worlds' code: only `usage_page_writer.py`, the scoring rules of `usage_blackbox3.py`
and the command line of `usage_blackbox4.py` were read. Owners are in
`usage_world5_owners.py`, thieves in `usage_world5_thieves.py`, the calendar and models in
`usage_world5_base.py`. Deterministic per (provider, seed).

World-wide events, besides each owner's own: the provider is down for two hours once in the
history and once in the judged weeks (queued work returns after), developers try the dearest model
on two in five of the keys people handle (not pipelines') the day after a launch, and the console
(no API key) is used every day.

    nice -n 15 .venv/bin/python -m bench.usage_world5 --seed 61 --provider openai [--out DIR]
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.usage_page_writer import save_pages, write_pages
from bench.usage_world5_base import (
    DAY,
    DAYS,
    HOUR,
    JUDGED,
    MODELS,
    START,
    iso,
    key_id,
    local_hours,
    poisson,
)
from bench.usage_world5_ledger import Ledger, Shape
from bench.usage_world5_owners import ARCHETYPES, Owner, owner_ledger
from bench.usage_world5_roster import make_owner
from bench.usage_world5_thieves import (
    KINDS,
    SIZES,
    THIEF_ZONES,
    WEEKDAY_OWNERS,
    Theft,
    onset_for,
    theft_ledger,
)
from bench.usage_world_cli import run
from leakward.usage.records import UsageRecord

KEYS = 80
LAUNCH_DAY = 35  # Monday 16 March: the day after a (fictional) flagship launch
# Keys a person types with, so one may try a new model on them; pipelines' keys live in vaults.
HANDS_ON = ("hobbyist", "devrel_demos", "pr_reviewer", "agent_saas", "incident_copilot")
PAGE_LIMIT = 168  # the 1h maximum, so a world is six pages
# Kinds that need an owner of a certain habit: a weekend raid needs an office that is empty at
# weekends, a fork needs an app with users, topping up needs a daily cycle to top up.
SUITS = {
    "weekend_raid": WEEKDAY_OWNERS,
    "forked_app": (
        "tax_filer",
        "ramadan_companion",
        "homework_tutor",
        "npc_dialogue",
        "sports_desk",
        "agent_saas",
    ),
    "trough_fill": tuple(a for a in ARCHETYPES if a not in ("hobbyist", "localization")),
}


@dataclass(frozen=True, slots=True)
class Key:
    key_id: str
    archetype: str
    owner: Owner
    events: frozenset[tuple[int, str]]  # (day, legitimate event) for the report


@dataclass(frozen=True, slots=True)
class World:
    provider: str
    seed: int
    keys: tuple[Key, ...]
    thefts: tuple[Theft, ...]
    records: tuple[UsageRecord, ...]
    stolen: dict[str, Ledger]  # the thieves' ledgers by key, for the labels' checks
    outage: frozenset[int]


def archetype_plan() -> list[str]:
    """80 keys over the twelve archetypes, the busier kinds a little more often."""
    names = list(ARCHETYPES)
    return [names[i % len(names)] for i in range(KEYS)]


def outage_hours(rng: random.Random) -> frozenset[int]:
    """Two hours down in the history and two in the judged weeks, in the US working day."""
    hours = set()
    for days in (range(5, JUDGED.start - 1), range(JUDGED.start + 1, DAYS - 1)):
        first = rng.choice(days) * 24 + rng.randint(14, 20)
        hours |= {first, first + 1}
    return frozenset(hours)


def try_new_model(owner: Owner, provider: str, rng: random.Random, ledger: Ledger) -> None:
    """A developer tries the new flagship with the production key: a few requests in the
    owner's working hours on launch day."""
    local = local_hours(owner.zone)
    hours = [h for h in range(LAUNCH_DAY * 24, LAUNCH_DAY * 24 + 24) if 10 <= local[h].hour < 18]
    for h in rng.sample(hours, rng.randint(1, 3)):
        ledger.add(rng, h, MODELS[provider]["premium"], rng.randint(3, 25), Shape(2_500, 900, 0.0))


def steal(
    keys: list[Key],
    ledgers: dict[str, Ledger],
    provider: str,
    rng: random.Random,
    outage: frozenset[int],
) -> tuple[list[Theft], dict[str, Ledger]]:
    """One theft of each kind and size, each on its own key."""
    free = list(keys)
    rng.shuffle(free)
    thefts, stolen = [], {}
    for kind in KINDS:
        for size in SIZES:
            key = next(k for k in free if k.archetype in SUITS.get(kind, ARCHETYPES))
            free.remove(key)
            # a developer sharing the key often works where its owner does, hours and all
            zone = key.owner.zone if kind == "cohabit_dev" and rng.random() < 0.5 else None
            zone = zone or rng.choice(THIEF_ZONES)
            onset = onset_for(kind, key.owner, zone, rng)
            while (onset - START) // HOUR in outage:
                onset = onset_for(kind, key.owner, zone, rng)
            theft = Theft(key.key_id, kind, size, onset, zone)
            thefts.append(theft)
            stolen[key.key_id] = theft_ledger(theft, key.owner, ledgers[key.key_id], provider, rng)
    return thefts, stolen


def records_of(
    provider: str, key: str, ledgers: Sequence[Ledger], outage: frozenset[int]
) -> list[UsageRecord]:
    """The API's view: every party's requests on the key summed per bucket and model."""
    cells: dict[tuple[int, str], list[int]] = {}
    for ledger in ledgers:
        for (hour, model), cell in ledger.cells.items():
            if hour in outage:
                continue
            total = cells.setdefault((hour, model), [0, 0, 0, 0])
            for i in range(4):
                total[i] += cell[i]
    return [
        UsageRecord(
            provider, key, START + h * HOUR, START + (h + 1) * HOUR, model, c[0], c[1], c[3], c[2]
        )
        for (h, model), c in sorted(cells.items())
    ]


def console_records(provider: str, rng: random.Random) -> list[UsageRecord]:
    """Playground and console use, which the API reports with a null key."""
    ledger = Ledger()
    for day in range(DAYS):
        for _ in range(poisson(rng, 3)):
            ledger.add(
                rng,
                day * 24 + rng.randint(8, 22),
                MODELS[provider]["main"],
                rng.randint(1, 12),
                Shape(1_500, 600),
            )
    return records_of(provider, "", [ledger], frozenset())


def build_world(provider: str, seed: int) -> World:
    """The world of `seed` for `provider`; the same arguments give the same world."""
    rng = random.Random(f"world5/{provider}/{seed}")
    outage = outage_hours(rng)
    keys, ledgers = [], {}
    for archetype in archetype_plan():
        owner = make_owner(archetype, rng)
        name = key_id(provider, rng)
        ledgers[name], events = owner_ledger(owner, provider, random.Random(rng.random()), outage)
        if archetype in HANDS_ON and rng.random() < 0.4:
            try_new_model(owner, provider, rng, ledgers[name])
            events.add((LAUNCH_DAY, "new model tried"))
        keys.append(Key(name, archetype, owner, frozenset(events)))
    thefts, stolen = steal(keys, ledgers, provider, rng, outage)
    records = console_records(provider, rng)
    for key in keys:
        parts = [ledgers[key.key_id], *([stolen[key.key_id]] if key.key_id in stolen else [])]
        records += records_of(provider, key.key_id, parts, outage)
    return World(provider, seed, tuple(keys), tuple(thefts), tuple(records), stolen, outage)


def pages(world: World) -> list[dict[str, object]]:
    return write_pages(world.provider, world.records, (START, START + DAYS * DAY), "1h", PAGE_LIMIT)


def write_world(world: World, folder: Path) -> list[Path]:
    """The world's pages, one JSON file each, as `leakward usage analyze` reads them."""
    return save_pages(pages(world), folder, f"{world.provider}-{world.seed}")


def is_clean_day(world: World, key: str, day: int) -> bool:
    """A judged day of a key no thief had touched by that day's end."""
    if day not in JUDGED:
        return False
    onset = next((t.onset for t in world.thefts if t.key_id == key), None)
    return onset is None or START + (day + 1) * DAY <= onset


def labels(world: World) -> dict[str, object]:
    return {
        "provider": world.provider,
        "seed": world.seed,
        "start": START,
        "days": DAYS,
        "judged_days": list(JUDGED),
        "outage_hours": sorted(START + h * HOUR for h in world.outage),
        "keys": [
            {
                "key_id": k.key_id,
                "archetype": k.archetype,
                "zone": k.owner.zone,
                "events": sorted([d, e] for d, e in k.events),
            }
            for k in world.keys
        ],
        "thefts": [asdict(t) | {"onset_iso": iso(t.onset)} for t in world.thefts],
    }


def summary(world: World) -> list[str]:
    tokens = Counter[str]()
    for record in world.records:
        tokens[record.key_id] += (
            record.input_tokens + record.cached_input_tokens + record.output_tokens
        )
    by_arch = Counter[str]()
    for key in world.keys:
        by_arch[key.archetype] += tokens[key.key_id]
    lines = [
        f"world 5 {world.provider} seed {world.seed}: {len(world.keys)} keys, "
        f"{len(world.records)} records, {len(world.thefts)} thefts"
    ]
    lines += [f"  {a:<18} {n / 1e6:10.1f} M tokens" for a, n in sorted(by_arch.items())]
    for theft in world.thefts:
        arch = next(k.archetype for k in world.keys if k.key_id == theft.key_id)
        lines.append(
            f"  {theft.kind:<13} {theft.size:<6} on {arch:<18} from {iso(theft.onset)}, "
            f"{world.stolen[theft.key_id].tokens() / 1e6:.2f} M tokens"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    run(sys.modules[__name__], "Build world 5; summarise it or write it.", 61, argv)


if __name__ == "__main__":
    main()
