"""World 12, issue #20's twelfth blind usage world: spring 2025, exams, holidays and launches.

Stage: benchmarks only (issue #20). Written without reading the usage model or earlier worlds
(only the page writer, the scorer `usage_blackbox_calendar`, `usage_blackbox3`'s scoring,
`usage_blackbox11`'s harness, `usage_world_cli`, the published specs and `analyze --help`).

14 April - 8 June 2025, the last 14 days (26 May - 8 June) judged. Per provider 86 keys of twenty
owner kinds (`usage_world12_roster`), console use with no key, and 30 thefts: ten kinds at three
sizes (`usage_world12_thieves`), one a key, first request in the judged weeks. Pages are 1h
buckets grouped by key and model, written by `usage_page_writer`.

    python -m bench.usage_world12 --seed 141 --provider openai [--out DIR]
"""

from __future__ import annotations

import random
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from bench import usage_world12_calendar as cal
from bench import usage_world12_roster as roster
from bench import usage_world12_thieves as thieves
from bench import usage_world_cli
from bench.usage_page_writer import save_pages, write_pages
from bench.usage_world12_base import (
    DAY,
    DAYS,
    HOUR,
    JUDGED_DAYS,
    START,
    Record,
    Shape,
    date_of,
    poisson,
    spread,
)
from bench.usage_world12_plans import OFFICE, Key

if TYPE_CHECKING:
    from leakward.usage.records import UsageRecord

SEEDS = (141, 142, 143)
CALIBRATION_SEED = 149
THEFTS_PER_KIND = len(thieves.SIZES)


@dataclass(frozen=True, slots=True)
class World:
    seed: int
    provider: str
    keys: tuple[Key, ...]
    thefts: tuple[thieves.Theft, ...]
    records: tuple[Record, ...]

    def theft_on(self, key_id: str) -> thieves.Theft | None:
        return next((t for t in self.thefts if t.key_id == key_id), None)


def console_records(provider: str, rng: random.Random) -> Iterable[Record]:
    """Use in the console with no key: a few people in London trying prompts in office hours."""
    shape, model = Shape(800, 0.0, 0.5), roster.model_of(provider, "mid", 0)
    for hour in range(DAYS * 24):
        t = START + hour * HOUR
        when = date_of(hour // 24)
        if cal.is_day_off("Europe/London", when):
            continue
        n = poisson(rng, 30 * OFFICE[(hour + 1) % 24])  # BST is UTC+1 all season
        if n:
            yield spread(rng, "", model, t, n, shape)


def daily_tokens(records: Iterable[Record]) -> dict[str, list[int]]:
    days: dict[str, list[int]] = defaultdict(lambda: [0] * DAYS)
    for record in records:
        days[record.key_id][(record.start - START) // DAY] += record.tokens
    return days


def top_model(records: Iterable[Record], key_id: str) -> str:
    tokens = Counter[str]()
    for record in records:
        if record.key_id == key_id and record.start < START + thieves.FIRST_JUDGED * DAY:
            tokens[record.model] += record.tokens
    return tokens.most_common(1)[0][0]


def choose_thefts(
    keys: Sequence[Key], daily: dict[str, list[int]], rng: random.Random
) -> list[thieves.Theft]:
    """Thirty keys robbed: each kind at each size; a holiday hijacker where the owner has a day
    off in the judged weeks when one is free."""
    ordinary = {k.key_id: thieves.ordinary_day(daily.get(k.key_id, [])) for k in keys}
    used = [k for k in keys if ordinary[k.key_id] > 0]
    judged = {date_of(d) for d in range(thieves.FIRST_JUDGED, DAYS - 1)}
    off = [k for k in used if judged & cal.HOLIDAYS.get(k.zone, frozenset())]
    hijacked = rng.sample(off, THEFTS_PER_KIND)
    others = rng.sample([k for k in used if k not in hijacked], 9 * THEFTS_PER_KIND)
    plans = [(kind, size) for kind in thieves.KINDS for size in thieves.SIZES]
    plans.sort(key=lambda p: p[0] != "holiday_hijack")
    thefts = []
    for key, (kind, size) in zip([*hijacked, *others], plans, strict=True):
        onset, zone = thieves.onset_of(kind, key, rng)
        daily_load = max(thieves.FLOOR, thieves.TIMES[size] * ordinary[key.key_id])
        thefts.append(thieves.Theft(key.key_id, kind, size, onset, daily_load, zone))
    return thefts


def merge(records: Iterable[Record]) -> tuple[Record, ...]:
    """One record per key, model and hour, as the API groups them (owner and thief added)."""
    merged: dict[tuple[str, str, int], list[int]] = {}
    for r in records:
        sums = merged.setdefault((r.key_id, r.model, r.start), [0, 0, 0, 0])
        for i, value in enumerate(
            (r.input_tokens, r.cached_input_tokens, r.output_tokens, r.requests)
        ):
            sums[i] += value
    return tuple(Record(k, m, t, *v) for (k, m, t), v in sorted(merged.items()))


def build_world(provider: str, seed: int) -> World:
    rng = random.Random(f"world12|{provider}|{seed}")
    keys = roster.roster(provider, rng)
    owned = [r for key in keys for r in roster.owner_records(key, provider, rng)]
    owned += console_records(provider, rng)
    thefts = choose_thefts(keys, daily_tokens(owned), rng)
    by_id = {k.key_id: k for k in keys}
    stolen = [
        r
        for theft in thefts
        for r in thieves.records(
            theft, by_id[theft.key_id], top_model(owned, theft.key_id), provider, seed
        )
    ]
    return World(seed, provider, tuple(keys), tuple(thefts), merge([*owned, *stolen]))


def is_clean_day(world: World, key_id: str, day: int) -> bool:
    theft = world.theft_on(key_id)
    return theft is None or day < (theft.onset - START) // DAY


def events(world: World, key: Key, day: int) -> tuple[str, ...]:
    return roster.events(key, day)


def pages(world: World) -> list[dict[str, object]]:
    # The page writer reads only the attributes `Record` shares with leakward's UsageRecord.
    records = cast("Iterable[UsageRecord]", world.records)
    return write_pages(world.provider, records, (START, START + DAYS * DAY), "1h")


def write_world(world: World, folder: Path) -> list[Path]:
    return save_pages(pages(world), folder, f"{world.provider}-usage-{world.seed}")


def labels(world: World) -> dict[str, object]:
    return {
        "seed": world.seed,
        "provider": world.provider,
        "start": START,
        "days": DAYS,
        "judged_days": JUDGED_DAYS,
        "keys": [
            {"key_id": k.key_id, "archetype": k.archetype, "zone": k.zone} for k in world.keys
        ],
        "thefts": [
            {"key_id": t.key_id, "kind": t.kind, "size": t.size, "onset": t.onset, "zone": t.zone}
            for t in world.thefts
        ],
    }


def summary(world: World) -> list[str]:
    tokens = Counter[str]()
    kinds = {k.key_id: k.archetype for k in world.keys}
    for record in world.records:
        tokens[kinds.get(record.key_id, "(console)")] += record.tokens
    lines = [f"world 12, {world.provider}, seed {world.seed}: {len(world.keys)} keys"]
    lines += [f"  {name:<18} {n / 1e6:10.1f} M tokens" for name, n in sorted(tokens.items())]
    lines += [
        f"  theft {t.kind:<17} {t.size:<8} on {kinds[t.key_id]:<17} day "
        f"{(t.onset - START) / DAY:5.2f}, {t.daily / 1e3:8.0f}k tokens a day"
        for t in world.thefts
    ]
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    world_module = cast("usage_world_cli.WorldModule", sys.modules[__name__])
    usage_world_cli.run(world_module, "Summarise or write world 12.", SEEDS[0], argv)


if __name__ == "__main__":
    main()
