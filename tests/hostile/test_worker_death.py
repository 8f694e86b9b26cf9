"""A scan worker that dies takes nothing else with it (#16).

The real command line scans a tree with --jobs 2 (large enough to start the pool) through
tests/hostile/killing_cli.py, whose workers SIGKILL themselves on marked files.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.hostile.killing_cli import KILL_ALWAYS, KILL_ONCE
from tests.sources.builders import AWS_KEY, GOOGLE_KEY

_ROOT = Path(__file__).resolve().parents[2]
# Enough text to pass the parallel threshold (8 MiB), in files of 1 MiB.
_FILLER = b"the quick brown fox jumps over the lazy dog\n" * (1024 * 1024 // 44)


def _tree(root: Path) -> None:
    for index in range(9):
        (root / f"filler-{index}.txt").write_bytes(_FILLER)
    (root / "a-once.txt").write_bytes(
        KILL_ONCE + b'\naws_access_key_id = "' + AWS_KEY.encode() + b'"\n'
    )
    (root / "m-poison.txt").write_bytes(KILL_ALWAYS + b"\n")
    (root / "z-key.txt").write_bytes(b'google_api_key = "' + GOOGLE_KEY.encode() + b'"\n')


def test_a_killed_worker_costs_only_its_file(tmp_path):
    tree, state = tmp_path / "tree", tmp_path / "state"
    tree.mkdir()
    state.mkdir()
    _tree(tree)
    done = subprocess.run(
        [sys.executable, "-m", "tests.hostile.killing_cli", str(state), "scan", str(tree),
         "--jobs", "2", "--format", "json", "--no-progress"],
        capture_output=True, text=True, cwd=_ROOT, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr[-2000:]  # findings, not an internal error
    report = json.loads(done.stdout)
    assert (state / "killed-once").exists()  # the first worker really died
    found = {(f["file"], f["rule_id"].split(".")[0]) for f in report["findings"]}
    assert {("a-once.txt", "aws"), ("z-key.txt", "google")} <= found
    reasons = {s["path"]: s["reason"] for s in report["skipped"]}
    assert "died twice" in reasons["m-poison.txt"]
    assert "a-once.txt" not in reasons  # retried in a fresh worker, and read
    assert report["stats"]["files"] == 12
    assert report["stats"]["errors"] == 1
