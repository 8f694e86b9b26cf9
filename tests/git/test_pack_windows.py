"""Every git process a history scan starts maps packs in small windows (issue #18: git's mapped
pack pages were a scan's peak resident memory on a long history)."""

from __future__ import annotations

import os
import re
import shutil
import stat
from pathlib import Path

import pytest

from leakward.rules.model import RuleSet
from leakward.scanner.git_scan import scan_history
from leakward.scanner.scan import ScanOptions
from leakward.scanner.sources.git_command import GIT
from tests.git.repos import GitRepo, by_secret, pat


def test_every_git_process_of_a_history_scan_uses_small_pack_windows(
    repo: GitRepo,
    rules: RuleSet,
    options: ScanOptions,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo.commit("init", **{"README.md": "# demo\n"})
    repo.commit("token", **{"app.py": f"TOKEN = '{pat(1)}'\n"})
    repo.git("branch", "side")
    # A `git` first on PATH that logs its arguments, one line per process, and runs the real one.
    shim = tmp_path / "bin"
    shim.mkdir()
    log = tmp_path / "git-calls.log"
    real = shutil.which("git")
    assert real is not None
    (shim / "git").write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    (shim / "git").chmod(stat.S_IRWXU)
    monkeypatch.setenv("PATH", f"{shim}{os.pathsep}{os.environ['PATH']}")

    scan = scan_history(repo.path, rules, options)

    assert pat(1) in by_secret(scan)
    calls = log.read_text().splitlines()
    history_reads = [call for call in calls if "--git-dir=" in call]
    # The history's one log names the blobs and lists the commits (sources.git_history_log).
    assert {"cat-file", "log"} <= {word for call in history_reads for word in call.split()}
    window = next(setting for setting in GIT if "packedGitWindowSize" in setting)
    cap = int(next(setting for setting in GIT if "packedGitLimit" in setting)[20:-1])
    unbounded = [
        call
        for call in history_reads
        if window not in call
        or not (caps := re.findall(r"core\.packedGitLimit=(\d+)m", call))
        or max(map(int, caps)) > cap
    ]
    assert unbounded == []
