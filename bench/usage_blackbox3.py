"""Score the usage watch on world 3 as a black box, beside two baselines run on the same pages.

Stage: benchmark (usage watch). The pages of `bench.usage_world3` go to files and through
`leakward usage analyze --provider P --format json FILES…`; nothing else of leakward is used but
its page reader (for the baselines, so they see exactly what the watch sees).

- A theft is caught when an alert on its key has start <= onset + 6 h and end > onset.
- A clean key-day is a judged day (the last 14 of 42) of a key with no theft, or of a robbed key
  before its theft's day; it is flagged when an alert on the key covers any of its buckets. Days
  from a theft's onset on are neither: what follows a theft is not a clean habit.
- Baseline "mean/std": per key, mean and standard deviation of hourly tokens (input, cached and
  output, zero hours included) over the 28 history days; an hour is flagged above mean + k·std,
  k chosen on a separate calibration seed as the smallest that flags ≤1% of clean key-days.
- Baseline "rate limit": a static per-key limit of twice the key's busiest history hour (at
  least 50,000 tokens an hour), as an admin would set one from the key's past.

    nice -n 15 .venv/bin/python -m bench.usage_blackbox3 --seeds 21 22 23 --misses
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.usage_world3 import (
    DAYS,
    HOUR,
    JUDGED_DAYS,
    PROVIDERS,
    SIZES,
    START,
    THIEVES,
    Theft,
    World,
    build_world,
    iso,
    pages,
    write_pages,
)
from leakward.usage.pages import read_page

DAY = 24 * HOUR
WINDOW = 6 * HOUR  # a theft counts as caught only if flagged within this of its onset
HANDOFF = 2.5  # the watch hands alerts at or above this score to rotation
FP_BUDGET = 0.01
LIMIT_FLOOR = 50_000


@dataclass(frozen=True, slots=True)
class Flag:
    """An alert, as far as scoring cares."""

    key_id: str
    start: int
    end: int
    score: float


@dataclass(frozen=True, slots=True)
class Tally:
    caught: tuple[Theft, ...]
    missed: tuple[Theft, ...]
    clean_days: int
    flagged_days: int
    # per owner archetype: (archetype, clean key-days, flagged), to see where false alarms come from
    by_archetype: tuple[tuple[str, int, int], ...] = ()


def moment(value: object) -> int:
    """An alert time: epoch seconds, or ISO 8601 as the CLI may write it."""
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str):
        return int(datetime.fromisoformat(value).timestamp())
    raise ValueError(f"alert time {value!r} is neither epoch seconds nor ISO 8601")


def read_alerts(text: str) -> list[Flag]:
    document = json.loads(text)
    return [
        Flag(str(a["key_id"]), moment(a["start"]), moment(a["end"]), float(a["score"]))
        for a in document["alerts"]
    ]


def analyze(
    provider: str, files: Sequence[Path], folder: Path, issued: Mapping[str, int] | None = None
) -> str:
    """The JSON `leakward usage analyze` writes for these pages, run as its own process: every
    world is scored through the command a user runs. `issued` (key id -> epoch seconds) is what
    `leakward watch` reads from the registry: when each key was issued."""
    output = folder / "alerts.json"
    command = [str(Path(sys.executable).parent / "leakward"), "usage", "analyze"]
    command += ["--provider", provider, "--format", "json", "--output", str(output)]
    for key_id, moment_issued in sorted((issued or {}).items()):
        when = datetime.fromtimestamp(moment_issued, tz=UTC).isoformat()
        command += ["--issued", f"{key_id}={when}"]
    done = subprocess.run([*command, *map(str, files)], capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1) or not output.exists():
        raise RuntimeError(
            f"leakward usage analyze exited {done.returncode}: {done.stderr[-2000:]}"
        )
    return output.read_text(encoding="utf-8")


def run_watch(world: World, folder: Path) -> list[Flag]:
    """Alerts of `leakward usage analyze` on the world's pages."""
    return read_alerts(analyze(world.provider, write_pages(world, folder), folder))


def judged_days(world: World) -> range:
    return range(world.days - JUDGED_DAYS, world.days)


def tally(flags: Iterable[Flag], world: World) -> Tally:
    by_key: dict[str, list[Flag]] = {}
    for flag in flags:
        by_key.setdefault(flag.key_id, []).append(flag)
    caught, missed = [], []
    for theft in world.thefts:
        mine = by_key.get(theft.key_id, [])
        is_hit = any(f.start <= theft.onset + WINDOW and f.end > theft.onset for f in mine)
        (caught if is_hit else missed).append(theft)
    onset = {t.key_id: t.onset for t in world.thefts}
    days: dict[str, list[int]] = {}
    for key in world.keys:
        mine = by_key.get(key.key_id, [])
        count = days.setdefault(key.archetype, [0, 0])
        for day in judged_days(world):
            first, last = START + day * DAY, START + (day + 1) * DAY
            if key.key_id in onset and last > onset[key.key_id]:
                continue
            count[0] += 1
            count[1] += any(f.start < last and f.end > first for f in mine)
    clean, flagged = (sum(c[i] for c in days.values()) for i in (0, 1))
    rows = tuple((name, c[0], c[1]) for name, c in sorted(days.items()))
    return Tally(tuple(caught), tuple(missed), clean, flagged, rows)


def hourly_tokens(world: World) -> dict[str, list[int]]:
    """Tokens per key per hour, read back from the pages with leakward's page reader."""
    series = {key.key_id: [0] * (world.days * 24) for key in world.keys}
    for page in pages(world):
        for record in read_page(world.provider, page).records:
            tokens = record.input_tokens + record.cached_input_tokens + record.output_tokens
            series[record.key_id][(record.start - START) // HOUR] += tokens
    return series


def _runs(
    key_id: str, values: Sequence[float], first: int, limit: float, start: int = START
) -> list[Flag]:
    """Alerts over consecutive judged hours whose value exceeds `limit`; hour 0 of `values` is
    `start` (world 3's calendar unless another world's is given)."""
    flags: list[Flag] = []
    run: list[int] = []
    for hour in [*range(first, len(values)), len(values)]:
        if hour < len(values) and values[hour] > limit:
            run.append(hour)
            continue
        if run:
            top = max(values[h] for h in run)
            flags.append(Flag(key_id, start + run[0] * HOUR, start + (run[-1] + 1) * HOUR, top))
            run = []
    return flags


def z_scores(series: dict[str, list[int]], history: int) -> dict[str, list[float]]:
    out = {}
    for key_id, values in series.items():
        past = values[:history]
        mean = sum(past) / len(past)
        std = math.sqrt(sum((v - mean) ** 2 for v in past) / len(past))
        out[key_id] = [(v - mean) / std if std else (math.inf if v > mean else 0.0) for v in values]
    return out


def mean_std_flags(world: World, k: float) -> list[Flag]:
    history = (world.days - JUDGED_DAYS) * 24
    z = z_scores(hourly_tokens(world), history)
    return [flag for key_id, values in z.items() for flag in _runs(key_id, values, history, k)]


def calibrate_k(world: World) -> float:
    """The smallest k at which mean/std flags at most 1% of the world's clean key-days."""
    history = (world.days - JUDGED_DAYS) * 24
    z = z_scores(hourly_tokens(world), history)
    onset = {t.key_id: t.onset for t in world.thefts}
    peaks = []
    for key_id, values in z.items():
        for day in judged_days(world):
            if key_id in onset and START + (day + 1) * DAY > onset[key_id]:
                continue
            peaks.append(max(values[day * 24 : day * 24 + 24]))
    peaks.sort()
    allowed = math.floor(FP_BUDGET * len(peaks))  # days that may still exceed k
    return peaks[len(peaks) - allowed - 1]


def rate_limit_flags(world: World) -> list[Flag]:
    history = (world.days - JUDGED_DAYS) * 24
    flags = []
    for key_id, values in hourly_tokens(world).items():
        limit = max(2 * max(values[:history]), LIMIT_FLOOR)
        flags += _runs(key_id, [float(v) for v in values], history, limit)
    return flags


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole:.1f}%" if whole else "0/0"


def report(provider: str, results: dict[str, list[Tally]], worlds: list[World]) -> list[str]:
    """Recall and clean-day FP per method, then recall per theft kind and size."""
    thefts = sum(len(w.thefts) for w in worlds)
    lines = [
        f"== {provider}: {len(worlds)} worlds, {thefts} thefts, {DAYS} days, last "
        f"{JUDGED_DAYS} judged"
    ]
    lines.append(f"{'method':<24} {'recall (≤6 h)':<22} clean key-days flagged")
    for method, tallies in results.items():
        caught = sum(len(t.caught) for t in tallies)
        days = sum(t.clean_days for t in tallies)
        flagged = sum(t.flagged_days for t in tallies)
        lines.append(f"{method:<24} {_ratio(caught, thefts):<22} {_ratio(flagged, days)}")
    lines.append("clean key-days flagged per owner archetype (flagged/clean):")
    for method, tallies in results.items():
        totals: dict[str, list[int]] = {}
        for row in (r for t in tallies for r in t.by_archetype):
            pair = totals.setdefault(row[0], [0, 0])
            pair[0], pair[1] = pair[0] + row[2], pair[1] + row[1]
        cells = " ".join(f"{name} {f}/{c}" for name, (f, c) in totals.items())
        lines.append(f"  {method:<22} {cells}")
    lines.append(f"{'kind':<16} {'size':<7} " + " ".join(f"{m[:14]:>14}" for m in results))
    for kind in THIEVES:
        for size in SIZES:
            cells = []
            for tallies in results.values():
                hit = sum(1 for t in tallies for x in t.caught if (x.kind, x.size) == (kind, size))
                out = sum(1 for t in tallies for x in t.missed if (x.kind, x.size) == (kind, size))
                cells.append(f"{hit}/{hit + out}")
            lines.append(f"{kind:<16} {size:<7} " + " ".join(f"{c:>14}" for c in cells))
    return lines


def misses(world: World, tally_: Tally, flags: list[Flag]) -> list[str]:
    """The thefts the watch missed, with the nearest alert on the key (late or early)."""
    archetype = {k.key_id: k.archetype for k in world.keys}
    lines = []
    for theft in tally_.missed:
        mine = sorted((f for f in flags if f.key_id == theft.key_id), key=lambda f: f.start)
        after = [f for f in mine if f.end > theft.onset]
        near = (
            f"first alert after onset +{(after[0].start - theft.onset) / HOUR:.0f} h, "
            f"score {after[0].score:.2f}"
            if after
            else "no alert after onset"
        )
        lines.append(
            f"  seed {world.seed} {theft.key_id[:12]}… {archetype[theft.key_id]:<13} "
            f"{theft.kind:<16} {theft.size:<6} onset {iso(theft.onset)}: {near}"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Score the usage watch on world 3.")
    parser.add_argument("--seeds", type=int, nargs="+", default=[21, 22, 23])
    parser.add_argument("--providers", nargs="+", choices=PROVIDERS, default=list(PROVIDERS))
    parser.add_argument("--calibration-seed", type=int, default=99)
    parser.add_argument("--misses", action="store_true", help="list the thefts the watch missed")
    parser.add_argument("--alerts", type=Path, help="keep each world's alerts.json here")
    args = parser.parse_args(argv)
    for provider in args.providers:
        k = calibrate_k(build_world(provider, args.calibration_seed))
        methods = ("leakward (all alerts)", f"leakward score≥{HANDOFF}", f"mean/std k={k:.2f}")
        results: dict[str, list[Tally]] = {m: [] for m in (*methods, "rate limit 2×peak")}
        worlds, missed = [], []
        for seed in args.seeds:
            world = build_world(provider, seed)
            worlds.append(world)
            with tempfile.TemporaryDirectory(prefix="world3-") as folder:
                began = time.monotonic()
                flags = run_watch(world, Path(folder))
                took = time.monotonic() - began
                if args.alerts:
                    args.alerts.mkdir(parents=True, exist_ok=True)
                    kept = args.alerts / f"alerts-{provider}-{seed}.json"
                    kept.write_bytes((Path(folder) / "alerts.json").read_bytes())
            print(f"{provider} seed {seed}: {len(flags)} alerts in {took:.0f} s", file=sys.stderr)
            results[methods[0]].append(tally(flags, world))
            results[methods[1]].append(tally([f for f in flags if f.score >= HANDOFF], world))
            results[methods[2]].append(tally(mean_std_flags(world, k), world))
            results["rate limit 2×peak"].append(tally(rate_limit_flags(world), world))
            missed += misses(world, results[methods[0]][-1], flags)
        print("\n".join(report(provider, results, worlds)))
        if args.misses:
            print("missed by leakward (all alerts):", *missed, sep="\n")


if __name__ == "__main__":
    main()
