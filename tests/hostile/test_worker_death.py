"""A scan worker that dies or runs away takes nothing else with it (#16).

The real command line scans a tree, or a real repository's history, with --jobs 2 (large enough
to start the pool) through tests/hostile/killing_cli.py, whose workers SIGKILL themselves on
marked files.
"""

from __future__ import annotations

import json
from pathlib import Path

import git

from tests.hostile.harness import run_guarded
from tests.hostile.killing_cli import KILL_ALWAYS, KILL_ONCE, RUN_AWAY
from tests.sources.builders import AWS_KEY, GOOGLE_KEY

# Enough text to pass the parallel threshold (8 MiB), in files of 1 MiB.
_FILLER = b"the quick brown fox jumps over the lazy dog\n" * (1024 * 1024 // 44)


def _tree(root: Path) -> None:
    for index in range(9):
        (root / f"filler-{index}.txt").write_bytes(_FILLER)
    (root / "a-once.txt").write_bytes(
        KILL_ONCE + b'\naws_access_key_id = "' + AWS_KEY.encode() + b'"\n'
    )
    (root / "m-poison.txt").write_bytes(KILL_ALWAYS + b"\n")
    (root / "r-runaway.txt").write_bytes(RUN_AWAY + b"\n")
    (root / "z-key.txt").write_bytes(b'google_api_key = "' + GOOGLE_KEY.encode() + b'"\n')


def test_a_dead_or_runaway_worker_costs_only_its_file(tmp_path):
    tree, state = tmp_path / "tree", tmp_path / "state"
    tree.mkdir()
    state.mkdir()
    _tree(tree)
    done = run_guarded(
        ["tests.hostile.killing_cli", str(state), "scan", str(tree), "--jobs", "2",
         "--file-timeout", "1", "--format", "json", "--no-progress"]
    )  # fmt: skip
    assert done.returncode == 1, done.stderr[-2000:]  # findings, not an internal error
    report = json.loads(done.stdout)
    assert (state / "killed-once").exists()  # the first worker really died
    found = {(f["file"], f["rule_id"].split(".")[0]) for f in report["findings"]}
    assert {("a-once.txt", "aws"), ("z-key.txt", "google")} <= found
    reasons = {s["path"]: s["reason"] for s in report["skipped"]}
    assert "died twice" in reasons["m-poison.txt"]
    assert "a-once.txt" not in reasons  # retried in a fresh worker, and read
    assert "longer than its 1 s time budget" in reasons["r-runaway.txt"]
    assert report["stats"]["files"] == 13
    assert report["stats"]["errors"] == 2


def test_a_dead_worker_in_a_history_scan_costs_only_its_blobs_family(tmp_path):
    repo_dir, state = tmp_path / "repo", tmp_path / "state"
    state.mkdir()
    repo = git.Repo.init(repo_dir)
    for index in range(9):  # distinct blobs, so the history passes the parallel threshold
        (repo_dir / f"filler-{index}.txt").write_bytes(b"%d\n" % index + _FILLER)
    # No KILL_ONCE here: which blobs a broken pool had reached is not ours to choose.
    (repo_dir / "a-key.txt").write_bytes(b'aws_access_key_id = "' + AWS_KEY.encode() + b'"\n')
    (repo_dir / "m-poison.txt").write_bytes(KILL_ALWAYS + b"\n")
    (repo_dir / "z-key.txt").write_bytes(b'google_api_key = "' + GOOGLE_KEY.encode() + b'"\n')
    repo.index.add([p.name for p in repo_dir.iterdir() if p.is_file()])
    repo.index.commit("everything")
    # GitPython keeps cat-file processes for the index; left to the garbage collector, they
    # were still running when it freed them, and the session failed on the warning.
    repo.close()
    done = run_guarded(
        ["tests.hostile.killing_cli", str(state), "scan", "--git", str(repo_dir), "--jobs", "2",
         "--format", "json", "--no-progress"]
    )  # fmt: skip
    assert done.returncode == 1, done.stderr[-2000:]  # findings, not exit 3 with no report
    report = json.loads(done.stdout)
    found = {(f["file"], f["rule_id"].split(".")[0]) for f in report["findings"]}
    assert {("a-key.txt", "aws"), ("z-key.txt", "google")} <= found
    reasons = {s["path"].split(" ")[0]: s["reason"] for s in report["skipped"]}
    assert "died twice" in reasons.pop("m-poison.txt")
    assert reasons == {}  # the rest of the task was retried, not given up
