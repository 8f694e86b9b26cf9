"""Tasks handed to the workers while git still walks the history naming its blobs.

Stage: orchestration. The walk for reachable blobs (`rev-list --objects`) is the longest step
before any scanning, on one core. The listing of the object store comes first, so its delta
families are known; a family is handed out once the walk has named all its blobs. Whatever the
walk named when, the blobs scanned, their paths, bases and families must be the ones a scan
that waited for the whole walk reads (git_listing.merged), and so must its findings.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from leakward.rules.model import RuleSet
from leakward.scanner import git_scan, git_tasks
from leakward.scanner.git_listing import Listed, merged
from leakward.scanner.git_scan import scan_history
from leakward.scanner.git_tasks import NamedBlobs, cut_tasks
from leakward.scanner.models import Skipped
from leakward.scanner.scan import ScanOptions
from leakward.scanner.sources.git_blob import Blob
from leakward.scanner.sources.git_walk import Named
from tests.git.repos import GitRepo
from tests.git.test_history import build_history

_KIB = 1024
_LIMIT = 4096 * _KIB


def _oid(n: int) -> str:
    return f"{n:040x}"


def _rows() -> list[tuple[str, int, int, str | None, int]]:
    """A listing with every case a join meets: chains of deltas, a delta of an unreachable
    blob, a base over the size limit, a cycle two packs made, a blob listed twice."""
    rows: list[tuple[str, int, int, str | None, int]] = []
    for n in range(60):  # small blobs stored whole
        rows.append((_oid(n), 300 * _KIB, 100 * _KIB, None, 0))
    for n in range(100, 106):  # a chain: 101 is a delta of 100, 102 of 101...
        rows.append((_oid(n), 900 * _KIB, 0, _oid(n - 1) if n > 100 else None, 0))
    rows.append((_oid(200), 500 * _KIB, 200 * _KIB, None, 0))  # unreachable
    rows.append((_oid(201), 500 * _KIB, 0, _oid(200), 0))
    rows.append((_oid(202), 500 * _KIB, 0, _oid(201), 0))
    rows.append((_oid(300), _LIMIT + 1, 9 * _KIB, None, 0))  # over the limit
    rows.append((_oid(301), 600 * _KIB, 0, _oid(300), 0))
    rows.append((_oid(400), 10 * _KIB, 0, _oid(401), 0))  # a cycle
    rows.append((_oid(401), 10 * _KIB, 0, _oid(400), 0))
    rows.append((_oid(5), 300 * _KIB, 0, _oid(103), 0))  # listed again, from a second pack
    return rows


def _names() -> list[tuple[bytes, str]]:
    """What the walk names, in its own order: not the listing's; 200 is never named, 999 is
    named but not listed."""
    wanted = [105, 7, 3, 104, 103, 102, 101, 100, 301, 300, 401, 400, 202, 201, 999]
    wanted += [n for n in range(60) if n not in (3, 7)]
    return [(bytes.fromhex(_oid(n)), f"dir{n % 3}/file{n}.txt") for n in wanted]


def _joined(all_objects: bool) -> tuple[set[Blob], list[Skipped], set[str]]:
    skipped: list[Skipped] = []
    table, unreachable = merged(Listed.read(_rows()), dict(_names()), all_objects, _LIMIT, skipped)
    # As the tasks cut after the whole walk hold them (a cycle's blobs read whole).
    cut = cut_tasks(Path("/repo/.git"), table, 2)
    return {blob for _, task in cut for blob in task.blobs()}, skipped, unreachable


@pytest.mark.parametrize("all_objects", [False, True])
@pytest.mark.parametrize("trim", [git_tasks._READY_TRIM, 1])  # 1: the ready queue cut each take
def test_named_families_go_out_before_the_walk_ends_and_match_the_joined_listing(
    all_objects: bool, trim: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(git_tasks, "_READY_TRIM", trim)
    named = _names()

    def batches() -> Iterator[Named]:
        for start in range(0, len(named), 3):
            part = named[start : start + 3]
            yield b"".join(oid for oid, _ in part), [name for _, name in part]

    ended: list[int] = []
    skipped: list[Skipped] = [Skipped("(earlier)", "noted before the walk ended")]
    blobs = NamedBlobs(Listed.read(_rows()), _LIMIT)
    handed: list[list[Blob]] = []
    for _, table in blobs.tasks(
        Path("/repo/.git"), batches(), lambda: ended.append(len(handed)), all_objects, skipped, 2
    ):
        handed.append(table.blobs())

    assert ended[0] >= 2  # tasks went out while the walk still named blobs
    expected, expected_skipped, unreachable = _joined(all_objects)
    scanned = [blob for task in handed for blob in task]
    assert len(scanned) == len(set(scanned)) == blobs.total
    # Same blobs, same paths, same bases: a delta's base came earlier in its own task.
    assert set(scanned) == expected
    for task in handed:
        for n, blob in enumerate(task):
            if blob.base is not None:
                assert blob.base in {earlier.oid for earlier in task[:n]}
    assert skipped == [Skipped("(earlier)", "noted before the walk ended"), *expected_skipped]
    assert expected_skipped  # the blob over the limit, named by the walk
    assert blobs.unreachable == unreachable
    assert (_oid(200) in unreachable) is all_objects


def test_a_history_scanned_while_git_walks_finds_what_a_scan_after_the_walk_finds(
    repo: GitRepo, rules: RuleSet, options: ScanOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_history(repo)
    repo.git("gc", "-q")  # deltas, as a clone has them
    waited = scan_history(repo.path, rules, options)
    # Any history is large enough to be handed out as the walk names it.
    monkeypatch.setattr(git_scan, "PARALLEL_BYTES", 0)
    streamed = scan_history(repo.path, rules, options)

    def report(scan: git_scan.GitScan) -> list[tuple[object, ...]]:
        return sorted(
            (f.rule_id, f.secret.reveal(), f.origin, f.line, f.column, repr(scan.extras[f]))
            for f in scan.result.findings
        )

    assert report(streamed) == report(waited)
    assert len(report(waited)) >= 6
    assert streamed.result.stats.files == waited.result.stats.files
    assert streamed.result.skipped == waited.result.skipped
