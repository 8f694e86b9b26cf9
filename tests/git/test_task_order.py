"""How a history's blobs are cut into worker tasks: delta families whole, the largest task first.

Stage: orchestration. A family too big to split that is handed out last keeps one core busy
alone at the end of the scan (rails: a 185 MB task, 112th of 122); handed out first, the other
core works through the small tasks meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from leakward.scanner.git_blob_table import BlobTable, family_order
from leakward.scanner.git_tasks import cut_tasks as _tasks
from leakward.scanner.sources.git_blob import Blob

_KIB = 1024


def _oid(n: int) -> str:
    return f"{n:040x}"


def test_the_largest_task_goes_first_and_a_family_stays_together() -> None:
    small = [Blob(_oid(n), f"small/{n}.txt", 100 * _KIB) for n in range(40)]
    root = Blob(_oid(100), "big.json", 2048 * _KIB)
    family = [root] + [
        Blob(_oid(101 + n), "big.json", 1024 * _KIB, base=_oid(100 + n)) for n in range(3)
    ]
    tasks = [t.blobs() for _, t in _tasks(Path("/repo/.git"), BlobTable.of(small + family), 2)]
    sizes = [sum(blob.size for blob in blobs) for blobs in tasks]
    assert sizes == sorted(sizes, reverse=True)
    assert len(tasks) >= 3
    start = tasks[0].index(root)
    assert tasks[0][start : start + len(family)] == family  # whole, base first, bases kept
    assert sorted(blob.oid for blobs in tasks for blob in blobs) == sorted(
        blob.oid for blob in small + family
    )


def test_a_base_cycle_is_broken_into_blobs_read_whole() -> None:
    # Two packs disagreeing on bases make a cycle with no root: those blobs are scanned on their
    # own, while a chain stays one family, bases first.
    blobs = [Blob(_oid(n), f"small/{n}.txt", 300 * _KIB) for n in range(30)]
    blobs += [Blob(_oid(200 + n), "chain.txt", 900 * _KIB, base=_oid(199 + n)) for n in range(1, 6)]
    blobs.insert(3, Blob(_oid(200), "chain.txt", 900 * _KIB))
    blobs += [
        Blob(_oid(300), "loop.txt", 10 * _KIB, base=_oid(301)),
        Blob(_oid(301), "loop.txt", 10 * _KIB, base=_oid(300)),
    ]
    table = BlobTable.of(blobs)
    assert family_order(table)[2] == [len(blobs) - 2, len(blobs) - 1]
    scanned = [blob for _, task in _tasks(Path("/repo/.git"), table, 2) for blob in task.blobs()]
    assert [b for b in scanned if b.path == "loop.txt"] == [
        Blob(_oid(300), "loop.txt", 10 * _KIB),
        Blob(_oid(301), "loop.txt", 10 * _KIB),
    ]
    chain = [b for b in scanned if b.path == "chain.txt"]
    assert chain == [blobs[3]] + [b for b in blobs if b.path == "chain.txt" and b.base]


def test_a_task_is_cut_from_the_table_only_when_it_is_handed_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Workers start on the first task while the rest are still being cut."""
    table = BlobTable.of([Blob(_oid(n), f"small/{n}.txt", 300 * _KIB) for n in range(40)])
    cut: list[int] = []
    select = BlobTable.select

    def counted(self: BlobTable, positions: Sequence[int]) -> BlobTable:
        cut.append(len(positions))
        return select(self, positions)

    monkeypatch.setattr(BlobTable, "select", counted)
    tasks = _tasks(Path("/repo/.git"), table, 2)
    first = next(tasks)

    assert len(cut) == 1
    assert len(first[1]) == cut[0]
    rest = list(tasks)
    assert len(cut) == 1 + len(rest) >= 3
    assert sum(cut) == len(table)
