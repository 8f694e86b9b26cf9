"""Where each blob's entry starts in the pack: read from the pack's index by the listing
(sources.pack_index_listing), or added up from git's on-disk sizes where git lists
(sources.pack_offsets, an alternate store).

Checked against git's own reading of the index (`git show-index`) on real packs. An offset that
would be wrong must never be used: with several packs only the one holding the most blobs keeps
its offsets, a loose copy has none, an alternate store leaves them all unknown, and a blob that
does not read as expected at its offset is found through the index as before."""

from __future__ import annotations

import subprocess
import zlib
from pathlib import Path

import pytest

from leakward.scanner.git_listing import Listed
from leakward.scanner.sources import git_pack
from leakward.scanner.sources.git import Repository
from leakward.scanner.sources.git_pack import PackReader, _Pack
from tests.git.repos import GitRepo


def _history(repo: GitRepo) -> None:
    text = "".join(f"line {n}: some configuration value {n * 7919 % 1000}\n" for n in range(600))
    repo.commit("one", **{"a.txt": text, "b.txt": "small\n", "c/d.txt": text[::-1]})
    for n in range(6):
        repo.commit(f"edit {n}", **{"a.txt": text + f"line {n} more\n" * n, "e.txt": f"{n}\n"})
    repo.git("repack", "-a", "-d", "-q")


def _pack(repo: GitRepo) -> Path:
    (pack,) = (repo.path / ".git" / "objects" / "pack").glob("*.pack")
    return pack


def _git_offsets(pack: Path) -> dict[str, int]:
    with pack.with_suffix(".idx").open("rb") as handle:
        shown = subprocess.run(
            ["git", "show-index"], stdin=handle, capture_output=True, check=True
        ).stdout.decode()
    return {oid: int(offset) for offset, oid, *_ in map(str.split, shown.splitlines())}


def _listed(repo: GitRepo) -> Listed:
    with Repository(repo.path).pack_listing() as listing:
        return Listed.read(listing.rows(), listing)


def _offsets(listed: Listed) -> dict[str, int]:
    width = listed.width
    return {
        listed.oids[n * width : (n + 1) * width].hex(): listed.offsets[n]
        for n in range(len(listed))
    }


def test_in_a_lone_pack_every_blob_is_where_the_index_says(repo: GitRepo) -> None:
    _history(repo)
    # A loose object beside the pack: git lists it first, and it has no offset.
    repo.commit("loose", **{"f.txt": "a loose object after the repack\n"})
    loose = repo.git("rev-parse", "HEAD:f.txt")
    listed = _listed(repo)
    expected = _git_offsets(_pack(repo))
    found = _offsets(listed)
    assert listed.pack == _pack(repo).stem
    assert found.pop(loose) == 0
    assert len(found) >= 10
    assert found == {oid: expected[oid] for oid in found}


def test_with_a_second_pack_offsets_are_kept_for_the_larger_one_only(repo: GitRepo) -> None:
    _history(repo)
    repo.commit("more", **{"f.txt": "in a second pack\n"})
    repo.git("repack", "-d", "-q")  # the new objects only, in a pack of their own
    packs = list((repo.path / ".git" / "objects" / "pack").glob("*.pack"))
    assert len(packs) == 2
    added = repo.git("rev-parse", "HEAD:f.txt")
    listed = _listed(repo)
    found = _offsets(listed)
    larger = max(packs, key=lambda pack: len(_git_offsets(pack)))
    assert listed.pack == larger.stem
    assert found.pop(added) == 0  # in the other pack: found through its index
    expected = _git_offsets(larger)
    assert len(found) > 10
    assert found == {oid: expected[oid] for oid in found}


def test_a_loose_copy_of_a_packed_object_is_listed_twice_the_packed_one_at_its_offset(
    repo: GitRepo,
) -> None:
    _history(repo)
    packed = repo.git("rev-parse", "HEAD:b.txt")
    # Written by hand: git itself only freshens the pack when asked to write an object it has.
    content = (repo.path / "b.txt").read_bytes()
    loose = repo.path / ".git" / "objects" / packed[:2] / packed[2:]
    loose.parent.mkdir()
    loose.write_bytes(zlib.compress(b"blob %d\0%s" % (len(content), content)))
    assert repo.git("cat-file", "-p", packed) == content.decode().strip()
    listed = _listed(repo)
    width = listed.width
    copies = [
        listed.offsets[n]
        for n in range(len(listed))
        if listed.oids[n * width : (n + 1) * width].hex() == packed
    ]
    assert listed.pack == _pack(repo).stem
    assert copies == [0, _git_offsets(_pack(repo))[packed]]  # the loose one first, as git lists


def test_an_alternate_store_leaves_every_offset_unknown(repo: GitRepo, tmp_path: Path) -> None:
    _history(repo)
    other = GitRepo(tmp_path / "other")
    other.commit("elsewhere", **{"g.txt": "from the alternate store\n"})
    alternates = repo.path / ".git" / "objects" / "info" / "alternates"
    alternates.write_text(f"{other.path / '.git' / 'objects'}\n")
    listed = _listed(repo)
    assert listed.pack == ""
    assert set(listed.offsets) == {0}


class _CountingLookups(_Pack):
    """A real pack whose index searches are counted."""

    lookups = 0

    def offset(self, oid: bytes) -> int | None:
        _CountingLookups.lookups += 1
        return super().offset(oid)


def test_a_blob_is_read_at_its_offset_and_a_wrong_offset_falls_back_to_the_index(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    _history(repo)
    listed = _listed(repo)
    pack = _pack(repo)
    width = listed.width
    whole = [
        n
        for n in range(len(listed))
        if listed.stored[n] and listed.base_ids(n, n + 1) == bytes(width)
    ]
    assert whole
    monkeypatch.setattr(git_pack, "_Pack", _CountingLookups)
    for n in whole:
        oid = bytes(listed.oids[n * width : (n + 1) * width])
        expected = subprocess.run(
            ["git", "cat-file", "blob", oid.hex()], cwd=repo.path, capture_output=True, check=True
        ).stdout
        size, stored, offset = listed.sizes[n], listed.stored[n], listed.offsets[n]
        reader = PackReader(repo.path / ".git", pack.stem)
        _CountingLookups.lookups = 0
        assert reader.whole(oid, stored, offset, size) == expected
        assert _CountingLookups.lookups == 0
        # Off by one byte, or the size of another blob: not read there, the index is asked.
        assert reader.whole(oid, stored, offset + 1, size) == expected
        assert reader.whole(oid, stored, offset, size + 1) == expected
        assert _CountingLookups.lookups == 2
