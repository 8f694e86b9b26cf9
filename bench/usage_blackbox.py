"""Score `leakward usage analyze` as a black box on the independent world of `usage_world2.py`.

Stage: benchmark (issue #20). For each provider and seed: write the world's pages (4+ weeks of
history and the judged last 14 days) to files exactly as the provider's API returns them, run
`leakward usage analyze --provider P --format json FILES…`, and score its alerts:

- a theft is flagged when an alert for its key has start <= onset + 6 h and end > onset;
- a clean key-day (a day of the judged window on which the key has no theft) is flagged when any
  alert for the key covers a bucket of that day.

The reference in the same run is the per-key mean/std baseline on hourly tokens: an hour is
flagged when its tokens are more than k standard deviations above the key's history mean, k set on
a separate calibration seed to the smallest value flagging at most 1% of its clean key-days.

    python -m bench.usage_blackbox --seeds 11 12 13 --providers openai anthropic [--keys 30]
        [--days 42] [--width 1h|1m] [--misses]
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.usage_world2 import (
    DAY,
    EVENTS,
    HOUR,
    SIZES,
    THEFT_KINDS,
    Theft,
    World,
    build_world,
    pages,
)

DETECT_WITHIN = 6 * HOUR
TARGET_FP = 0.01
# The watch hands an alert to rotation from this score on (docs/usage-watch.md); weaker alerts are
# listed, so both are scored.
CONFIDENT = 2.5
WIDTHS = {"1h": HOUR, "1m": 60}
DEFAULT_WORKDIR = Path(__file__).parent / "corpus" / "usage-world2"


@dataclass(frozen=True, slots=True)
class Flag:
    """An alert as scored: the key, the span [start, end) in epoch seconds, and why."""

    key_id: str
    start: int
    end: int
    score: float
    reason: str


@dataclass(slots=True)
class Score:
    caught: list[tuple[Theft, bool]]
    # Whether any alert overlapped the theft at all, however late: a miss caught late is not a
    # miss never seen.
    seen: list[bool]
    # One entry per clean key-day: the key's legitimate event ("none" without one), and whether
    # an alert touched the day.
    days: list[tuple[str, bool]]
    false_flags: list[Flag]

    @property
    def clean_days(self) -> int:
        return len(self.days)

    @property
    def flagged_days(self) -> int:
        return sum(flagged for _, flagged in self.days)


def score(world: World, flags: Sequence[Flag]) -> Score:
    """Which thefts the flags caught within 6 h of onset, and which clean key-days they touched."""
    by_key: dict[str, list[Flag]] = {}
    for flag in flags:
        by_key.setdefault(flag.key_id, []).append(flag)
    caught = [
        (
            theft,
            any(
                f.start <= theft.onset + DETECT_WITHIN and f.end > theft.onset
                for f in by_key.get(theft.key_id, ())
            ),
        )
        for theft in world.thefts
    ]
    seen = [
        any(f.start < theft.end and f.end > theft.onset for f in by_key.get(theft.key_id, ()))
        for theft in world.thefts
    ]
    thefts_of = {theft.key_id: theft for theft in world.thefts}
    days: list[tuple[str, bool]] = []
    false_flags: set[Flag] = set()
    for key_id in world.habits:
        theft = thefts_of.get(key_id)
        for day in range(world.judged_from, world.end, DAY):
            if theft is not None and theft.onset < day + DAY and theft.end > day:
                continue
            touching = [f for f in by_key.get(key_id, ()) if f.start < day + DAY and f.end > day]
            days.append((world.events.get(key_id, "none"), bool(touching)))
            false_flags.update(touching)
    return Score(caught, seen, days, sorted(false_flags, key=lambda f: f.start))


def epoch(value: int | str) -> int:
    """An alert time as epoch seconds: OpenAI's are numbers, Anthropic's RFC 3339."""
    if isinstance(value, int):
        return value
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def write_pages(world: World, width: int, folder: Path) -> list[Path]:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    files = []
    for number, page in enumerate(pages(world, width)):
        path = folder / f"page-{number:04d}.json"
        path.write_text(json.dumps(page), encoding="utf-8")
        files.append(path)
    return files


def run_model(provider: str, files: Sequence[Path]) -> tuple[list[Flag], float]:
    """The CLI's alerts for these pages, and the CPU seconds it took (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("leakward")),
            "usage",
            "analyze",
            "--provider",
            provider,
            "--format",
            "json",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"leakward usage analyze exited {done.returncode}: {done.stderr[-2000:]}")
    alerts = json.loads(done.stdout)["alerts"]
    flags = [
        Flag(a["key_id"], epoch(a["start"]), epoch(a["end"]), float(a["score"]), a["reason"])
        for a in alerts
    ]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return flags, cpu


# --- the mean/std baseline


def hourly_z(world: World) -> dict[str, dict[int, float]]:
    """Per key, each judged hour's tokens in standard deviations above the key's history mean."""
    tokens: dict[str, dict[int, int]] = {key: {} for key in world.habits}
    for use in world.uses:
        hour = use.hour - use.hour % HOUR
        total = use.uncached_input + use.cache_write + use.cache_read + use.output
        tokens[use.key_id][hour] = tokens[use.key_id].get(hour, 0) + total
    history = range(world.start, world.judged_from, HOUR)
    judged = range(world.judged_from, world.end, HOUR)
    out: dict[str, dict[int, float]] = {}
    for key, seen in tokens.items():
        values = [seen.get(hour, 0) for hour in history]
        mean = sum(values) / len(values)
        std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
        out[key] = {hour: _z(seen.get(hour, 0), mean, std) for hour in judged}
    return out


def _z(value: float, mean: float, std: float) -> float:
    if std > 0:
        return (value - mean) / std
    return math.inf if value > mean else 0.0


def calibrate_k(world: World) -> float:
    """The smallest k that flags at most 1% of this world's clean key-days."""
    z = hourly_z(world)
    thefts_of = {theft.key_id: theft for theft in world.thefts}
    maxima = []
    for key, hours in z.items():
        theft = thefts_of.get(key)
        for day in range(world.judged_from, world.end, DAY):
            if theft is not None and theft.onset < day + DAY and theft.end > day:
                continue
            maxima.append(max(hours[h] for h in range(day, day + DAY, HOUR)))
    maxima.sort(reverse=True)
    return maxima[math.floor(TARGET_FP * len(maxima))]


def baseline_flags(world: World, k: float) -> list[Flag]:
    """Runs of consecutive hours above k standard deviations, one flag per run."""
    flags = []
    for key, hours in hourly_z(world).items():
        run: list[int] = []
        for hour in [*sorted(hours), world.end]:
            if hours.get(hour, -math.inf) > k:
                run.append(hour)
                continue
            if run:
                peak = max(hours[h] for h in run)
                flags.append(
                    Flag(key, run[0], run[-1] + HOUR, peak, f"tokens {peak:.1f} sd over mean")
                )
                run = []
    return flags


# --- the report


def _rate(hits: int, total: int) -> str:
    return f"{hits}/{total} {100 * hits / total:5.1f}%" if total else "0/0    -"


def _pick(pairs: list[tuple[Theft, bool]], kind: str | None, size: str | None) -> list[bool]:
    return [
        hit for theft, hit in pairs if kind in (None, theft.kind) and size in (None, theft.size)
    ]


def _iso(moment: int) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d %H:%M")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 12, 13])
    parser.add_argument(
        "--providers", nargs="+", default=["openai", "anthropic"], choices=["openai", "anthropic"]
    )
    parser.add_argument("--keys", type=int, default=30)
    parser.add_argument("--days", type=int, default=42)
    parser.add_argument("--width", choices=sorted(WIDTHS), default="1h")
    parser.add_argument(
        "--calibration-seed",
        type=int,
        default=99,
        help="the seed whose world sets the baseline's k (not one of --seeds)",
    )
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument(
        "--misses",
        action="store_true",
        help="list missed thefts and false alerts with the model's reasons",
    )
    args = parser.parse_args(argv)
    if args.calibration_seed in args.seeds:
        parser.error("--calibration-seed must not be one of --seeds")
    width = WIDTHS[args.width]
    for provider in args.providers:
        k = calibrate_k(build_world(args.calibration_seed, provider, args.keys, args.days))
        columns: dict[str, list[Score]] = {
            "leakward": [],
            "score>=2.5": [],
            f"mean/std k={k:.2f}": [],
        }
        cpu = wall = 0.0
        notes: list[str] = []
        for seed in args.seeds:
            world = build_world(seed, provider, args.keys, args.days)
            files = write_pages(world, width, args.workdir / f"{provider}-{seed}-{args.width}")
            began = time.perf_counter()
            flags, used = run_model(provider, files)
            wall += time.perf_counter() - began
            cpu += used
            confident = [flag for flag in flags if flag.score >= CONFIDENT]
            for column, these in zip(
                columns.values(), (flags, confident, baseline_flags(world, k)), strict=True
            ):
                column.append(score(world, these))
            if args.misses:
                notes += _misses(world, flags, columns["leakward"][-1])
        print(
            f"\n{provider}: seeds {' '.join(map(str, args.seeds))}, {args.keys} keys, "
            f"{args.days} days ({args.days - 14} history + 14 judged), {args.width} buckets; "
            f"leakward CPU {cpu:.1f} s (wall {wall:.1f} s)"
        )
        print("\n".join(_report(columns)))
        if notes:
            print("\n".join(notes))
    return 0


def _report(columns: dict[str, list[Score]]) -> list[str]:
    """Thefts caught by kind and size, and clean key-days flagged by the key's event, per column."""
    caught = {
        name: [pair for result in scores for pair in result.caught]
        for name, scores in columns.items()
    }
    days = {
        name: [day for result in scores for day in result.days] for name, scores in columns.items()
    }

    def row(label: str, cells: Iterable[tuple[int, int]]) -> str:
        return f"  {label:<28}" + "".join(f"{_rate(hits, total):>18}" for hits, total in cells)

    lines = [f"  {'':<28}" + "".join(f"{name:>18}" for name in columns)]
    groups: list[tuple[str | None, str | None]] = [(None, None)]
    groups += [(kind, None) for kind in THEFT_KINDS] + [(None, size) for size in SIZES]
    groups += [(kind, size) for kind in THEFT_KINDS for size in SIZES]
    for kind, size in groups:
        label = " ".join(part for part in (kind, size) if part) or "thefts within 6 h"
        picked = [_pick(pairs, kind, size) for pairs in caught.values()]
        lines.append(
            row(("  " if kind or size else "") + label, ((sum(p), len(p)) for p in picked))
        )
    seen = [[hit for result in scores for hit in result.seen] for scores in columns.values()]
    lines.append(row("  flagged at all while active", ((sum(s), len(s)) for s in seen)))
    for event in (None, "none", *EVENTS):
        label = f"  keys with event {event}" if event else "clean key-days flagged"
        picked = [[hit for what, hit in pairs if event in (None, what)] for pairs in days.values()]
        lines.append(row(label, ((sum(p), len(p)) for p in picked)))
    return lines


def _misses(world: World, flags: Sequence[Flag], result: Score) -> list[str]:
    lines = []
    for theft, hit in result.caught:
        if hit:
            continue
        lines.append(
            f"  MISSED seed {world.seed} {theft.kind} {theft.size} on {theft.key_id} "
            f"({world.habits[theft.key_id]}, event {world.events.get(theft.key_id)}) "
            f"onset {_iso(theft.onset)}, {(theft.end - theft.onset) // HOUR} h"
        )
        for flag in flags:
            if flag.key_id == theft.key_id:
                lines.append(
                    f"      alert {_iso(flag.start)}..{_iso(flag.end)} "
                    f"score {flag.score:.1f}: {flag.reason}"
                )
    for flag in result.false_flags:
        lines.append(
            f"  FALSE seed {world.seed} {flag.key_id} ({world.habits[flag.key_id]}, "
            f"event {world.events.get(flag.key_id)}) {_iso(flag.start)}..{_iso(flag.end)} "
            f"score {flag.score:.1f}: {flag.reason}"
        )
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
