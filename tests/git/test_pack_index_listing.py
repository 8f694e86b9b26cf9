"""The object listing read from the packs themselves (sources.pack_index_listing) against
`git cat-file --batch-all-objects --batch-check` on real repositories: offset and reference
deltas, a thin pack fixed on arrival (its bases appended after their deltas), loose objects
beside several packs, and the stores it must leave to git.
"""

from __future__ import annotations

import random
import subprocess
from array import array
from pathlib import Path

import pytest

from leakward.scanner.git_listing import Listed, _narrowed
from leakward.scanner.git_tasks import NamedBlobs
from leakward.scanner.sources import pack_index_listing
from leakward.scanner.sources.git_ids import ZERO_OID
from leakward.scanner.sources.git_pack_listing import PackListing
from leakward.scanner.sources.pack_index_listing import Unreadable, _pack_order, list_blobs
from tests.git.repos import GitRepo

Row = tuple[str, int, int, str | None]


def _text(seed: int) -> str:
    return "".join(f"line {n}: value {(n * seed * 7919) % 1000}\n" for n in range(500))


def _history(repo: GitRepo, commits: int = 5) -> list[str]:
    made = []
    for n in range(commits):
        files = {"a.txt": _text(1) + f"edit {n}\n" * n, "b/c.txt": _text(2)[: 4000 + 90 * n]}
        made.append(repo.commit(f"edit {n}", **files))
    return made


def _git_rows(repo: GitRepo) -> set[Row]:
    fields = "%(objecttype) %(objectname) %(objectsize) %(objectsize:disk) %(deltabase)"
    shown = repo.git("cat-file", "--batch-all-objects", f"--batch-check={fields}")
    return {
        (oid, int(size), int(disk), None if base == ZERO_OID else base)
        for kind, oid, size, disk, base in map(str.split, shown.splitlines())
        if kind == "blob"
    }


def _our_rows(repo: GitRepo) -> list[Row]:
    blobs, _ = list_blobs(repo.path / ".git")
    rows = []
    for n in range(len(blobs)):
        base = blobs.base(n)
        oid = blobs.oids[n * 20 : (n + 1) * 20].hex()
        rows.append((oid, blobs.sizes[n], blobs.stored[n], base.hex() if any(base) else None))
    return rows


def test_offset_deltas_read_as_git_lists_them(repo: GitRepo) -> None:
    _history(repo)
    repo.git("repack", "-a", "-d", "-f", "-q")
    rows = _our_rows(repo)
    assert sorted(rows) == sorted(_git_rows(repo))
    assert any(base for *_, base in rows)  # deltas were stored, and named their bases


def test_reference_deltas_read_as_git_lists_them(repo: GitRepo) -> None:
    _history(repo)
    repo.git("-c", "repack.useDeltaBaseOffset=false", "repack", "-a", "-d", "-f", "-q")
    rows = _our_rows(repo)
    assert sorted(rows) == sorted(_git_rows(repo))
    assert any(base for *_, base in rows)


def test_a_fixed_thin_pack_with_bases_after_their_deltas_and_loose_objects(
    repo: GitRepo, tmp_path: Path
) -> None:
    first, *_, last = _history(repo)
    repo.git("branch", "one", first)
    other = GitRepo(tmp_path / "other")
    other.git("fetch", "-q", str(repo.path), "one:one")
    thin = subprocess.run(
        ["git", "pack-objects", "--thin", "--stdout", "--revs", "-q"],
        cwd=repo.path,
        input=f"{last}\n^{first}\n".encode(),
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(
        ["git", "index-pack", "--stdin", "--fix-thin"],
        cwd=other.path,
        input=thin,
        capture_output=True,
        check=True,
    )
    other.git("update-ref", "refs/heads/last", last)
    rows = _our_rows(other)
    expected = _git_rows(other)
    # git lists an object stored twice once (here the loose copy of a base the thin pack
    # appended); this listing gives both copies.
    assert {row[0] for row in rows} == {row[0] for row in expected}
    assert expected <= set(rows)
    assert len(rows) > len(expected)


def test_a_sha256_store_is_left_to_git(tmp_path: Path) -> None:
    subprocess.run(
        ["git", "init", "-q", "--object-format=sha256", str(tmp_path / "sha256")], check=True
    )
    repo = GitRepo(tmp_path / "sha256")  # re-initialising keeps the format
    _history(repo, 2)
    with pytest.raises(Unreadable):
        list_blobs(repo.path / ".git")
    repo.git("repack", "-a", "-d", "-q")
    with pytest.raises(Unreadable):
        list_blobs(repo.path / ".git")
    with PackListing(repo.path / ".git") as listing:
        assert listing.columns() is None  # then listed by git
        assert {row[0] for row in listing.rows()} == {row[0] for row in _git_rows(repo)}


def _index(offsets: list[int]) -> tuple[bytes, int, int]:
    """A version-2 index's offset tables for `offsets` (in index order): the bytes, where the
    4-byte table starts and where the 8-byte one does."""
    small = 8 + 1024 + len(offsets) * 24
    words, larges = [], []
    for offset in offsets:
        if offset < 0x80000000:
            words.append(offset.to_bytes(4, "big"))
        else:
            words.append((0x80000000 | len(larges)).to_bytes(4, "big"))
            larges.append(offset.to_bytes(8, "big"))
    table = bytes(small) + b"".join(words) + b"".join(larges)
    return table, small, small + 4 * len(offsets)


def test_offsets_past_2_gib_are_read_from_the_large_table_and_sorted() -> None:
    offsets = [12, 5_000_000_000, 100, 0x7FFFFFFF, 3_000_000_000]
    table, small, large = _index(offsets)
    starts, positions = _pack_order(table, small, large, len(offsets))  # type: ignore[arg-type]
    assert list(starts) == sorted(offsets)
    assert [offsets[position] for position in positions] == sorted(offsets)


def test_a_long_pack_sorted_a_slice_at_a_time_keeps_every_entry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chooser = random.Random(13)
    offsets = chooser.sample(range(12, 0x7FFFFFFF), 5000) + [12 + n for n in range(200)]
    offsets = list(dict.fromkeys(offsets))
    table, small, large = _index(offsets)
    monkeypatch.setattr(pack_index_listing, "_SORT_AT_ONCE", 64)
    starts, positions = _pack_order(table, small, large, len(offsets))  # type: ignore[arg-type]
    assert list(starts) == sorted(offsets)
    assert [offsets[position] for position in positions] == sorted(offsets)


def test_the_listings_base_rows_give_the_families_a_lookup_by_id_gives(repo: GitRepo) -> None:
    _history(repo)
    repo.git("repack", "-a", "-d", "-f", "-q")
    parents = []
    for keep_rows in (True, False):
        with PackListing(repo.path / ".git") as listing:
            listed = Listed.read(listing.rows(), listing)
        if not keep_rows:  # as a listing by git gives: bases found by id
            listed.bases, listed.base_rows = bytearray(listed.base_ids(0, len(listed))), None
        named = NamedBlobs(listed, 1 << 30)
        named._group()
        parents.append(list(named._parents))
    assert parents[0] == parents[1]
    assert any(row >= 0 for row in parents[0])  # some blob is a delta of another


def test_a_listing_keeps_4_byte_columns_and_finds_base_ids_by_row(repo: GitRepo) -> None:
    _history(repo)
    repo.git("repack", "-a", "-d", "-f", "-q")
    with PackListing(repo.path / ".git") as listing:
        listed = Listed.read(listing.rows(), listing)
    assert [column.itemsize for column in (listed.sizes, listed.stored, listed.offsets)] == [4] * 3
    assert not listed.bases  # held as rows, not as ids
    ours = {
        (listed.oids[n * 20 : (n + 1) * 20].hex(), listed.sizes[n], listed.base_ids(n, n + 1))
        for n in range(len(listed))
    }
    theirs = {
        (oid, size, bytes(20) if base is None else bytes.fromhex(base))
        for oid, size, _, base in _git_rows(repo)
    }
    assert ours == theirs
    assert any(any(base) for *_, base in ours)


def test_a_column_holding_a_value_past_4_gib_stays_8_bytes() -> None:
    assert list(_narrowed(array("Q", [3, 1 << 31]))) == [3, 1 << 31]
    assert _narrowed(array("Q", [3, 1 << 31])).itemsize == 4
    wide = array("Q", [3, 1 << 32])
    assert _narrowed(wide) is wide
