"""World 8 of issue #20's usage benchmark: an organisation's autumn term of 2026, and its thieves.

Stage: benchmark (usage watch). `build_world(provider, seed)` gives the roster's keys (sixteen
kinds of owner, `usage_world8_owners`) working through their calendar (`usage_world8_calendar`),
console use with no key, and thirty thefts (ten kinds at three sizes, `usage_world8_thieves`),
each on a key of its own that is neither retired nor rotated out. `pages` writes the world as the
provider's usage API pages it (1 h buckets, OpenAI grouped by api_key_id and model, Anthropic by
api_key_id and model), through the shared `usage_page_writer`. Scored by `usage_blackbox8`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from bench.usage_page_writer import MAX_LIMIT, save_pages, write_pages
from bench.usage_world8_base import DAY, END, HOUR, START, Cells, Key, Theft, World, rng
from bench.usage_world8_habits import console_cells, day_events, owner_cells
from bench.usage_world8_roster import Plan, roster
from bench.usage_world8_thieves import COPYING, KINDS, SIZES, onset_for, rob
from leakward.usage.records import UsageRecord

# The kinds that need a particular key (a holiday, a surge, idle nights, work to copy) choose
# their keys first.
ORDER = ("holiday_cover", "surge_cover", "night_shift", *COPYING, *KINDS)


def build_world(provider: str, seed: int) -> World:
    plans = roster(seed, provider)
    owner: dict[str, Cells] = {}
    events: dict[tuple[str, int], tuple[str, ...]] = {}
    for plan in plans:
        owner[plan.key.key_id] = owner_cells(plan, provider, seed)
        days = day_events(plan, provider)
        events |= {(plan.key.key_id, day): tuple(sorted(names)) for day, names in days.items()}
    thefts, stolen = _thefts(plans, owner, provider, seed)
    return World(
        seed=seed,
        provider=provider,
        keys=tuple(p.key for p in plans),
        thefts=thefts,
        owner=owner,
        stolen=stolen,
        console=console_cells(seed, provider),
        events=events,
    )


def _thefts(
    plans: list[Plan], owner: dict[str, Cells], provider: str, seed: int
) -> tuple[tuple[Theft, ...], dict[str, Cells]]:
    r = rng(seed, provider, "victims")
    free = [p for p in plans if p.key.is_robbable]
    thefts: list[Theft] = []
    stolen: dict[str, Cells] = {}
    for kind in dict.fromkeys(ORDER):
        for size in SIZES:
            candidates = list(free)
            r.shuffle(candidates)
            found = next(
                (
                    (p, hour)
                    for p in candidates
                    if (hour := onset_for(kind, p, owner[p.key.key_id], provider, r)) is not None
                ),
                None,
            )
            if found is None:
                raise RuntimeError(f"world 8 seed {seed}: no {provider} key suits {kind}")
            plan, onset = found
            theft, cells = rob(kind, size, plan, owner[plan.key.key_id], onset, provider, seed)
            thefts.append(theft)
            stolen[plan.key.key_id] = cells
            free.remove(plan)
    return tuple(thefts), stolen


def is_clean_day(world: World, key_id: str, day: int) -> bool:
    """A day of a key with no theft, or before the day its theft began."""
    onsets = [t.onset for t in world.thefts if t.key_id == key_id]
    return not onsets or day < (min(onsets) - START) // DAY


def events(world: World, key: Key, day: int) -> tuple[str, ...]:
    """The owner's legitimate events on the key that day (holidays, surges, outages…)."""
    return world.events.get((key.key_id, day), ())


def records(world: World) -> Iterator[UsageRecord]:
    """One record per key, model and hour: the owner's and any thief's use summed, as the
    provider sums them; the console's with no key. Anthropic reports no request count."""
    sources = [("", world.console)]
    for key in world.keys:
        merged: Cells = {}
        for cells in (world.owner[key.key_id], world.stolen.get(key.key_id, {})):
            for at, cell in cells.items():
                total = merged.setdefault(at, [0, 0, 0, 0])
                for i, value in enumerate(cell):
                    total[i] += value
        sources.append((key.key_id, merged))
    for key_id, cells in sources:
        for (hour, model), (n, fresh, cached, tokens_out) in sorted(cells.items()):
            start = START + hour * HOUR
            yield UsageRecord(
                provider=world.provider,
                key_id=key_id,
                start=start,
                end=start + HOUR,
                model=model,
                requests=n if world.provider == "openai" else None,
                input_tokens=fresh,
                output_tokens=tokens_out,
                cached_input_tokens=cached,
            )


def pages(world: World) -> list[dict[str, object]]:
    """The world's whole span in 1 h buckets, a week (the most the APIs allow) to a page."""
    return write_pages(world.provider, records(world), (START, END), "1h", MAX_LIMIT["1h"])


def write_world(world: World, folder: Path) -> list[Path]:
    return save_pages(pages(world), folder, f"world8-{world.provider}-{world.seed}")
