"""World 9: six weeks of late-autumn AI-key use, 26 October - 6 December 2026, written blind.

Stage: benchmarks only (issue #20: judge the usage watch on data its authors have not seen). It
was written from the providers' published usage specs and the page writer alone, without reading
how leakward detects theft or how earlier worlds were built.

89 keys a provider (87 owners, two of whom rotate their key in the judged weeks) of 20 owner
kinds in 40-odd cities: rotas, tides and the sky (`usage_world9_rotas`), the season's dates
(`usage_world9_seasons`), people and small teams (`usage_world9_people`). Two provider outages a
provider, after which queued work is retried. Console use with no key. Thirty thefts a world (ten
kinds x three sizes, `usage_world9_thieves`), each starting in the last 14 days.

    python -m bench.usage_world9 --seed 111 --provider openai [--out DIR]
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from bench.usage_page_writer import save_pages, write_pages
from bench.usage_world9_base import (
    DAY,
    DAYS,
    HOUR,
    HOURS,
    JUDGED_START,
    MODELS,
    START,
    Demand,
    Habit,
    Key,
    Mix,
    Rows,
    added,
    date_of,
    iso,
    ordinary_day,
    records,
    sample,
)
from bench.usage_world9_calendar import OUTAGES
from bench.usage_world9_roster import enrol, habit_of
from bench.usage_world9_thieves import KINDS, SIZES, Theft, make_theft
from bench.usage_world_cli import run
from leakward.usage.records import UsageRecord

SEEDS = (111, 112, 113)
CALIBRATION_SEED = 119


@dataclass(frozen=True, slots=True)
class World:
    seed: int
    provider: str
    keys: tuple[Key, ...]
    thefts: tuple[Theft, ...]
    records: tuple[UsageRecord, ...]
    events: dict[str, dict[int, tuple[str, ...]]]  # key id -> day -> the owner's events
    ordinary: dict[str, float]  # key id -> the owner's ordinary day in tokens

    @property
    def days(self) -> int:
        return DAYS


def _outage(provider: str, demand: Demand, is_queued: bool) -> Demand:
    """Requests refused in an outage are not billed; a queue retries them in the two hours after,
    people retry a sixth of theirs in the hour after."""
    out = [list(wants) for wants in demand]
    for session in OUTAGES[provider]:
        hours = session.covered
        lost: list[tuple[Mix, float]] = []
        for h in hours:
            refused = min(1.0, session.hours - (h - session.first))
            lost += [(mix, mean * refused) for mix, mean in out[h]]
            out[h] = [(mix, mean * (1 - refused)) for mix, mean in out[h]]
        after = hours[-1] + 1
        if is_queued:
            for h in (after, after + 1):
                out[h] += [(mix, mean / 2) for mix, mean in lost]
        else:
            out[after] += [(mix, mean / 6) for mix, mean in lost]
    return out


def _outage_events(provider: str) -> dict[int, str]:
    return {s.first // 24: "provider outage, retries after" for s in OUTAGES[provider]}


def _drawn_hours(rng: random.Random, key: Key) -> int:
    first = max(JUDGED_START * 24, (key.born + 1) * 24)
    return rng.randrange(first, HOURS - 10)


def owners(provider: str, seed: int) -> tuple[tuple[Key, ...], dict[str, Habit]]:
    """Every key and its owner's habit, outages and their retries included."""
    keys, habits = [], {}
    for key, owner in enrol(provider, seed):
        habit = habit_of(key.archetype)(owner)
        keys.append(key)
        habits[key.key_id] = Habit(
            _outage(provider, habit.demand, habit.queued), habit.events, habit.queued
        )
    return tuple(keys), habits


def plan_thefts(
    provider: str, seed: int, keys: Sequence[Key], habits: dict[str, Habit]
) -> list[tuple[Theft, Demand]]:
    """Each kind at each size once, on distinct keys still in use at the end, before outages."""
    rng = random.Random(f"world9/{provider}/{seed}/thefts")
    targets = rng.sample([k for k in keys if k.retired == DAYS], len(KINDS) * len(SIZES))
    jobs = [(kind, size) for kind in KINDS for size in SIZES]
    planned = []
    for key, (kind, size) in zip(targets, jobs, strict=True):
        habit = habits[key.key_id]
        ordinary = ordinary_day(habit.demand)
        made = None
        while made is None:
            drawn = _drawn_hours(rng, key)
            made = make_theft(kind, size, key, provider, habit, drawn, ordinary, rng)
        planned.append(made)
    return planned


def build_world(provider: str, seed: int, *, with_thefts: bool = True) -> World:
    """The world of `provider` and `seed`; `with_thefts=False` gives the same owners' use
    alone, row for row (owners and thieves roll their own dice, and the provider sums them)."""
    keys, habits = owners(provider, seed)
    planned = plan_thefts(provider, seed, keys, habits) if with_thefts else []
    stolen = {t.key_id: (t, _outage(provider, demand, is_queued=False)) for t, demand in planned}
    rows: list[UsageRecord] = []
    thefts = []
    for key in keys:
        dice = random.Random(f"world9/{provider}/{seed}/usage/{key.key_id}")
        used = sample(habits[key.key_id].demand, dice)
        if key.key_id in stolen:
            theft, demand = stolen[key.key_id]
            taken = _taken(demand, f"world9/{provider}/{seed}/theft/{key.key_id}")
            first = min(hour for hour, _ in taken)  # the thief's first billed request
            thefts.append(replace(theft, onset=START + first * HOUR + theft.onset % HOUR))
            used = added(used, taken)
        rows += records(provider, key.key_id, used)
    console = random.Random(f"world9/{provider}/{seed}/console")
    rows += records(provider, "", sample(_console(provider), console))
    outages = _outage_events(provider)
    events = {}
    for key in keys:
        days = dict(habits[key.key_id].events)
        for day, name in outages.items():
            days[day] = (*days.get(day, ()), name)
        events[key.key_id] = days
    ordinary = {k: ordinary_day(h.demand) for k, h in habits.items()}
    thefts.sort(key=lambda t: t.onset)
    return World(seed, provider, keys, tuple(thefts), tuple(rows), events, ordinary)


def _taken(demand: Demand, dice: str) -> Rows:
    """A thief's use; a thief who came at all made at least one request, so a small one whose
    dice say none rolls again."""
    attempt = 0
    while not (taken := sample(demand, random.Random(f"{dice}/{attempt}"))):
        attempt += 1
    return taken


def _console(provider: str) -> Demand:
    """Playground and console use, billed to no key: a few tries in European and US days."""
    tries = Mix(MODELS[provider]["chat"], 800, 0, 400)
    return _outage(
        provider, [[(tries, 2.0)] if 9 <= h % 24 < 22 else [] for h in range(HOURS)], False
    )


def is_clean_day(world: World, key_id: str, day: int) -> bool:
    """A judged day of a key with no theft, or of a robbed key before its theft's day."""
    onset = next((t.onset for t in world.thefts if t.key_id == key_id), math.inf)
    return JUDGED_START <= day < DAYS and START + (day + 1) * DAY <= onset


def events(world: World, key: Key, day: int) -> tuple[str, ...]:
    return world.events.get(key.key_id, {}).get(day, ())


def pages(world: World) -> list[dict[str, object]]:
    """The 1h pages of the whole world, a week to a page (the API's maximum of 168 buckets)."""
    return write_pages(world.provider, world.records, (START, START + DAYS * DAY), "1h", 168)


def write_world(world: World, folder: Path) -> list[Path]:
    return save_pages(pages(world), folder, f"{world.provider}-{world.seed}")


def labels(world: World) -> dict[str, object]:
    return {
        "provider": world.provider,
        "seed": world.seed,
        "judged_from": date_of(JUDGED_START),
        "keys": [asdict(k) | {"ordinary_day": round(world.ordinary[k.key_id])} for k in world.keys],
        "thefts": [asdict(t) | {"onset_iso": iso(t.onset)} for t in world.thefts],
    }


def summary(world: World) -> list[str]:
    owner = {k.key_id: k for k in world.keys}
    lines = [
        f"world 9, {world.provider} seed {world.seed}: {len(world.keys)} keys, "
        f"{len(world.records)} rows, {len(world.thefts)} thefts"
    ]
    for t in world.thefts:
        k = owner[t.key_id]
        share = t.tokens_first_day / world.ordinary[t.key_id]
        lines.append(
            f"  {iso(t.onset)} {t.kind:<16} {t.size:<6} on {k.archetype:<15} {k.owner:<32} "
            f"({share:.2f} of an ordinary day of {world.ordinary[t.key_id]:,.0f} tokens)"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    run(sys.modules[__name__], "Summarise or write one world 9.", SEEDS[0], argv)


if __name__ == "__main__":
    main()
