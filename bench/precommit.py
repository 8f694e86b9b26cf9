"""Pre-commit latency: `leakward scan --staged` against `gitleaks git --pre-commit --staged`.

Stage: benchmarks only. Builds a repository with a history of ordinary source files, stages a
change of --files files (edits, one new file, one rename) and times both commands on that same
index, alternating, --runs times each. Prints median and spread and the ratio; the #3 target is
leakward within 1.5x of gitleaks' wall time.

    python bench/precommit.py [--files 10] [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from peers import ensure  # noqa: E402
from throughput import leakward_exe  # noqa: E402

_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.test",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.test",
}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=_ENV, capture_output=True)


def _source(chooser: random.Random, lines: int) -> str:
    words = [
        "".join(chooser.choices(string.ascii_lowercase, k=chooser.randint(3, 10)))
        for _ in range(50)
    ]
    body = []
    for n in range(lines):
        name, call = chooser.choice(words), chooser.choice(words)
        body.append(
            f"    {name}_{n} = {call}({chooser.randint(0, 999)}, '{chooser.choice(words)}')"
        )
    return "def handler():\n" + "\n".join(body) + "\n"


def build(repo: Path, files: int) -> None:
    """A repository of 200 committed files, then a staged change touching `files` of them."""
    chooser = random.Random(7)
    _git(repo, "init", "-q", "-b", "main")
    for n in range(200):
        (repo / f"mod_{n:03d}.py").write_text(_source(chooser, 300))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    for n in range(files - 2):
        path = repo / f"mod_{n:03d}.py"
        path.write_text(path.read_text() + _source(chooser, 20))
    (repo / "new_module.py").write_text(_source(chooser, 100))
    _git(repo, "mv", "mod_199.py", "renamed.py")
    _git(repo, "add", "-A")


def _time(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed ({done.returncode}): {done.stderr.decode()[-300:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    gitleaks = next((p for p in ensure() if p.name == "gitleaks"), None)
    if gitleaks is None:
        raise SystemExit("gitleaks is not installed: run bench/peers.py")
    commands = {
        "leakward": [*leakward_exe(), "scan", "--staged", "."],
        "gitleaks": [str(gitleaks.binary), "git", "--pre-commit", "--staged", "--no-banner",
                     "-l", "warn", "--exit-code", "0", "."],
    }  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        build(repo, args.files)
        for command in commands.values():
            _time(command, repo)  # warm: page cache, leakward's rule and Hyperscan caches
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(_time(command, repo))
    for name, values in times.items():
        print(
            f"{name:10} median {statistics.median(values):.3f} s"
            f"  min {min(values):.3f}  max {max(values):.3f}  ({len(values)} runs)"
        )
    ratio = statistics.median(times["leakward"]) / statistics.median(times["gitleaks"])
    print(f"leakward / gitleaks wall time: {ratio:.2f}x (target <= 1.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
