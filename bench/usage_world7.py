"""World 7: a blind test world for the usage watch, spring 2026 in Asia, Africa, Europe and
New Zealand.

Stage: benchmark (usage watch, issue #20). Written without reading the usage model or worlds
1-6 (only `usage_page_writer.py`, the scorer `usage_blackbox_calendar.py`, the fakes' page
shapes and the published specs in tests/contracts/specs/ were read). `build_world(provider,
seed)` draws 80 keys of twelve kinds of owner (`usage_world7_owners`), renders their hourly
usage with the provider's outage, adds keyless console use, and puts one theft of each kind and
size (`usage_world7_thieves`, 24 a world) on distinct keys from a minute of the judged weeks,
labelled from the thief's first request; `pages` gives the provider's 1h pages
(`usage_world7_pages`). Every RNG is seeded by (provider, seed, what it draws), so a seed is one
world.

    python -m bench.usage_world7 --seed 81 --provider openai           # summary
    python -m bench.usage_world7 --seed 81 --provider openai --out DIR # pages + labels.json
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bench import usage_world7_pages
from bench.usage_world7_base import DAY, DAYS, HOUR, JUDGED_DAYS, START, curve, model
from bench.usage_world7_habits import Owner
from bench.usage_world7_owners import outage, owners
from bench.usage_world7_streams import Ledger, Stream, render
from bench.usage_world7_thieves import (
    Scene,
    Theft,
    kinds_and_sizes,
    onset_minute,
    plan,
    profile,
)
from bench.usage_world_cli import run

CONSOLE_HOURS = curve("0:0 8:0 10:1 17:1 19:0")


@dataclass(frozen=True, slots=True)
class World:
    seed: int
    provider: str
    keys: tuple[Owner, ...]
    thefts: tuple[Theft, ...]
    ledger: Ledger


def build_world(provider: str, seed: int) -> World:
    keys = owners(provider, seed)
    down = outage(keys, random.Random(f"world7/{provider}/{seed}/outage"))
    ledger = Ledger()
    for owner in keys:
        for index, stream in enumerate(owner.streams):
            render(stream, owner.key_id, ledger, _rng(provider, seed, owner.key_id, index))
    _console(provider, seed, ledger)
    rng = random.Random(f"world7/{provider}/{seed}/thefts")
    # A rotated key is revoked and its successor is too new to have habits a thief could copy.
    eligible = [o for o in keys if not any("rotation" in names for names in o.events.values())]
    victims = rng.sample(eligible, len(kinds_and_sizes()))
    thefts = [
        _steal(provider, seed, owner, kind, size, ledger, down, rng)
        for owner, (kind, size) in zip(victims, kinds_and_sizes(), strict=True)
    ]
    return World(seed, provider, tuple(keys), tuple(thefts), ledger)


def _steal(
    provider: str,
    seed: int,
    owner: Owner,
    kind: str,
    size: str,
    ledger: Ledger,
    down: tuple[tuple[int, int, float], ...],
    rng: random.Random,
) -> Theft:
    """Put one theft on the key, into the ledger, and label it from its first request."""
    planned = onset_minute(rng)
    theft = plan(kind, size, Scene(owner, profile(ledger, owner.key_id), provider, planned, 0, rng))
    mine = Ledger()
    for index, stream in enumerate(theft.streams):
        # The provider's outage stops the thief's requests too.
        stream = replace(stream, bursts=stream.bursts + down)
        render(stream, owner.key_id, mine, _rng(provider, seed, owner.key_id, 100 + index))
    for moment, count, name in theft.pings:
        cell = mine.cell(owner.key_id, (moment - START) // HOUR, name)
        cell.requests += count
        cell.uncached += count * rng.randint(8, 16)
        cell.output += count  # a checker asks for one token
    # The theft begins with its first request: a thief of the owner's off hours may wait.
    first = min(mine.cells.get(owner.key_id, {}), default=(planned - START) // HOUR)
    onset = max(planned, START + first * HOUR)
    ledger.merge(mine)
    return Theft(owner.key_id, kind, size, onset, max(theft.end, onset + 60))


def _rng(provider: str, seed: int, key_id: str, index: int) -> random.Random:
    return random.Random(f"world7/{provider}/{seed}/{key_id}/{index}")


def _console(provider: str, seed: int, ledger: Ledger) -> None:
    """A few people try prompts in the console in Tokyo's and Warsaw's office hours."""
    for index, region in enumerate(("tokyo", "warsaw")):
        stream = Stream(
            region,
            3.0,
            ((model(provider, "mid"), 1.0),),
            900,
            0.8,
            CONSOLE_HOURS,
            tuple(0.1 * w for w in CONSOLE_HOURS),
            holiday=0.1,
        )
        render(stream, usage_world7_pages.CONSOLE, ledger, _rng(provider, seed, "console", index))


def is_clean_day(world: World, key_id: str, day: int) -> bool:
    """No theft on the key, or the theft starts on a later day."""
    return all(t.onset >= START + (day + 1) * DAY for t in world.thefts if t.key_id == key_id)


def events(world: World, key: Owner, day: int) -> tuple[str, ...]:
    return tuple(key.events.get(day, ()))


def pages(world: World) -> Iterator[dict[str, object]]:
    return usage_world7_pages.pages(world.provider, world.ledger)


def write_world(world: World, folder: Path) -> list[Path]:
    return usage_world7_pages.save(world.provider, world.ledger, folder)


def labels(world: World) -> dict[str, object]:
    return {
        "world": 7,
        "seed": world.seed,
        "provider": world.provider,
        "start": START,
        "days": DAYS,
        "judged_days": JUDGED_DAYS,
        "keys": [
            {
                "key_id": k.key_id,
                "archetype": k.archetype,
                "region": k.region,
                "events": {str(day): names for day, names in sorted(k.events.items())},
            }
            for k in world.keys
        ],
        "thefts": [
            {"key_id": t.key_id, "kind": t.kind, "size": t.size, "onset": t.onset, "end": t.end}
            for t in world.thefts
        ],
    }


def summary(world: World) -> list[str]:
    archetypes = Counter(k.archetype for k in world.keys)
    lines = [
        f"world 7 {world.provider} seed {world.seed}: {len(world.keys)} keys, "
        f"{len(world.thefts)} thefts, {DAYS} days (last {JUDGED_DAYS} judged)"
    ]
    lines += [f"  {name:<16} {count:>3} keys" for name, count in archetypes.items()]
    for theft in world.thefts:
        archetype = next(k.archetype for k in world.keys if k.key_id == theft.key_id)
        day = (theft.onset - START) / DAY
        lines.append(f"  theft {theft.kind:<13} {theft.size:<7} on {archetype:<15} day {day:5.2f}")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    run(sys.modules[__name__], "Summarise or write a world-7 usage world.", 81, argv)


if __name__ == "__main__":
    main()
