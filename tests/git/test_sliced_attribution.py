"""Attribution cut into slices of the commit order, one git per core: the same answers as one log.

Stage: orchestration. The commits are listed once beside the scan (sources.git_order); the
attribution log is cut into contiguous runs of that list, diffed side by side, and read in turn.
Each test compares that against the single log on a history with branches, merges (one that
resolves a conflict and adds a file while merging), a rename and tags.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
from pathlib import Path

import pytest

from leakward.cli.progress import ProgressBar
from leakward.rules.model import RuleSet
from leakward.scanner.git_attribution import introductions_of
from leakward.scanner.git_phases import Phases
from leakward.scanner.git_scan import scan_history
from leakward.scanner.models import Skipped
from leakward.scanner.scan import ScanOptions
from leakward.scanner.sources.git import Repository
from leakward.scanner.sources.git_introductions import introductions
from leakward.scanner.sources.git_order import CommitOrder
from leakward.scanner.sources.git_refs import refs_containing
from tests.git.repos import GitRepo, by_secret, pat
from tests.git.test_attribution import _counting_git


def _branchy_history(repo: GitRepo) -> set[str]:
    """A history of secrets across branches and merges; returns the blobs that hold one."""
    repo.commit("init", **{"README.md": "# demo\n", "shared.cfg": "a\n"})
    for seed in range(6):
        repo.commit(f"main {seed}", **{f"conf/{seed}.env": f"TOKEN={pat(300 + seed)}\n"})
        repo.git("checkout", "-q", "-b", f"side-{seed}")
        repo.commit(f"side {seed}", **{"shared.cfg": f"side {seed}\n", "side.env": pat(320 + seed)})
        repo.git("checkout", "-q", "main")
        repo.commit(f"main again {seed}", **{"shared.cfg": f"main {seed}\n"})
        repo.git("merge", "-q", "--no-ff", "--no-commit", "-s", "ours", f"side-{seed}")
        repo.write("shared.cfg", f"resolved {seed} TOKEN={pat(340 + seed)}\n")
        repo.write(f"merged/{seed}.env", f"TOKEN={pat(360 + seed)}\n")
        repo.commit(f"merge side {seed}")
        if seed % 2:
            repo.git("tag", "-a", "-m", "release", f"v{seed}")
    repo.git("mv", "conf/0.env", "moved.env")
    repo.commit("rename")
    listing = repo.git("rev-list", "--objects", "--all", "--filter=object:type=blob")
    return {line.split(" ")[0] for line in listing.splitlines() if "env" in line or "cfg" in line}


def test_a_sliced_log_yields_the_single_logs_introductions_in_its_order(repo: GitRepo) -> None:
    oids = _branchy_history(repo)
    history = Repository(repo.path)
    counted: list[int] = []
    single = list(
        introductions(history.git_dir, ["--all"], oids=oids, combined=True, walked=counted.append)
    )
    assert len({i.commit for i in single}) > 12  # merges, renames and branches are in it
    with CommitOrder(history.git_dir, ["--all"]) as order:
        assert order.complete()
        for count, at_once in ((2, 0), (3, 1), (7, 2), (7, 0)):
            slices = order.slices(count)
            assert len(slices) == count
            walked: list[int] = []
            sliced = introductions(
                history.git_dir,
                ["--all"],
                oids=oids,
                combined=True,
                slices=slices,
                walked=walked.append,
                at_once=at_once,
            )
            # Positions included: ties in one second are broken by them.
            assert list(sliced) == single
            assert walked == counted


def test_a_sliced_log_runs_no_more_gits_at_once_than_asked(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    oids = _branchy_history(repo)
    history = Repository(repo.path)
    single = list(introductions(history.git_dir, ["--all"], oids=oids, combined=True))
    with CommitOrder(history.git_dir, ["--all"]) as order:
        slices = order.slices(8)
        # A `git` that notes when each process starts and ends, in the order they happen.
        real = shutil.which("git")
        assert real
        shim = tmp_path / "bin"
        shim.mkdir()
        events = tmp_path / "events"
        (shim / "git").write_text(
            f'#!/bin/sh\necho start >> "{events}"\n"{real}" "$@"\nstatus=$?\n'
            f'echo end >> "{events}"\nexit $status\n'
        )
        (shim / "git").chmod(stat.S_IRWXU)
        monkeypatch.setenv("PATH", f"{shim}{os.pathsep}{os.environ['PATH']}")
        sliced = list(
            introductions(
                history.git_dir, ["--all"], oids=oids, combined=True, slices=slices, at_once=2
            )
        )
    assert sliced == single
    running, most = 0, 0
    for event in events.read_text().split():
        running += 1 if event == "start" else -1
        most = max(most, running)
    assert events.read_text().split().count("start") == len(slices) > 2
    assert most == 2


def test_refs_read_from_the_listed_order_are_those_of_a_walk_of_their_own(repo: GitRepo) -> None:
    _branchy_history(repo)
    repo.git("tag", "-a", "-m", "nested", "v-nested", "v1")
    repo.git("update-ref", "refs/remotes/origin/old", "main~5")
    commits = repo.git("rev-list", "--all").splitlines()
    git_dir = Path(Repository(repo.path).git_dir)
    with CommitOrder(git_dir, ["--all"]) as order:
        listed = refs_containing(git_dir, commits, None, order.lines())
    assert listed == refs_containing(git_dir, commits)
    assert len({tuple(refs) for refs in listed.values()}) > 3


def test_a_scan_on_two_workers_attributes_as_on_one(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    _branchy_history(repo)
    one = scan_history(repo.path, rules, options)
    two = scan_history(repo.path, rules, ScanOptions(jobs=2))
    assert len(one.result.findings) >= 18
    assert by_secret(two).keys() == by_secret(one).keys()
    for secret, finding in by_secret(one).items():
        other = by_secret(two)[secret]
        assert (other.origin.commit, other.origin.path) == (
            finding.origin.commit,
            finding.origin.path,
        )
        assert two.extras[other] == one.extras[finding]


def test_without_a_complete_listing_one_log_walks_the_revisions(repo: GitRepo) -> None:
    oids = _branchy_history(repo)
    history = Repository(repo.path)
    phases = Phases(None, history)
    skipped: list[Skipped] = []
    expected = introductions_of(history, ["--all"], oids, skipped, phases)
    # A listing git could not finish (here: of a ref that does not exist) is not cut into slices.
    with CommitOrder(history.git_dir, ["refs/heads/no-such-branch"]) as order:
        assert not order.complete()
        got = introductions_of(history, ["--all"], oids, skipped, phases, order, processes=2)
    assert got == expected
    assert len(got) == len(oids)
    assert not skipped


def test_the_attribution_bars_take_their_totals_from_the_listing_without_counting_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rules: RuleSet, options: ScanOptions
) -> None:
    repo = GitRepo(tmp_path / "repo")
    _branchy_history(repo)
    commits = int(repo.git("rev-list", "--count", "--all"))
    log = _counting_git(tmp_path, monkeypatch)
    stream = io.StringIO()
    bar = ProgressBar(stream, unit="objects")
    scan_history(repo.path, rules, options, progress=bar)
    bar.close()
    # The commits listed beside the scan are the totals: no `rev-list --count` walks them again.
    assert not [line for line in log.read_text().splitlines() if "--count" in line]
    for phase in ("attributing", "finding refs"):
        (line,) = [row for row in stream.getvalue().split("\n") if f"{phase} " in row]
        assert f"] {commits}/{commits} commits" in line.split("\r")[-1]
