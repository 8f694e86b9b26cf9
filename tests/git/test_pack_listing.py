"""The object-store listing that runs in git beside the walk for reachable blobs.

Stage: sources. `Repository.pack_listing` starts `git cat-file --batch-all-objects` at once and
its rows are read later: they must be every blob with its size, on-disk size and delta base, as
git reports them object by object, whatever the walk did in between.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from leakward.core.errors import SourceError
from leakward.scanner.git_tasks import named_paths
from leakward.scanner.sources.git import Repository
from leakward.scanner.sources.git_ids import ZERO_OID
from leakward.scanner.sources.git_pack_listing import PackListing
from tests.git.repos import GitRepo


def _edited(repo: GitRepo) -> None:
    text = "".join(f"line {n}: some configuration value\n" for n in range(400))
    repo.commit("one", **{"a.txt": text, "b.txt": "small\n"})
    repo.commit("two", **{"a.txt": text + "one more\n"})
    repo.commit("three", **{"a.txt": text + "two more\n", "c.txt": "loose\n"})


def test_the_listing_read_after_the_walk_names_every_blob_as_git_does(repo: GitRepo) -> None:
    _edited(repo)
    repo.git("repack", "-a", "-d", "-q")
    repo.commit("four", **{"d.txt": "a loose object after the repack\n"})
    history = Repository(repo.path)
    with history.pack_listing() as listing, history.reachable_blobs(["--all"]) as walk:
        paths = named_paths(walk.batches())  # the walk runs meanwhile
        rows = list(listing.rows())
    fields = "%(objectname) %(objectsize) %(objectsize:disk) %(deltabase)"
    expected = []
    for oid in paths:
        name, size, disk, base = repo.git(
            "cat-file", f"--batch-check={fields}", input=oid.hex().encode()
        ).split()
        expected.append((name, int(size), int(disk), None if base == ZERO_OID else base))
    # Each row ends with its offset in the pack: test_pack_offsets.py.
    assert sorted(row[:4] for row in rows) == sorted(expected)
    assert any(base is not None for *_, base, _ in rows)  # the repack stored deltas


def test_a_listing_git_could_not_make_says_what_to_check(tmp_path: Path) -> None:
    with (
        PackListing(tmp_path / "not-a-repository") as listing,
        pytest.raises(SourceError, match="git cat-file failed") as raised,
    ):
        list(listing.rows())
    assert "git fsck" in (raised.value.hint or "")
