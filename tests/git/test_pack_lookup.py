"""Finding a blob's entry in a pack index: object ids are hashes, spread evenly, so the reader
guesses each id's place from its bytes and searches a small window there instead of halving the
whole fan-out bucket. Checked against git's own reading of the index (`git show-index`), and
bounded in reads of the index per lookup, on a real pack of 30,000 blobs.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

from leakward.scanner.sources.git_pack import _Pack
from tests.git.repos import GitRepo

_BLOBS = 30_000


def _packed_blobs(repo: GitRepo) -> Path:
    """A pack of _BLOBS small distinct blobs, written by fast-import; its index's path."""
    stream = b"".join(
        b"blob\ndata %d\n%s\n" % (len(body), body)
        for body in (f"blob number {n}\n".encode() for n in range(_BLOBS))
    )
    repo.git("fast-import", "--quiet", input=stream)
    (idx_path,) = (repo.path / ".git" / "objects" / "pack").glob("*.idx")
    return idx_path


def _git_offsets(idx_path: Path) -> dict[bytes, int]:
    with idx_path.open("rb") as handle:
        shown = subprocess.run(
            ["git", "show-index"], stdin=handle, capture_output=True, check=True
        ).stdout.decode()
    return {
        bytes.fromhex(oid): int(offset) for offset, oid, *_ in map(str.split, shown.splitlines())
    }


class _CountingReads:
    """The index's real bytes, counting each read of them (a slice or a `find`)."""

    def __init__(self, index: object) -> None:
        self._index = index
        self.reads = 0

    def __getitem__(self, key: slice) -> bytes:
        self.reads += 1
        return self._index[key]  # type: ignore[index, no-any-return]

    def find(self, *args: object) -> int:
        self.reads += 1
        return self._index.find(*args)  # type: ignore[attr-defined, no-any-return]


def test_every_blob_is_found_where_git_says_and_absent_ids_are_not(repo: GitRepo) -> None:
    idx_path = _packed_blobs(repo)
    expected = _git_offsets(idx_path)
    assert len(expected) == _BLOBS
    pack = _Pack(idx_path)

    assert {oid: pack.offset(oid) for oid in expected} == expected
    # Ids next to real ones (same fan-out byte, same leading bytes) and arbitrary ones.
    chooser = random.Random(18)
    for oid in list(expected)[:2000]:
        near = oid[:-1] + bytes([oid[-1] ^ 1])
        far = chooser.randbytes(20)
        for absent in (near, far):
            if absent not in expected:
                assert pack.offset(absent) is None


def test_a_lookup_reads_the_index_a_few_times_not_once_per_halving(repo: GitRepo) -> None:
    idx_path = _packed_blobs(repo)
    oids = list(_git_offsets(idx_path))
    pack = _Pack(idx_path)
    counting = _CountingReads(pack._idx)
    pack._idx = counting  # type: ignore[assignment]

    for oid in oids:
        assert pack._search(oid) is not None
    # Halving a fan-out bucket of ~117 entries took ~8 reads per lookup (7 probes, 1 offset);
    # a guessed window takes 3: the key at the guess, one `find`, the offset.
    assert counting.reads <= 4 * len(oids)


def test_an_id_outside_the_guessed_window_is_still_found_by_halving(repo: GitRepo) -> None:
    idx_path = _packed_blobs(repo)
    expected = _git_offsets(idx_path)
    pack = _Pack(idx_path)
    # A window that never holds anything: every lookup falls back to halving its bucket.
    pack._spread = -1

    assert {oid: pack._search(oid) for oid in expected} == expected
    absent = next(oid[:-1] + bytes([oid[-1] ^ 1]) for oid in expected)
    assert absent in expected or pack._search(absent) is None
