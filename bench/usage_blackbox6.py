"""Score the usage watch on world 6 as a black box, beside the mean/std baseline on the same pages.

Stage: benchmark (usage watch, issue #20). World 6 (`bench.usage_world6`) goes to page files and
through `leakward usage analyze`; the rules are `usage_blackbox3`'s, imported: a theft is caught
when an alert on its key has start <= onset + 6 h and end > onset; a clean key-day is a judged
day of a key before its theft's day, flagged when an alert on the key overlaps it. The mean/std
baseline's k is the smallest that flags <= 1% of clean key-days on a calibration seed.

    nice -n 15 .venv/bin/python -m bench.usage_blackbox6 --seeds 71 72 73 --misses
"""

from __future__ import annotations

import argparse
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
    read_alerts,
    z_scores,
)
from bench.usage_world6 import World, build_world, day_events, is_clean_day, pages, write_world
from bench.usage_world6_base import DAY, HISTORY_DAYS, HOUR, HOURS, PROVIDERS, START, iso
from bench.usage_world6_thieves import KINDS, SIZES
from leakward.usage.pages import read_page

CALIBRATION_SEED = 79


@dataclass(frozen=True, slots=True)
class Score:
    # (kind, size, archetype, caught) per theft
    thefts: tuple[tuple[str, str, str, bool], ...]
    # (archetype, events of the day, flagged) per clean key-day
    days: tuple[tuple[str, tuple[str, ...], bool], ...]


def score(flags: Iterable[Flag], world: World) -> Score:
    by_key: dict[str, list[Flag]] = {}
    for flag in flags:
        by_key.setdefault(flag.key_id, []).append(flag)
    archetype = {k.key_id: k.archetype for k in world.keys}
    thefts = tuple(
        (
            t.kind,
            t.size,
            archetype[t.key_id],
            any(f.start <= t.onset + WINDOW and f.end > t.onset for f in by_key.get(t.key_id, [])),
        )
        for t in world.thefts
    )
    days = []
    for key in world.keys:
        mine = by_key.get(key.key_id, [])
        for day in range(world.days):
            if not is_clean_day(world, key, day):
                continue
            first, last = START + day * DAY, START + (day + 1) * DAY
            flagged = any(f.start < last and f.end > first for f in mine)
            days.append((key.archetype, day_events(world, key, day), flagged))
    return Score(thefts, tuple(days))


def hourly_tokens(world: World) -> dict[str, list[int]]:
    """Tokens per key per hour, read back with leakward's page reader (what the watch sees);
    usage with no API key is left out, as it belongs to no key."""
    series = {key.key_id: [0] * HOURS for key in world.keys}
    for page in pages(world):
        for record in read_page(world.provider, page).records:
            if record.key_id in series:
                tokens = record.input_tokens + record.cached_input_tokens + record.output_tokens
                series[record.key_id][(record.start - START) // HOUR] += tokens
    return series


def mean_std_flags(world: World, k: float) -> list[Flag]:
    history = HISTORY_DAYS * 24
    z = z_scores(hourly_tokens(world), history)
    return [f for key_id, values in z.items() for f in _runs(key_id, values, history, k, START)]


def calibrate_k(world: World) -> float:
    """The smallest k at which mean/std flags at most 1% of the world's clean key-days."""
    z = z_scores(hourly_tokens(world), HISTORY_DAYS * 24)
    peaks = sorted(
        max(z[key.key_id][day * 24 : day * 24 + 24])
        for key in world.keys
        for day in range(world.days)
        if is_clean_day(world, key, day)
    )
    allowed = int(FP_BUDGET * len(peaks))
    return peaks[len(peaks) - allowed - 1]


def _cell(pairs: Iterable[bool]) -> str:
    marks = list(pairs)
    return f"{sum(marks)}/{len(marks)}"


def report(provider: str, results: dict[str, list[Score]]) -> list[str]:
    """Recall and clean-day FP per method; recall per kind × size and per size; clean key-days
    flagged per owner archetype and per legitimate event."""
    scores = next(iter(results.values()))
    thefts = sum(len(s.thefts) for s in scores)
    lines = [f"== {provider}: {len(scores)} worlds, {thefts} thefts, last 14 of 42 days judged"]
    lines.append(f"{'method':<24} {'recall (≤6 h)':<22} clean key-days flagged")
    for method, runs in results.items():
        caught = sum(t[3] for s in runs for t in s.thefts)
        flagged = sum(d[2] for s in runs for d in s.days)
        days = sum(len(s.days) for s in runs)
        lines.append(f"{method:<24} {_ratio(caught, thefts):<22} {_ratio(flagged, days)}")
    lines.append(f"{'kind':<14} {'size':<7} " + " ".join(f"{m[:16]:>16}" for m in results))
    for kind in KINDS:
        for size in (*SIZES, "all"):
            cells = [
                _cell(
                    t[3] for s in runs for t in s.thefts if t[0] == kind and size in (t[1], "all")
                )
                for runs in results.values()
            ]
            lines.append(f"{kind:<14} {size:<7} " + " ".join(f"{c:>16}" for c in cells))
    for size in SIZES:
        cells = [
            _cell(t[3] for s in runs for t in s.thefts if t[1] == size) for runs in results.values()
        ]
        lines.append(f"{'(all kinds)':<14} {size:<7} " + " ".join(f"{c:>16}" for c in cells))
    lines.append("clean key-days flagged per owner archetype, then per legitimate event:")
    for label in ("archetype", "event"):
        names = sorted({n for s in scores for d in s.days for n in _groups(d, label)})
        for method, runs in results.items():
            row = (
                f"{n} {_cell(d[2] for s in runs for d in s.days if n in _groups(d, label))}"
                for n in names
            )
            lines.append(f"  {label:<9} {method[:22]:<22} " + ", ".join(row))
    return lines


def _groups(day: tuple[str, tuple[str, ...], bool], label: str) -> tuple[str, ...]:
    """The groups a clean key-day counts in: its archetype, or each of its events."""
    return (day[0],) if label == "archetype" else (day[1] or ("(none)",))


def misses(world: World, flags: list[Flag]) -> tuple[list[str], Counter[str]]:
    """The thefts the watch missed (with the nearest alert after onset), and the archetypes and
    events of the clean key-days it flagged."""
    archetype = {k.key_id: k.archetype for k in world.keys}
    lines = []
    for kind, size, _, caught in score(flags, world).thefts:
        theft = next(t for t in world.thefts if (t.kind, t.size) == (kind, size))
        if caught:
            continue
        after = sorted(f.start for f in flags if f.key_id == theft.key_id and f.end > theft.onset)
        near = f"first alert +{(after[0] - theft.onset) / HOUR:.0f} h" if after else "no alert"
        lines.append(
            f"  seed {world.seed} {archetype[theft.key_id]:<13} {kind:<13} {size:<6} "
            f"onset {iso(theft.onset)}: {near}"
        )
    false = Counter(
        f"{a}: {', '.join(e) or '(none)'}" for a, e, flagged in score(flags, world).days if flagged
    )
    return lines, false


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Score the usage watch on world 6.")
    parser.add_argument("--seeds", type=int, nargs="+", default=[71, 72, 73])
    parser.add_argument("--providers", nargs="+", choices=PROVIDERS, default=list(PROVIDERS))
    parser.add_argument("--calibration-seed", type=int, default=CALIBRATION_SEED)
    parser.add_argument("--misses", action="store_true", help="missed thefts and false alerts")
    parser.add_argument("--alerts", type=Path, help="keep each world's alerts.json here")
    args = parser.parse_args(argv)
    for provider in args.providers:
        k = calibrate_k(build_world(provider, args.calibration_seed))
        methods = ("leakward (all alerts)", f"leakward score≥{HANDOFF}", f"mean/std k={k:.2f}")
        results: dict[str, list[Score]] = {m: [] for m in methods}
        missed: list[str] = []
        false = Counter[str]()
        for seed in args.seeds:
            world = build_world(provider, seed)
            began = time.monotonic()
            with tempfile.TemporaryDirectory(prefix="world6-") as folder:
                text = analyze(provider, write_world(world, Path(folder)), Path(folder))
            if args.alerts:
                args.alerts.mkdir(parents=True, exist_ok=True)
                (args.alerts / f"alerts-{provider}-{seed}.json").write_text(text, encoding="utf-8")
            flags = read_alerts(text)
            print(f"{provider} seed {seed}: {len(flags)} alerts, {time.monotonic() - began:.0f} s")
            results[methods[0]].append(score(flags, world))
            results[methods[1]].append(score([f for f in flags if f.score >= HANDOFF], world))
            results[methods[2]].append(score(mean_std_flags(world, k), world))
            lines, falses = misses(world, flags)
            missed, false = missed + lines, false + falses
        print("\n".join(report(provider, results)))
        if args.misses:
            print("missed by leakward (all alerts):", *missed, sep="\n")
            print("alerts on clean key-days, by archetype and events (top 15):")
            print(*(f"  {n:>3} {what}" for what, n in false.most_common(15)), sep="\n")


if __name__ == "__main__":
    main()
