"""World 13, issue #20's thirteenth blind world: January - March 2025, its owners and thieves.

Stage: benchmarks only (issue #20). Written without reading the usage model, its tests, the
earlier worlds or their simulators (only the page writer, the scorers and their harness, the
shared command line and the providers' specs), so the model is judged on data it was not tuned
on. 6 January - 2 March 2025, the last 14 days judged (17 February - 2 March): the IRS's filing
season, Lunar New Year, the DeepSeek-R1 week, o3-mini, the Super Bowl, Valentine's Day, England's
half-term, Germany's and Ecuador's votes, Australian orientation week and semester 1, Claude 3.7
Sonnet, GPT-4.5 and the start of Ramadan (`usage_world13_calendar`); nineteen owner kinds
(`usage_world13_owners`, `usage_world13_roster`) and ten thief kinds at three sizes
(`usage_world13_thieves`), written as the providers' 1h usage pages a week a page.

    python -m bench.usage_world13 --seed 151 --provider anthropic [--out DIR]
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench import usage_world_cli
from bench.usage_page_writer import save_pages, write_pages
from bench.usage_world13_base import DAY, DAYS, HOUR, JUDGED_DAYS, START, Record
from bench.usage_world13_roster import Key, roster
from bench.usage_world13_thefts import bill, place
from bench.usage_world13_thieves import Theft
from bench.usage_world13_usage import Totals, console_usage, owner_usage

SEEDS = (151, 152, 153)
CALIBRATION_SEED = 159


@dataclass(frozen=True, slots=True)
class World:
    seed: int
    provider: str
    keys: tuple[Key, ...]
    thefts: tuple[Theft, ...]
    records: tuple[Record, ...]
    happenings: Mapping[tuple[str, int], tuple[str, ...]]  # (key id, day) -> owner's events


def build_world(provider: str, seed: int) -> World:
    keys = roster(provider, seed)
    totals: Totals = {}
    happenings: dict[tuple[str, int], tuple[str, ...]] = {}
    for key in keys:
        for day, names in owner_usage(provider, key, seed, totals).items():
            happenings[key.key_id, day] = names
    console_usage(provider, seed, totals)
    thefts, profiles = place(provider, seed, keys, totals)
    by_id = {key.key_id: key for key in keys}
    for theft in thefts:
        bill(provider, seed, theft, by_id[theft.key_id], profiles[theft.key_id], totals)
    records = tuple(
        Record(key_id, model, START + hour * HOUR, *cell)
        for (key_id, model, hour), cell in sorted(totals.items(), key=lambda c: (c[0][2], c[0]))
    )
    return World(seed, provider, keys, thefts, records, happenings)


def is_clean_day(world: World, key_id: str, day: int) -> bool:
    """A day the key existed (issued, not yet rotated away) with no theft on it yet."""
    key = next(k for k in world.keys if k.key_id == key_id)
    if day < key.issued or (key.retired is not None and day > key.retired):
        return False
    return all(t.key_id != key_id or day < (t.onset - START) // DAY for t in world.thefts)


def events(world: World, key: Key, day: int) -> tuple[str, ...]:
    return world.happenings.get((key.key_id, day), ())


def issued(world: World) -> dict[str, int]:
    """When each key was issued, as the registry knows it: the spares too, which no page shows
    until a thief uses one."""
    return {key.key_id: START + key.issued * DAY for key in world.keys}


def pages(world: World) -> list[dict[str, object]]:
    """The season as 1h pages of a week each (the API's limit allows 168 buckets a page)."""
    return write_pages(
        world.provider,
        world.records,  # type: ignore[arg-type]  # the writer reads only these fields
        (START, START + DAYS * DAY),
        "1h",
        limit=168,
    )


def write_world(world: World, folder: Path) -> list[Path]:
    return save_pages(pages(world), folder, f"world13-{world.provider}-{world.seed}")


def labels(world: World) -> dict[str, object]:
    return {
        "provider": world.provider,
        "seed": world.seed,
        "start": START,
        "days": DAYS,
        "judged_days": JUDGED_DAYS,
        "keys": {k.key_id: k.archetype for k in world.keys},
        "thefts": [
            {"key_id": t.key_id, "kind": t.kind, "size": t.size, "onset": t.onset, "daily": t.daily}
            for t in world.thefts
        ],
    }


def summary(world: World) -> list[str]:
    kinds = Counter(k.archetype for k in world.keys)
    tokens = Counter[str]()
    for record in world.records:
        tokens[record.model] += record.tokens
    cost = sum(r.cost for r in world.records)
    lines = [
        f"world 13, {world.provider} seed {world.seed}: {len(world.keys)} keys, "
        f"{len(world.records)} records, {len(world.thefts)} thefts, ${cost:,.0f} billed",
        "owners: " + ", ".join(f"{name} {n}" for name, n in kinds.items()),
        "tokens by model: " + ", ".join(f"{m} {n / 1e6:.0f}M" for m, n in tokens.most_common()),
    ]
    owner = {k.key_id: k.archetype for k in world.keys}
    lines += [
        f"  theft {t.kind:<19} {t.size:<6} day {(t.onset - START) // DAY} "
        f"{t.daily / 1e6:.2f}M/day on {owner[t.key_id]}"
        for t in world.thefts
    ]
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    usage_world_cli.run(sys.modules[__name__], __doc__ or "", SEEDS[0], argv)


if __name__ == "__main__":
    main()
