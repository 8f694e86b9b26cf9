"""The walk naming the reachable blobs, read from git's output file while git still writes it."""

from __future__ import annotations

import gc
import tempfile
import warnings
from pathlib import Path

import pytest

from leakward.core.errors import SourceError
from leakward.scanner.git_tasks import named_paths
from leakward.scanner.sources.git import Repository
from leakward.scanner.sources.git_walk import ReachableWalk
from tests.git.repos import GitRepo, reachable_blobs


def test_the_walk_read_as_git_writes_names_every_blob_once(repo: GitRepo) -> None:
    for n in range(30):
        repo.commit(f"change {n}", **{f"dir{n % 3}/file{n % 11}.txt": f"version {n}\n"})
    with Repository(repo.path).reachable_blobs(["--all"]) as walk:
        named = [
            (ids[at : at + 20].hex(), name)
            for ids, names in walk.batches()
            for at, name in zip(range(0, len(ids), 20), names, strict=True)
        ]
    assert sorted(oid for oid, _ in named) == sorted(reachable_blobs(repo))
    assert {name for _, name in named} == {f"dir{n % 3}/file{n % 11}.txt" for n in range(30)}
    assert walk.missing == []


def test_a_walk_git_refuses_says_what_to_check(repo: GitRepo) -> None:
    repo.commit("one", **{"a.txt": "a\n"})
    with (
        ReachableWalk(Repository(repo.path).git_dir, ["no-such-branch"]) as walk,
        pytest.raises(SourceError, match="git rev-list failed") as raised,
    ):
        named_paths(walk.batches())
    assert "revisions you passed" in (raised.value.hint or "")


def test_a_walk_that_cannot_start_leaves_no_file_behind_nor_open(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.commit("one", **{"a.txt": "a\n"})
    history = Repository(repo.path)
    walks = tmp_path / "walks"
    walks.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(walks))
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        with pytest.raises(FileNotFoundError):
            ReachableWalk(history.git_dir, ["--all"])
        gc.collect()
    assert [w for w in warned if issubclass(w.category, ResourceWarning)] == []
    assert list(walks.iterdir()) == []
