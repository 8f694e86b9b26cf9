"""Score the usage watch as a black box on a world with a calendar (worlds 4, 5 and 6).

Stage: benchmark (usage watch). A world's pages go to files and through
`leakward usage analyze --provider P --format json FILES…`; only leakward's page reader is used
besides (for the mean/std reference, so it sees exactly what the watch sees). The alert reader,
the 6-hour window, the 2.5 hand-off score, the 1% budget and the z-scores come from
`usage_blackbox3` by import; what differs between worlds (their builder, calendar, theft kinds,
seeds) comes in a `WorldKit`, so each world's scorer is its kit and a call to `main`.

- A theft is caught when an alert on its key has start <= onset + 6 h and end > onset.
- A clean key-day is a judged day of a key with no theft, or of a robbed key before its theft's
  day; it is flagged when an alert on the key covers any of its buckets.
- Mean/std reference: per key, hourly tokens over the history days; k calibrated on a separate
  seed as the smallest that flags ≤1% of its clean key-days.
- Where a world records its owners' legitimate events per day, each flagged clean key-day is put
  beside them, so a false alarm says which honest habit it took for theft.
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from bench.usage_blackbox3 import (
    FP_BUDGET,
    HANDOFF,
    WINDOW,
    Flag,
    _ratio,
    _runs,
    analyze,
    moment,
    read_alerts,
    z_scores,
)
from leakward.usage.pages import read_page

HOUR = 3600
DAY = 24 * HOUR


class CalendarWorld(Protocol):
    seed: int
    provider: str
    keys: Sequence[Any]  # each has key_id and archetype
    thefts: Sequence[Any]  # each has key_id, kind, size and onset


@dataclass(frozen=True, slots=True)
class WorldKit:
    """What one world's scorer needs from that world's modules."""

    name: str  # "world 5"
    build_world: Callable[[str, int], Any]
    is_clean_day: Callable[[Any, str, int], bool]
    pages: Callable[[Any], Iterable[dict[str, Any]]]
    write_world: Callable[[Any, Path], Sequence[Path]]
    days: int
    judged_days: int
    start: int  # epoch seconds of day 0's first bucket
    providers: Sequence[str]
    kinds: Sequence[str]
    sizes: Sequence[str]
    seeds: Sequence[int]
    calibration_seed: int
    # The owner's legitimate events on a key-day (world, key, day), or None where the world
    # records none.
    events: Callable[[Any, Any, int], tuple[str, ...]] | None = None
    # When each key of a world was issued (key id -> epoch seconds), or None where the world
    # records none: `leakward watch` reads it from the registry, so the scorer passes it on.
    issued: Callable[[Any], Mapping[str, int]] | None = None

    @property
    def judged(self) -> range:
        return range(self.days - self.judged_days, self.days)

    @classmethod
    def of(
        cls,
        name: str,
        modules: tuple[ModuleType, ModuleType, ModuleType],
        *,
        seeds: Sequence[int],
        calibration_seed: int,
        events: Callable[[Any, Any, int], tuple[str, ...]] | None = None,
        issued: Callable[[Any], Mapping[str, int]] | None = None,
    ) -> WorldKit:
        """The kit of a world laid out as worlds 4-6 are: `modules` are its builder (build_world,
        is_clean_day, pages, write_world), its base (DAYS, JUDGED_DAYS, START, PROVIDERS) and its
        thieves (KINDS, SIZES)."""
        world, base, thieves = modules
        return cls(
            name=name,
            build_world=world.build_world,
            is_clean_day=world.is_clean_day,
            pages=world.pages,
            write_world=world.write_world,
            days=base.DAYS,
            judged_days=base.JUDGED_DAYS,
            start=base.START,
            providers=tuple(base.PROVIDERS),
            kinds=tuple(thieves.KINDS),
            sizes=tuple(thieves.SIZES),
            seeds=tuple(seeds),
            calibration_seed=calibration_seed,
            events=events,
            issued=issued,
        )


@dataclass(frozen=True, slots=True)
class Score:
    """One method on one world: which thefts it caught, and its flagged clean key-days."""

    caught: tuple[tuple[str, str, str], ...]  # (kind, size, archetype) of each theft caught
    missed: tuple[tuple[str, str, str], ...]
    days: tuple[tuple[str, bool, tuple[str, ...]], ...]  # (archetype, is_flagged, events)


def score(kit: WorldKit, flags: Iterable[Flag], world: CalendarWorld) -> Score:
    by_key: dict[str, list[Flag]] = {}
    for flag in flags:
        by_key.setdefault(flag.key_id, []).append(flag)
    archetype = {k.key_id: k.archetype for k in world.keys}
    caught: list[tuple[str, str, str]] = []
    missed: list[tuple[str, str, str]] = []
    for theft in world.thefts:
        mine = by_key.get(theft.key_id, [])
        is_hit = any(f.start <= theft.onset + WINDOW and f.end > theft.onset for f in mine)
        (caught if is_hit else missed).append((theft.kind, theft.size, archetype[theft.key_id]))
    days = []
    for key in world.keys:
        mine = by_key.get(key.key_id, [])
        for day in kit.judged:
            if not kit.is_clean_day(world, key.key_id, day):
                continue
            first, last = kit.start + day * DAY, kit.start + (day + 1) * DAY
            events = kit.events(world, key, day) if kit.events else ()
            days.append(
                (key.archetype, any(f.start < last and f.end > first for f in mine), events)
            )
    return Score(tuple(caught), tuple(missed), tuple(days))


def hourly_tokens(kit: WorldKit, world: CalendarWorld) -> dict[str, list[int]]:
    series = {key.key_id: [0] * (kit.days * 24) for key in world.keys}
    for page in kit.pages(world):
        for record in read_page(world.provider, page).records:
            if record.key_id in series:
                tokens = record.input_tokens + record.cached_input_tokens + record.output_tokens
                series[record.key_id][(record.start - kit.start) // HOUR] += tokens
    return series


def history_z(kit: WorldKit, world: CalendarWorld) -> dict[str, list[float]]:
    """Z-scores of hourly tokens against the history days; a key unused in its history has no
    spread to judge by, so the baseline leaves it alone, as an admin would."""
    history = kit.judged.start * 24
    series = {k: v for k, v in hourly_tokens(kit, world).items() if any(v[:history])}
    return z_scores(series, history)


def mean_std_flags(kit: WorldKit, world: CalendarWorld, k: float) -> list[Flag]:
    return [
        flag
        for key_id, values in history_z(kit, world).items()
        for flag in _runs(key_id, values, kit.judged.start * 24, k, kit.start)
    ]


def calibrate_k(kit: WorldKit, world: CalendarWorld) -> float:
    """The smallest k at which mean/std flags at most 1% of the world's clean key-days."""
    z = history_z(kit, world)
    peaks = sorted(
        max(values[day * 24 : day * 24 + 24])
        for key_id, values in z.items()
        for day in kit.judged
        if kit.is_clean_day(world, key_id, day)
    )
    return peaks[len(peaks) - math.floor(FP_BUDGET * len(peaks)) - 1]


def _cell(pairs: Iterable[bool]) -> str:
    got = list(pairs)
    return f"{sum(got)}/{len(got)}"


def report(kit: WorldKit, provider: str, results: dict[str, list[Score]]) -> list[str]:
    lines = [f"== {provider}: {kit.days} days, last {kit.judged_days} judged"]
    lines.append(f"{'method':<24} {'recall (≤6 h)':<22} clean key-days flagged")
    for method, scores in results.items():
        caught = sum(len(s.caught) for s in scores)
        total = caught + sum(len(s.missed) for s in scores)
        days = [flagged for s in scores for _, flagged, _ in s.days]
        lines.append(f"{method:<24} {_ratio(caught, total):<22} {_ratio(sum(days), len(days))}")
    names = list(results)
    lines.append(f"{'kind':<16} {'size':<7} " + " ".join(f"{m[:16]:>16}" for m in names))
    for kind in kit.kinds:
        for size in kit.sizes:
            cells = []
            for scores in results.values():
                hits = [True for s in scores for c in s.caught if c[:2] == (kind, size)]
                hits += [False for s in scores for c in s.missed if c[:2] == (kind, size)]
                cells.append(_cell(hits))
            lines.append(f"{kind:<16} {size:<7} " + " ".join(f"{c:>16}" for c in cells))
    for size in kit.sizes:
        cells = []
        for scores in results.values():
            hits = [True for s in scores for c in s.caught if c[1] == size]
            hits += [False for s in scores for c in s.missed if c[1] == size]
            cells.append(_cell(hits))
        lines.append(f"{'(all kinds)':<16} {size:<7} " + " ".join(f"{c:>16}" for c in cells))
    lines.append("per owner archetype: thefts caught, then clean key-days flagged")
    for archetype in sorted({a for s in results[names[0]] for a, _, _ in s.days}):
        cells = []
        for scores in results.values():
            hits = [True for s in scores for c in s.caught if c[2] == archetype]
            hits += [False for s in scores for c in s.missed if c[2] == archetype]
            days = [f for s in scores for a, f, _ in s.days if a == archetype]
            cells.append(f"{_cell(hits)} {_cell(days)}")
        lines.append(f"  {archetype:<21} " + " ".join(f"{c:>16}" for c in cells))
    if kit.events:
        lines += _by_event(results)
    return lines


def _by_event(results: dict[str, list[Score]]) -> list[str]:
    lines = ["clean key-days by the owner's legitimate event that day: flagged/days"]
    first = next(iter(results.values()))
    events = sorted({e for s in first for _, _, es in s.days for e in es})
    for event in [*events, "(none)"]:
        cells = []
        for scores in results.values():
            days = [
                f
                for s in scores
                for _, f, es in s.days
                if event in es or (event == "(none)" and not es)
            ]
            cells.append(_cell(days))
        lines.append(f"  {event:<21} " + " ".join(f"{c:>16}" for c in cells))
    return lines


def misses(
    kit: WorldKit, world: CalendarWorld, text: str
) -> tuple[list[str], Counter[str], Counter[str]]:
    """Missed thefts with the nearest later alert; false alerts' archetypes and reason words."""
    alerts = json.loads(text)["alerts"]
    archetype = {k.key_id: k.archetype for k in world.keys}
    lines, by_kind, false = [], Counter[str](), Counter[str]()
    caught = score(kit, read_alerts(text), world)
    for theft in world.thefts:
        if (theft.kind, theft.size, archetype[theft.key_id]) not in caught.missed:
            continue
        by_kind[theft.kind] += 1
        after = sorted(
            (a for a in alerts if a["key_id"] == theft.key_id and moment(a["end"]) > theft.onset),
            key=lambda a: moment(a["start"]),
        )
        near = (
            f"first alert +{(moment(after[0]['start']) - theft.onset) / HOUR:.0f} h "
            f"(score {after[0]['score']}): {after[0]['reason'][:90]}"
            if after
            else "no alert after onset"
        )
        lines.append(
            f"  seed {world.seed} {archetype[theft.key_id]:<17} {theft.kind:<14} "
            f"{theft.size:<6} {near}"
        )
    for alert in alerts:
        key, first = alert["key_id"], moment(alert["start"])
        day = (first - kit.start) // DAY
        if key in archetype and day in kit.judged and kit.is_clean_day(world, key, day):
            false[f"{archetype[key]}: {alert['reason'].split(' on ')[0][:60]}"] += 1
    return lines, by_kind, false


def main(kit: WorldKit, argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=f"Score the usage watch on {kit.name}.")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(kit.seeds))
    parser.add_argument("--providers", nargs="+", choices=kit.providers, default=kit.providers)
    parser.add_argument("--calibration-seed", type=int, default=kit.calibration_seed)
    parser.add_argument("--misses", action="store_true", help="missed thefts and false alerts")
    parser.add_argument("--alerts", type=Path, help="keep each world's alerts.json here")
    parser.add_argument(
        "--no-issued",
        action="store_true",
        help="leave out the keys' issue dates (the registry's), as harnesses before world 13 did",
    )
    args = parser.parse_args(argv)
    registry = None if args.no_issued else kit.issued
    for provider in args.providers:
        k = calibrate_k(kit, kit.build_world(provider, args.calibration_seed))
        methods = ("leakward (all alerts)", f"leakward score≥{HANDOFF}", f"mean/std k={k:.2f}")
        results: dict[str, list[Score]] = {m: [] for m in methods}
        missed: list[str] = []
        by_kind, false = Counter[str](), Counter[str]()
        for seed in args.seeds:
            world = kit.build_world(provider, seed)
            prefix = kit.name.replace(" ", "") + "-"
            with tempfile.TemporaryDirectory(prefix=prefix) as folder:
                began = time.monotonic()
                files = kit.write_world(world, Path(folder))
                issued = None if registry is None else registry(world)
                text = analyze(world.provider, files, Path(folder), issued)
            if args.alerts:
                args.alerts.mkdir(parents=True, exist_ok=True)
                (args.alerts / f"alerts-{provider}-{seed}.json").write_text(text, encoding="utf-8")
            flags = read_alerts(text)
            print(f"{provider} seed {seed}: {len(flags)} alerts, {time.monotonic() - began:.0f} s")
            results[methods[0]].append(score(kit, flags, world))
            results[methods[1]].append(score(kit, [f for f in flags if f.score >= HANDOFF], world))
            results[methods[2]].append(score(kit, mean_std_flags(kit, world, k), world))
            lines, kinds, falses = misses(kit, world, text)
            missed, by_kind, false = missed + lines, by_kind + kinds, false + falses
        print("\n".join(report(kit, provider, results)))
        if args.misses:
            print("missed by leakward (all alerts), by kind:", dict(by_kind.most_common()))
            print(*missed, sep="\n")
            print("alerts on clean key-days, by archetype and reason (top 15):")
            print(*(f"  {n:>3} {what}" for what, n in false.most_common(15)), sep="\n")
