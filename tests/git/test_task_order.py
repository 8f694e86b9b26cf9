"""How a history's blobs are cut into worker tasks: delta families whole, the largest task first.

Stage: orchestration. A family too big to split that is handed out last keeps one core busy
alone at the end of the scan (rails: a 185 MB task, 112th of 122); handed out first, the other
core works through the small tasks meanwhile.
"""

from __future__ import annotations

from pathlib import Path

from leakward.scanner.git_scan import _tasks
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
