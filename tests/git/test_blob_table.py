"""What a history scan holds per blob from the listing to the end: columns, not objects.

Stage: orchestration. The blobs of a history are held for the whole scan and the workers fork
from the process that holds them; as a `Blob` object each (an object, its id string, its base's
id string, two size ints) they took about 300 bytes a blob, and a million-blob history peaked at
572 MB. Here the listing of a real repository is read as the scan reads it and what it keeps is
weighed with tracemalloc.
"""

from __future__ import annotations

import pickle
import tracemalloc

from leakward.scanner.git_blob_table import BlobTable, families
from leakward.scanner.git_listing import Listed, merged
from leakward.scanner.git_tasks import named_paths
from leakward.scanner.sources.git import Repository
from tests.git.repos import GitRepo

_FILES = 8
_COMMITS = 250


def _history(repo: GitRepo) -> None:
    """_FILES files each changed in _COMMITS commits, in one fast-import: a blob per change."""
    stream = []
    for n in range(_COMMITS):
        stream.append(f"commit refs/heads/main\ncommitter A <a@example.test> {n} +0000\n")
        stream.append("data 1\nx\n")
        for f in range(_FILES):
            body = "".join(f"file {f} line {k}: {n if k == n % 100 else -k}\n" for k in range(100))
            stream.append(f"M 644 inline src/file{f}.txt\ndata {len(body)}\n{body}\n")
    repo.git("fast-import", "--quiet", input="".join(stream).encode())
    repo.git("repack", "-a", "-d", "-f", "-q")  # deltas, as a clone has them


def _table(history: Repository) -> BlobTable:
    with history.pack_listing() as listing, history.reachable_blobs(["--all"]) as walk:
        paths = named_paths(walk.batches())
        listed = Listed.read(listing.rows())
    table, _ = merged(listed, paths, False, 1 << 30, [])
    return table


def test_the_blobs_held_for_the_scan_take_a_few_dozen_bytes_each(repo: GitRepo) -> None:
    _history(repo)
    history = Repository(repo.path)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        table = _table(history)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    count = _FILES * _COMMITS
    assert len(table) == count
    assert sum(b != -1 for b in table.bases) > count // 2  # the repack stored deltas
    # 20-byte id, two sizes, a base position, a flag and a path number: 45 bytes, plus the
    # arrays' headroom and the eight path strings. Blob objects took about 300.
    assert held / count < 64
    # What a worker is sent for a task is as small: no object per blob on the way either.
    assert len(pickle.dumps(table)) / count < 56


def test_a_task_rebuilds_the_blobs_it_was_given(repo: GitRepo) -> None:
    _history(repo)
    table = _table(Repository(repo.path))
    blobs = table.blobs()
    # All at once, as one at a time: ids, paths, bases, sizes and flags.
    assert blobs == [table.blob(n) for n in range(len(table))]
    sent = pickle.loads(pickle.dumps(table.select(range(len(table)))))  # noqa: S301 - ours
    assert sent.blobs() == blobs
    bases = {blob.oid for blob in blobs} & {blob.base for blob in blobs if blob.base}
    assert bases  # deltas name bases that are scanned too


def test_a_table_with_no_blob_has_no_family() -> None:
    # A history whose every blob was named during the walk leaves an empty rest to cut.
    assert list(families(BlobTable())) == []
