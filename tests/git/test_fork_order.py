"""A history scan forks its workers while no other thread of ours runs.

Stage: orchestration. A fork copies only the thread that forks: a lock another thread held at
that moment (an allocator's, a queue's, a buffered file's) stays held in the worker for ever, and
Python 3.12 warns of it. The walk naming the blobs had a thread reading git's output, and the
pool forked while it ran.
"""

from __future__ import annotations

import os
import threading

import pytest

from leakward.rules.model import RuleSet
from leakward.scanner import git_scan
from leakward.scanner.git_scan import scan_history
from leakward.scanner.scan import ScanOptions
from tests.git.repos import GitRepo, pat


def test_workers_fork_while_no_other_thread_runs(
    repo: GitRepo, rules: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(40):
        repo.commit(f"change {n}", **{f"pkg/module_{n % 7}.py": f"value = {n}\n" * (n + 1)})
    repo.commit("leak", **{"config.py": f"token = '{pat(9)}'\n"})
    # Any history is large enough for the workers, and they are handed families while git walks.
    monkeypatch.setattr(git_scan, "PARALLEL_BYTES", 0)
    others_at_fork: list[list[str]] = []
    fork = os.fork
    # Threads other tests of this process left running (a fake server's) are not the scan's.
    before = set(threading.enumerate())

    def watched_fork() -> int:
        others_at_fork.append(
            [
                t.name
                for t in threading.enumerate()
                if t is not threading.current_thread() and t not in before
            ]
        )
        return fork()

    monkeypatch.setattr(os, "fork", watched_fork)
    scan = scan_history(repo.path, rules, ScanOptions(jobs=2))
    assert others_at_fork  # the workers were forked, here
    assert others_at_fork == [[]] * len(others_at_fork)
    assert pat(9) in {f.secret.reveal() for f in scan.result.findings}
