"""The cost per MB of each hostile shape of issue #16 against plain text of the same size.

`python bench/linear_cost.py [--mb 1] [--engine auto|hyperscan|regex] [--runs 1]` builds each
shape of tests/scanner/hostile.py at about `--mb` megabytes, scans it as one chunk with the
matcher, and prints CPU seconds per MB (process time: the machine may be shared, and wall time
then measures the neighbours), the ratio to plain text (the goal is within 3x for every
shape) and the decoded bytes rescanned. Plain text is scanned at the same size first, and the
scanner's own Python source for a baseline with the keywords and escapes of ordinary code. Shapes
that decode are also run at half the size, to show the cost per MB stays flat (linear).
A benchmark: it prints, it never fails.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from leakward.rules.loader import load_rules
from leakward.scanner.engines import make_engine
from leakward.scanner.matcher import Matcher
from leakward.scanner.models import Chunk, Origin
from tests.scanner.hostile import SHAPES

MB = 1024 * 1024


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0)
    parser.add_argument("--engine", default="auto")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    ruleset = load_rules()
    matcher = Matcher(ruleset, make_engine(ruleset, args.engine))
    matcher.scan_chunk(Chunk(b"warm = 1\n", Origin("file", "warm.txt")))
    size = int(args.mb * MB)
    plain, _, _ = cost(matcher, build("plain", size), args.runs)
    source, _, _ = cost(matcher, source_text(size), args.runs)
    print(
        f"engine {args.engine}, {args.mb:g} MB per shape; plain text {plain:.3f} s/MB, "
        f"Python source {source:.3f} s/MB ({source / plain:.1f}x plain)"
    )
    print(f"{'shape':<16}{'MB':>6}{'s/MB':>9}{'x plain':>9}{'findings':>10}{'rescanned':>11}")
    for shape in SHAPES:
        if shape == "plain":
            continue
        for part in (0.5, 1.0):
            data = build(shape, int(size * part))
            seconds, findings, rescanned = cost(matcher, data, args.runs)
            print(
                f"{shape:<16}{len(data) / MB:>6.2f}{seconds:>9.3f}{seconds / plain:>9.1f}"
                f"{findings:>10}{rescanned / len(data):>10.2f}x"
            )


if __name__ == "__main__":
    main()
