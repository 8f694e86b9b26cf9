"""The cost per MB of each hostile shape of issue #16 against plain text of the same size.

`python bench/linear_cost.py [--mb 1] [--engine auto|hyperscan|regex] [--runs 1] [--peers]
[--patterns SHAPE] [--min-confidence low|medium|high]`
builds each shape of tests/scanner/hostile.py at about `--mb` megabytes, scans it as one chunk
with the matcher, and prints CPU milliseconds per MB (process time: the machine may be shared, and
wall time then measures the neighbours), the ratio to plain text (the goal is within 3x for
every shape) and the decoded bytes rescanned. Plain text is scanned at the same size first, and the
scanner's own Python source for a baseline with the keywords and escapes of ordinary code. Shapes
that decode are also run at half the size, to show the cost per MB stays flat (linear).
With `--peers`, gitleaks, betterleaks and Kingfisher (bench/peers.py finds them, in
$LEAKWARD_BENCH_PEERS) scan each shape written to a file of its own, in the same run: their CPU
milliseconds per MB (their start-up, measured on a one-line file, taken off), the ratio to their own
plain text, and how many findings each reports, so the 3x goal can be set beside what other
tools reach on the same bytes. Every table also gives CPU microseconds per finding: for the
shapes whose findings grow with the input, the measure to compare. A peer runs once untimed
first (a cache of its own filled), and each of its figures, start-up included, is its best of
at least three runs. Their reports hold the planted values; they stay in a temporary directory
that is removed, and only counts are printed.
With `--patterns SHAPE`, it prints instead which patterns of Hyperscan's main database cost most
on that shape: halves of the database compiled and timed alone, down to single patterns that
cost at least `--floor` ms per MB (minutes of compiles: a breakdown, not a figure to report).
The rules are those `leakward scan` runs by default (`--min-confidence medium`: the weak generic
rules, confidence low, only on request), as the peers run with their defaults; `--min-confidence
low` times every rule (the figures of earlier sessions, which loaded them all).
A benchmark: it prints, it never fails.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.peers import Peer, locate, peers_home
from leakward.cli.scan import build_ruleset
from leakward.rules.model import CONFIDENCES, RuleSet
from leakward.scanner.engines import make_engine
from leakward.scanner.matcher import Matcher
from leakward.scanner.models import Chunk, Origin
from leakward.settings.model import ScanSettings
from tests.scanner.hostile import SHAPES

MB = 1024 * 1024
# Peers timed here: the scanners with rules for provider tokens (detect-secrets' plugins are
# entropy and keyword heuristics of another kind, and its report is a baseline of another shape).
PEERS = ("gitleaks", "betterleaks", "kingfisher")
# A peer that takes longer than this on one shape is reported as timed out, not waited for.
PEER_TIMEOUT = 300
# A peer's first run may fill a cache of its own (Kingfisher compiles its rules into its user
# cache: 4 s CPU that once, 0.4 s a run after). Taken as the start-up, that first run swamped
# every shape's figure and printed 0.000: an untimed run goes first, and every figure, the
# start-up's too, is the best of at least this many runs, so that one slow or loaded run is
# neither taken off every figure nor set against a best one.
PEER_RUNS = 3


def build(shape: str, size: int) -> bytes:
    """The shape at about `size` bytes: its unit count scaled from a small sample."""
    sample = len(SHAPES[shape](1000).encode())
    return SHAPES[shape](max(1, size * 1000 // sample)).encode()


def source_text(size: int) -> bytes:
    """Ordinary code of the same size: the repository's own Python, repeated."""
    root = Path(__file__).resolve().parents[1]
    code = b"".join(path.read_bytes() for path in sorted((root / "scanner").rglob("*.py")))
    return (code * (size // len(code) + 1))[:size]


def cost(matcher: Matcher, data: bytes, runs: int) -> tuple[float, int, int]:
    """(best CPU seconds per MB over `runs`, findings, decoded bytes rescanned in the last run)."""
    best = float("inf")
    findings = rescanned = 0
    for _ in range(runs):
        before = matcher.work.view_bytes
        started = time.process_time()
        found = matcher.scan_chunk(Chunk(data, Origin("file", "hostile.txt")))
        elapsed = time.process_time() - started
        best = min(best, elapsed / (len(data) / MB))
        findings, rescanned = len(found), matcher.work.view_bytes - before
    return best, findings, rescanned


def per_finding(seconds_per_mb: float, size: float, findings: int) -> str:
    """CPU microseconds per finding, right-aligned, or `-` for a shape with none: where findings
    grow with the input (real_tokens, aws_pairs) the work is per finding, and this is the figure
    to set beside the peers' rather than the ratio to plain text."""
    if not findings:
        return f"{'-':>8}"
    return f"{seconds_per_mb * size / findings * 1e6:>8.1f}"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _report_count(out: Path) -> int:
    """Findings in a peer's JSON report: a list (gitleaks) or `findings` (betterleaks,
    Kingfisher)."""
    if not out.exists() or not out.read_bytes().strip():
        return 0
    report = json.loads(out.read_bytes())
    found = report.get("findings", []) if isinstance(report, dict) else report
    return len(found)


def peer_cost(peer: Peer, folder: Path, runs: int) -> tuple[float, int] | None:
    """(best CPU seconds of `peer` over `runs` scans of `folder`, findings), None on a timeout.

    CPU time of the child, threads included, as `cost` counts the matcher's own."""
    best, findings = float("inf"), 0
    for run in range(runs):
        out = folder.parent / f"{peer.name}-{folder.name}-{run}.json"
        before = _children_cpu()
        try:
            subprocess.run(
                peer.dir_command(folder, out),
                capture_output=True,
                timeout=PEER_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return None
        best = min(best, _children_cpu() - before)
        findings = _report_count(out)
        out.unlink(missing_ok=True)
    return best, findings


def compare_peers(shapes: dict[str, bytes], runs: int) -> None:
    """Each peer's ms/MB per shape and its ratio to its own plain text (see the docstring)."""
    peers = [peer for peer in locate() if peer.name in PEERS]
    if not peers:
        print(f"no peers in {peers_home()}: run bench/peers.py or set LEAKWARD_BENCH_PEERS")
        return
    with tempfile.TemporaryDirectory(prefix="linear-peers-") as tmp:
        folders: dict[str, Path] = {}
        for name, data in {"start-up": b"lorem ipsum\n", **shapes}.items():
            folders[name] = Path(tmp) / name
            folders[name].mkdir()
            (folders[name] / f"{name}.txt").write_bytes(data)
        for peer in peers:
            peer_cost(peer, folders["start-up"], 1)
            start_up = peer_cost(peer, folders["start-up"], runs)
            idle = start_up[0] if start_up else 0.0
            print(f"{peer.name}: start-up {idle:.3f} s CPU, taken off each figure below")
            print(
                f"  {'shape':<16}{'MB':>6}{'ms/MB':>9}{'x plain':>9}{'findings':>10}{'us/find':>8}"
            )
            plain = None
            for name, data in shapes.items():
                result = peer_cost(peer, folders[name], runs)
                size = len(data) / MB
                if result is None:
                    print(f"  {name:<16}{size:>6.2f}  timed out after {PEER_TIMEOUT} s")
                    continue
                seconds = max(result[0] - idle, 0.0) / size
                if name == "plain":
                    plain = seconds
                ratio = f"{seconds / plain:>9.1f}" if plain else f"{'-':>9}"
                print(
                    f"  {name:<16}{size:>6.2f}{seconds * 1e3:>9.2f}{ratio}{result[1]:>10}"
                    f"{per_finding(seconds, size, result[1])}"
                )


# (expression, database id, flags) of one pattern of the main database
Pattern = tuple[bytes, int, int]


def database_cost(patterns: list[Pattern], data: bytes, runs: int = 3) -> float:
    """Best CPU seconds per MB of a database of `patterns` alone over `data`."""
    import hyperscan  # only with --patterns: the shapes' table also runs on the regex engine

    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    expressions, ids, flags = (list(column) for column in zip(*patterns, strict=True))
    database.compile(expressions=expressions, ids=ids, elements=len(ids), flags=flags)
    scratch = hyperscan.Scratch(database)
    best = math.inf
    for _ in range(runs):
        started = time.process_time()
        database.scan(data, match_event_handler=lambda *_: None, scratch=scratch)
        best = min(best, time.process_time() - started)
    return best / (len(data) / MB)


def costly(patterns: list[Pattern], data: bytes, floor: float) -> list[tuple[float, Pattern]]:
    """The single patterns that cost at least `floor` s/MB alone, found by halving: a half that
    costs less is taken to hold none (a pattern seldom costs less with others than alone). The
    costs do not add up: patterns keyed on one word share some of the work at each of its hits."""
    if database_cost(patterns, data) < floor:
        return []
    if len(patterns) == 1:
        return [(database_cost(patterns, data), patterns[0])]
    half = len(patterns) // 2
    return costly(patterns[:half], data, floor) + costly(patterns[half:], data, floor)


def pattern_costs(ruleset: RuleSet, shape: str, size: int, floor: float) -> None:
    """Print the main database's costliest patterns on `shape` (see the docstring)."""
    from leakward.scanner.engines.hyperscan_compile import plan_database, triggers_of
    from leakward.scanner.engines.keyword_gates import GATE_BASE, load_gates

    triggers = triggers_of(ruleset)
    main = plan_database(ruleset, triggers).databases[0]
    kinds = {pattern.encode(): kind for kind, pattern in triggers}
    gates = [gate.name for gate in load_gates() if gate.rules]

    def named(expression: bytes, ident: int) -> str:
        if ident < len(ruleset.rules):
            return ruleset.rules[ident].id
        if expression in kinds:
            return f"trigger {kinds[expression]}"
        if ident >= GATE_BASE:
            return f"gate {gates[ident - GATE_BASE]}"
        return "keyword prefilter"

    data = build(shape, size)
    patterns = list(zip(main.expressions, main.ids, main.flags, strict=True))
    plain = database_cost(patterns, build("plain", size))
    print(
        f"{shape}, {len(data) / MB:.2f} MB: main database {database_cost(patterns, data):.4f}"
        f" s/MB, {len(patterns)} patterns; plain text {plain:.4f}"
    )
    for seconds, (expression, ident, _flags) in sorted(costly(patterns, data, floor), reverse=True):
        print(f"{seconds:>9.4f}  {named(expression, ident):<40} {expression[:90].decode()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0)
    parser.add_argument("--engine", default="auto")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--peers", action="store_true", help="also time gitleaks & co.")
    parser.add_argument("--patterns", choices=sorted(SHAPES), help="costliest patterns on a shape")
    parser.add_argument("--floor", type=float, default=0.5, help="ms per MB, with --patterns")
    parser.add_argument(
        "--min-confidence", choices=CONFIDENCES, default=ScanSettings().min_confidence
    )
    args = parser.parse_args()
    ruleset = build_ruleset(ScanSettings(min_confidence=args.min_confidence))
    if args.patterns:
        pattern_costs(ruleset, args.patterns, int(args.mb * MB), args.floor / 1000)
        return
    matcher = Matcher(ruleset, make_engine(ruleset, args.engine))
    matcher.scan_chunk(Chunk(b"warm = 1\n", Origin("file", "warm.txt")))
    size = int(args.mb * MB)
    plain, _, _ = cost(matcher, build("plain", size), args.runs)
    source, _, _ = cost(matcher, source_text(size), args.runs)
    print(
        f"engine {args.engine}, {len(ruleset.rules)} rules (--min-confidence "
        f"{args.min_confidence}), {args.mb:g} MB per shape; plain text {plain * 1e3:.2f} ms/MB, "
        f"Python source {source * 1e3:.2f} ms/MB ({source / plain:.1f}x plain)"
    )
    print(
        f"{'shape':<16}{'MB':>6}{'ms/MB':>9}{'x plain':>9}{'findings':>10}{'us/find':>8}"
        f"{'rescanned':>11}"
    )
    for shape in SHAPES:
        if shape == "plain":
            continue
        for part in (0.5, 1.0):
            data = build(shape, int(size * part))
            seconds, findings, rescanned = cost(matcher, data, args.runs)
            print(
                f"{shape:<16}{len(data) / MB:>6.2f}{seconds * 1e3:>9.2f}{seconds / plain:>9.1f}"
                f"{findings:>10}{per_finding(seconds, len(data) / MB, findings)}"
                f"{rescanned / len(data):>10.2f}x"
            )
    if args.peers:
        # Plain text first: every other shape's ratio is to it.
        order = ["plain", *(shape for shape in SHAPES if shape != "plain")]
        shapes = {shape: build(shape, size) for shape in order}
        compare_peers(shapes, max(args.runs, PEER_RUNS))


if __name__ == "__main__":
    main()
