"""How a history's blobs are cut into worker tasks: delta families whole, the largest task first.

Stage: orchestration. A family too big to split that is handed out last keeps one core busy
alone at the end of the scan (rails: a 185 MB task, 112th of 122); handed out first, the other
core works through the small tasks meanwhile.
"""

from __future__ import annotations

from pathlib import Path

from leakward.scanner.git_scan import _family_order, _tasks
from leakward.scanner.sources.git import Blob

_KIB = 1024


def _oid(n: int) -> str:
    return f"{n:040x}"


def test_the_largest_task_goes_first_and_a_family_stays_together() -> None:
    small = [Blob(_oid(n), f"small/{n}.txt", 100 * _KIB) for n in range(40)]
    root = Blob(_oid(100), "big.json", 2048 * _KIB)
    family = [root] + [
        Blob(_oid(101 + n), "big.json", 1024 * _KIB, base=_oid(100 + n)) for n in range(3)
    ]
    tasks = _tasks(Path("/repo/.git"), small + family, workers=2)
    sizes = [sum(blob.size for blob in blobs) for _, blobs in tasks]
    assert sizes == sorted(sizes, reverse=True)
    assert len(tasks) >= 3
    first = {blob.oid for blob in tasks[0][1]}
    assert {blob.oid for blob in family} <= first
    assert sorted(blob.oid for _, blobs in tasks for blob in blobs) == sorted(
        blob.oid for blob in small + family
    )


def test_families_ordered_beforehand_give_the_same_tasks() -> None:
    # The scan orders families while git walks for the blobs' names; the tasks must be those it
    # would have cut afterwards: families whole, bases first, and a base cycle (two packs
    # disagreeing) broken into blobs scanned on their own.
    blobs = [Blob(_oid(n), f"small/{n}.txt", 300 * _KIB) for n in range(30)]
    blobs += [Blob(_oid(200 + n), "chain.txt", 900 * _KIB, base=_oid(199 + n)) for n in range(1, 6)]
    blobs.insert(3, Blob(_oid(200), "chain.txt", 900 * _KIB))
    blobs += [
        Blob(_oid(300), "loop.txt", 10 * _KIB, base=_oid(301)),
        Blob(_oid(301), "loop.txt", 10 * _KIB, base=_oid(300)),
    ]
    order = _family_order(blobs)
    assert order[2] == [len(blobs) - 2, len(blobs) - 1]
    assert _tasks(Path("/repo/.git"), blobs, 2, order) == _tasks(Path("/repo/.git"), blobs, 2)
    (chain,) = [t for _, t in _tasks(Path("/repo/.git"), blobs, 2, order) if blobs[3] in t]
    assert [b.oid for b in chain if b.path == "chain.txt"] == [_oid(200 + n) for n in range(6)]
