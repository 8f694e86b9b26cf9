"""Attribution of history findings: which refs hold each one, from one walk of the history.

The git processes a scan starts are counted by a `git` found first on PATH that records its
arguments and runs the real git: the real program does the work, the count is what it was asked.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
from pathlib import Path

import pytest

from leakward.cli.progress import ProgressBar
from leakward.rules.model import RuleSet
from leakward.scanner.git_scan import scan_history
from leakward.scanner.scan import ScanOptions
from leakward.scanner.sources.git import Repository
from leakward.scanner.sources.git_introductions import finds_fit, introductions
from tests.git.repos import GitRepo, by_secret, pat, reachable_blobs


def _counting_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Puts a recording `git` first on PATH; returns the file it appends each command to."""
    real = shutil.which("git")
    assert real
    folder = tmp_path / "counting-bin"
    folder.mkdir()
    log = tmp_path / "git-calls.log"
    wrapper = folder / "git"
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return log


def _history_with_findings(repo: GitRepo, count: int) -> None:
    """`count` secrets, each added by its own commit, on main and on side branches and tags."""
    repo.commit("init", **{"README.md": "# demo\n"})
    for seed in range(count):
        repo.commit(f"secret {seed}", **{f"conf/{seed}.env": f"TOKEN={pat(100 + seed)}\n"})
        if seed % 3 == 0:
            repo.git("branch", f"side-{seed}")
        if seed % 4 == 0:
            repo.git("tag", "-a", "-m", "release", f"v{seed}")


def _git_calls(tmp_path: Path, count: int, rules: RuleSet, options: ScanOptions) -> int:
    repo = GitRepo(tmp_path / f"repo-{count}")
    _history_with_findings(repo, count)
    log = tmp_path / "git-calls.log"
    log.unlink(missing_ok=True)
    scan = scan_history(repo.path, rules, options)
    assert len(scan.result.findings) == count
    return len(log.read_text().splitlines())


def test_git_processes_do_not_grow_with_the_commits_that_introduced_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rules: RuleSet, options: ScanOptions
) -> None:
    _counting_git(tmp_path, monkeypatch)
    few = _git_calls(tmp_path, 2, rules, options)
    many = _git_calls(tmp_path, 24, rules, options)
    assert few > 0
    assert many == few


def _expected_refs(repo: GitRepo, commit: str) -> list[str]:
    """What git itself answers for one commit."""
    listing = repo.git("for-each-ref", f"--contains={commit}", "--format=%(refname)")
    return listing.splitlines()


def test_refs_of_each_finding_are_what_git_for_each_ref_contains_says(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    _history_with_findings(repo, 9)
    # A merge joins a side branch back; a tag of a tag and tags of a blob and of a tree must
    # count as git counts them.
    repo.git("checkout", "-q", "-b", "topic", "side-3")
    repo.commit("topic", **{"topic.env": f"TOKEN={pat(200)}\n"})
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "merge topic", "topic")
    repo.git("branch", "-q", "-D", "topic")
    repo.git("tag", "-a", "-m", "nested", "v-nested", "v4")
    blob = repo.git("hash-object", "-w", "--stdin", input=b"plain\n")
    repo.git("tag", "v-blob", blob)
    repo.git("tag", "-a", "-m", "a tree", "v-tree", "HEAD^{tree}")
    repo.git("update-ref", "refs/remotes/origin/old", "main~4")
    scan = scan_history(repo.path, rules, options)
    found = by_secret(scan)
    assert len(found) == 10
    for finding in found.values():
        assert finding.origin.commit
        assert scan.extras[finding]["refs"] == _expected_refs(repo, finding.origin.commit)


def _last_draw_of(output: str, phase: str) -> str:
    """The final state of a phase's bar: the last redraw on its line."""
    (line,) = [line for line in output.split("\n") if f"{phase} " in line]
    return line.split("\r")[-1]


def test_progress_names_each_phase_with_its_own_bar_up_to_its_total(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    _history_with_findings(repo, 5)
    commits = int(repo.git("rev-list", "--count", "--all"))
    blobs = len(reachable_blobs(repo))  # the object store's count: the walk also named tags
    stream = io.StringIO()
    bar = ProgressBar(stream, unit="objects")
    scan_history(repo.path, rules, options, progress=bar)
    bar.close()
    output = stream.getvalue()
    phases = ["reading", "scanning", "attributing", "finding refs"]
    assert [output.index(f"{phase} ") for phase in phases] == sorted(
        output.index(f"{phase} ") for phase in phases
    )
    assert output.count("\n") == len(phases)  # one line per phase, kept
    # git counts the commits beside the walk: the total may not be known yet when it ends.
    walked = re.compile(rf"\] {commits}(/{commits})? commits")
    assert walked.search(_last_draw_of(output, "attributing"))
    # The ref walk stops at the oldest commit it needs; its bar still ends full when it knows
    # the total.
    assert re.search(r"\] (\d+ |(\d+)/\2 )commits", _last_draw_of(output, "finding refs"))
    assert f"] {blobs}/{blobs} objects" in _last_draw_of(output, "scanning")


def test_the_attribution_log_hands_over_only_commits_that_put_a_found_blob_in_place(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    # Commits that touch other files are most of a real history: git leaves them out, so the
    # log's output does not grow with them. A rename and a merge still count as introductions.
    repo.commit("init", **{"README.md": "# demo\n"})
    secret = f"TOKEN={pat(7)}\n"
    added = repo.commit("add", **{"a.env": secret})
    for n in range(12):
        repo.commit(f"noise {n}", **{"notes.txt": f"line {n}\n"})
    repo.git("checkout", "-q", "-b", "side")
    repo.git("mv", "a.env", "b.env")
    renamed = repo.commit("rename")
    repo.git("checkout", "-q", "main")
    repo.commit("more noise", **{"notes.txt": "last\n"})
    repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    blob = repo.git("rev-parse", "HEAD:b.env")
    walked: list[int] = []
    intros = list(
        introductions(Repository(repo.path).git_dir, ["--all"], oids={blob}, walked=walked.append)
    )
    assert {(i.commit, i.path) for i in intros} >= {(added, "a.env"), (renamed, "b.env")}
    assert walked[-1] <= 3  # add, rename, and the merge that brought b.env to main
    scan = scan_history(repo.path, rules, options)
    (finding,) = scan.result.findings
    assert (finding.origin.commit, finding.origin.path) == (added, "a.env")


def test_as_many_blobs_as_fit_on_the_command_line_are_still_looked_for_by_git(
    repo: GitRepo,
) -> None:
    # Past the limit the log would be unfiltered (every commit walked); at it, git must accept
    # the command line and still hand over only the commit that added the blob.
    repo.commit("init", **{"README.md": "# demo\n"})
    added = repo.commit("add", **{"a.env": f"TOKEN={pat(8)}\n"})
    for n in range(12):
        repo.commit(f"noise {n}", **{"notes.txt": f"line {n}\n"})
    blob = repo.git("rev-parse", "HEAD:a.env")
    fake = [f"{n:040x}" for n in range(1, 100_000)]
    low, high = 1, len(fake)  # the most names that fit, by halving
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if finds_fit(fake[:middle]) else (low, middle - 1)
    assert low > 4096  # rails' history needed 4,260
    oids = {blob, *fake[: low - 1]}
    assert finds_fit(oids)
    walked: list[int] = []
    intros = list(
        introductions(Repository(repo.path).git_dir, ["--all"], oids=oids, walked=walked.append)
    )
    assert [(i.commit, i.path) for i in intros] == [(added, "a.env")]
    assert walked[-1] == 1


def test_the_combined_walk_keeps_what_a_merge_made_and_drops_what_it_only_brought(
    repo: GitRepo,
) -> None:
    # A merge against each parent repeats every blob the other side brought in: across long-lived
    # branches that was most of the attribution walk's cost. The combined walk lists a merge only
    # where it differs from all its parents: a conflict resolution, a file added while merging.
    repo.commit("init", **{"README.md": "# demo\n", "shared.cfg": "a\n"})
    repo.git("checkout", "-q", "-b", "side")
    brought = repo.commit("side", **{"side.env": f"TOKEN={pat(11)}\n", "shared.cfg": "side\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("main", **{"shared.cfg": "main\n"})
    repo.git("merge", "-q", "--no-ff", "--no-commit", "-s", "ours", "side")
    repo.write("side.env", f"TOKEN={pat(11)}\n")
    repo.write("shared.cfg", "resolved\n")
    repo.write("made.env", f"TOKEN={pat(12)}\n")
    merge = repo.commit("merge side")
    blobs = {repo.git("rev-parse", f"HEAD:{name}") for name in ("side.env", "made.env")}
    blobs.add(repo.git("rev-parse", "HEAD:shared.cfg"))
    history = Repository(repo.path)
    each_parent = {
        (i.commit, i.path) for i in introductions(history.git_dir, ["--all"], oids=blobs)
    }
    combined = {
        (i.commit, i.path, i.parent_oid)
        for i in introductions(history.git_dir, ["--all"], oids=blobs, combined=True)
    }
    assert (merge, "side.env") in each_parent  # against main, the merge brought it
    main_shared = repo.git("rev-parse", "HEAD^1:shared.cfg")
    assert combined == {
        (brought, "side.env", None),
        (merge, "made.env", None),
        (merge, "shared.cfg", main_shared),  # the resolution: against the first parent
    }


def test_the_oldest_commit_is_the_earliest_instant_whatever_each_authors_offset(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    # Dates keep each author's UTC offset. As text, 00:29 at -07:00 (07:29 UTC) sorts before
    # 12:35 at +05:30 (07:05 UTC): rails' history had a merge named as a secret's first commit.
    repo.commit("init", **{"README.md": "# demo\n"})
    repo.git("checkout", "-q", "-b", "east")
    repo.write("east.env", f"TOKEN={pat(13)}\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "east", "--date", "2014-06-14T12:35:31+05:30")
    earlier = repo.head()
    repo.git("checkout", "-q", "main")
    repo.write("west.env", f"TOKEN={pat(13)}\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "west", "--date", "2014-06-14T00:29:30-07:00")
    scan = scan_history(repo.path, rules, options)
    (finding,) = scan.result.findings
    assert (finding.origin.commit, finding.origin.path) == (earlier, "east.env")
    assert len(scan.extras[finding]["locations"]) == 2  # type: ignore[arg-type]
