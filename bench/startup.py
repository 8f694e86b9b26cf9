"""Start-up time of the `leakward` command against a bare `import click`.

Runs each command N times in fresh processes and prints the median wall time and its ratio to
`python -c "import click"`. The target (issue #14): `leakward --help` within 3x the bare import,
and `leakward scan` of a tiny tree no slower than before. A benchmark, never a timed test.

    python bench/startup.py [-n 15]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _leakward() -> list[str]:
    found = shutil.which("leakward", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "leakward"]


def median_seconds(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tree:
        (Path(tree) / "app.py").write_text("print('hello')\n", encoding="utf-8")
        (Path(tree) / "README.md").write_text("# a tiny tree\n", encoding="utf-8")
        commands = {
            "python -c 'import click'": [sys.executable, "-c", "import click"],
            "leakward --help": [*_leakward(), "--help"],
            "leakward --version": [*_leakward(), "--version"],
            "leakward scan TINY": [*_leakward(), "scan", "--no-progress", tree],
        }
        medians = {name: median_seconds(argv, args.runs) for name, argv in commands.items()}
    base = medians["python -c 'import click'"]
    print(f"{'command':<28} {'median s':>9} {'x click':>8}   ({args.runs} runs each)")
    for name, seconds in medians.items():
        print(f"{name:<28} {seconds:>9.3f} {seconds / base:>8.2f}")


if __name__ == "__main__":
    main()
