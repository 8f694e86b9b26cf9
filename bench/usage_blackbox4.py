"""Score the usage watch on world 4 as a black box, by the rules of `usage_blackbox3.py`.

Stage: benchmark (usage watch). The pages of `bench.usage_world4` go to files and through
`leakward usage analyze --provider P --format json FILES…`; only leakward's page reader is used
besides (for the mean/std reference, so it sees exactly what the watch sees). The alert reader,
the 6-hour window, the 2.5 hand-off score, the 1% budget and the baseline's z-scores come from
`usage_blackbox3` by import; the tally is redone only because world 4 has its own calendar.

- A theft is caught when an alert on its key has start <= onset + 6 h and end > onset.
- A clean key-day is a judged day (the last 14 of 42) of a key with no theft, or of a robbed key
  before its theft's day; it is flagged when an alert on the key covers any of its buckets.
- Mean/std reference: per key, hourly tokens over the 28 history days; k calibrated on a
  separate seed (91) as the smallest that flags ≤1% of its clean key-days.

    nice -n 15 .venv/bin/python -m bench.usage_blackbox4 --seeds 51 52 53 --misses
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

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
from bench.usage_world4 import World, build_world, is_clean_day, pages, write_world
from bench.usage_world4_base import DAYS, HOUR, JUDGED_DAYS, PROVIDERS, START
from bench.usage_world4_thieves import KINDS, SIZES
from leakward.usage.pages import read_page

DAY = 24 * HOUR
JUDGED = range(DAYS - JUDGED_DAYS, DAYS)


@dataclass(frozen=True, slots=True)
class Score:
    """One method on one world: which thefts it caught, and its flagged clean key-days."""

    caught: tuple[tuple[str, str, str], ...]  # (kind, size, archetype) of each theft caught
    missed: tuple[tuple[str, str, str], ...]
    days: tuple[tuple[str, bool], ...]  # (archetype, is_flagged) per clean judged key-day


def score(flags: Iterable[Flag], world: World) -> Score:
    by_key: dict[str, list[Flag]] = {}
    for flag in flags:
        by_key.setdefault(flag.key_id, []).append(flag)
    archetype = {k.key_id: k.archetype for k in world.keys}
    caught, missed = [], []
    for theft in world.thefts:
        mine = by_key.get(theft.key_id, [])
        is_hit = any(f.start <= theft.onset + WINDOW and f.end > theft.onset for f in mine)
        (caught if is_hit else missed).append((theft.kind, theft.size, archetype[theft.key_id]))
    days = []
    for key in world.keys:
        mine = by_key.get(key.key_id, [])
        for day in JUDGED:
            if not is_clean_day(world, key.key_id, day):
                continue
            first, last = START + day * DAY, START + (day + 1) * DAY
            days.append((key.archetype, any(f.start < last and f.end > first for f in mine)))
    return Score(tuple(caught), tuple(missed), tuple(days))


def run_watch(world: World, folder: Path) -> str:
    """The JSON `leakward usage analyze` writes for the world's pages."""
    return analyze(world.provider, write_world(world, folder), folder)


def hourly_tokens(world: World) -> dict[str, list[int]]:
    series = {key.key_id: [0] * (DAYS * 24) for key in world.keys}
    for page in pages(world):
        for record in read_page(world.provider, page).records:
            if record.key_id in series:
                tokens = record.input_tokens + record.cached_input_tokens + record.output_tokens
                series[record.key_id][(record.start - START) // HOUR] += tokens
    return series


def history_z(world: World) -> dict[str, list[float]]:
    """Z-scores of hourly tokens against the history days. A key with no use in its history
    has no mean or spread to judge by, so the baseline leaves it alone, as an admin would."""
    history = JUDGED.start * 24
    series = {k: v for k, v in hourly_tokens(world).items() if any(v[:history])}
    return z_scores(series, history)


def mean_std_flags(world: World, k: float) -> list[Flag]:
    history = JUDGED.start * 24
    z = history_z(world)
    return [
        flag for key_id, values in z.items() for flag in _runs(key_id, values, history, k, START)
    ]


def calibrate_k(world: World) -> float:
    z = history_z(world)
    peaks = sorted(
        max(values[day * 24 : day * 24 + 24])
        for key_id, values in z.items()
        for day in JUDGED
        if is_clean_day(world, key_id, day)
    )
    return peaks[len(peaks) - math.floor(FP_BUDGET * len(peaks)) - 1]


def _cell(pairs: Iterable[bool]) -> str:
    got = list(pairs)
    return f"{sum(got)}/{len(got)}"


def report(provider: str, results: dict[str, list[Score]]) -> list[str]:
    lines = [f"== {provider}: {DAYS} days, last {JUDGED_DAYS} judged"]
    lines.append(f"{'method':<24} {'recall (≤6 h)':<22} clean key-days flagged")
    for method, scores in results.items():
        caught = sum(len(s.caught) for s in scores)
        total = caught + sum(len(s.missed) for s in scores)
        days = [flagged for s in scores for _, flagged in s.days]
        lines.append(f"{method:<24} {_ratio(caught, total):<22} {_ratio(sum(days), len(days))}")
    names = list(results)
    lines.append(f"{'kind':<16} {'size':<7} " + " ".join(f"{m[:16]:>16}" for m in names))
    for kind in KINDS:
        for size in SIZES:
            cells = []
            for scores in results.values():
                hits = [True for s in scores for c in s.caught if c[:2] == (kind, size)]
                hits += [False for s in scores for c in s.missed if c[:2] == (kind, size)]
                cells.append(_cell(hits))
            lines.append(f"{kind:<16} {size:<7} " + " ".join(f"{c:>16}" for c in cells))
    lines.append("per owner archetype: thefts caught, then clean key-days flagged")
    archetypes = sorted({a for s in results[names[0]] for a, _ in s.days})
    for archetype in archetypes:
        cells = []
        for scores in results.values():
            hits = [True for s in scores for c in s.caught if c[2] == archetype]
            hits += [False for s in scores for c in s.missed if c[2] == archetype]
            days = [f for s in scores for a, f in s.days if a == archetype]
            cells.append(f"{_cell(hits)} {_cell(days)}")
        lines.append(f"  {archetype:<21} " + " ".join(f"{c:>16}" for c in cells))
    return lines


def misses(world: World, text: str) -> tuple[list[str], Counter[str], Counter[str]]:
    """Missed thefts with the nearest later alert; false alerts' archetypes and reason words."""
    alerts = json.loads(text)["alerts"]
    archetype = {k.key_id: k.archetype for k in world.keys}
    lines, by_kind, false = [], Counter[str](), Counter[str]()
    caught = score(read_alerts(text), world)
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
        day = (first - START) // DAY
        if key in archetype and day in JUDGED and is_clean_day(world, key, day):
            false[f"{archetype[key]}: {alert['reason'].split(' on ')[0][:60]}"] += 1
    return lines, by_kind, false


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Score the usage watch on world 4.")
    parser.add_argument("--seeds", type=int, nargs="+", default=[51, 52, 53])
    parser.add_argument("--providers", nargs="+", choices=PROVIDERS, default=list(PROVIDERS))
    parser.add_argument("--calibration-seed", type=int, default=91)
    parser.add_argument("--misses", action="store_true", help="missed thefts and false alerts")
    parser.add_argument("--alerts", type=Path, help="keep each world's alerts.json here")
    args = parser.parse_args(argv)
    for provider in args.providers:
        k = calibrate_k(build_world(provider, args.calibration_seed))
        methods = ("leakward (all alerts)", f"leakward score≥{HANDOFF}", f"mean/std k={k:.2f}")
        results: dict[str, list[Score]] = {m: [] for m in methods}
        missed: list[str] = []
        by_kind, false = Counter[str](), Counter[str]()
        for seed in args.seeds:
            world = build_world(provider, seed)
            with tempfile.TemporaryDirectory(prefix="world4-") as folder:
                began = time.monotonic()
                text = run_watch(world, Path(folder))
            if args.alerts:
                args.alerts.mkdir(parents=True, exist_ok=True)
                (args.alerts / f"alerts-{provider}-{seed}.json").write_text(text, encoding="utf-8")
            flags = read_alerts(text)
            print(f"{provider} seed {seed}: {len(flags)} alerts, {time.monotonic() - began:.0f} s")
            results[methods[0]].append(score(flags, world))
            results[methods[1]].append(score([f for f in flags if f.score >= HANDOFF], world))
            results[methods[2]].append(score(mean_std_flags(world, k), world))
            lines, kinds, falses = misses(world, text)
            missed, by_kind, false = missed + lines, by_kind + kinds, false + falses
        print("\n".join(report(provider, results)))
        if args.misses:
            print("missed by leakward (all alerts), by kind:", dict(by_kind.most_common()))
            print(*missed, sep="\n")
            print("alerts on clean key-days, by archetype and reason (top 15):")
            print(*(f"  {n:>3} {what}" for what, n in false.most_common(15)), sep="\n")


if __name__ == "__main__":
    main()
