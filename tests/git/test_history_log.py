"""The one log of a history scan (sources.git_history_log): it names what `rev-list --objects`
named, and gives attribution what its own log found, read again from the same file."""

from __future__ import annotations

from pathlib import Path

import pytest

from leakward.core.errors import SourceError
from leakward.scanner.git_tasks import named_paths
from leakward.scanner.sources.git import Repository
from leakward.scanner.sources.git_history_log import HistoryLog
from leakward.scanner.sources.git_introductions import Introduction, introductions
from leakward.scanner.sources.git_order import CommitOrder
from leakward.scanner.sources.git_walk import ReachableWalk
from tests.git.repos import GitRepo, pat, reachable_blobs
from tests.git.test_sliced_attribution import _branchy_history


def _named(log: HistoryLog) -> dict[str, str]:
    """hex oid -> the name it is given first, as every reader of the names keeps."""
    named: dict[str, str] = {}
    for ids, names in log.batches():
        for at, name in zip(range(0, len(ids), 20), names, strict=True):
            named.setdefault(ids[at : at + 20].hex(), name)
    return named


def _typed_blobs(repo: GitRepo, *revs: str) -> set[str]:
    objects = repo.git("rev-list", "--objects", *revs).splitlines()
    ids = "".join(line.split()[0] + "\n" for line in objects)
    typed = repo.git("cat-file", "--batch-check=%(objectname) %(objecttype)", input=ids.encode())
    return {oid for oid, kind in (row.split() for row in typed.splitlines()) if kind == "blob"}


def test_the_log_names_the_walks_blobs_and_gives_attributions_introductions(
    repo: GitRepo,
) -> None:
    oids = _branchy_history(repo)
    repo.commit("copy", **{"copied.env": f"TOKEN={pat(300)}\n", "gone.txt": "soon gone\n"})
    repo.git("rm", "-q", "gone.txt")
    repo.commit("rm")
    history = Repository(repo.path)
    with history.reachable_blobs(["--all"]) as log:
        named = _named(log)
        assert log.complete()
        found = sorted(log.introductions(oids), key=_place)
    assert named.keys() == reachable_blobs(repo)
    assert log.missing == []
    # The newest introduction's path: the copy, not where the blob was first added.
    assert named[repo.git("rev-parse", "HEAD:copied.env")] == "copied.env"
    own = introductions(history.git_dir, ["--all"], oids=oids, combined=True)
    assert [_place(i) for i in found] == sorted(map(_place, own))
    assert {i.oid for i in found} == oids


def test_the_log_lists_the_commits_as_commit_order_does(repo: GitRepo) -> None:
    _branchy_history(repo)
    history = Repository(repo.path)
    with history.reachable_blobs(["--all"]) as log:
        order = log.order()
        assert order is not None
        _named(log)
        assert order.complete()
        with CommitOrder(history.git_dir, ["--all"]) as listed:
            assert list(order.lines()) == list(listed.lines())
            assert order.count() == listed.count() > 20
            assert order.slices(3) == listed.slices(3)


def test_blobs_and_trees_a_tag_names_itself_are_named_after_the_log(repo: GitRepo) -> None:
    repo.commit("one", **{"a.txt": "a\n"})
    loose = repo.git("hash-object", "-w", "--stdin", input=b"only a tag holds me\n")
    repo.git("tag", "-a", "-m", "blob", "blob-tag", loose)
    tree_only = repo.git("mktree", input=b"").strip()
    inner = repo.git("hash-object", "-w", "--stdin", input=b"only a tree a tag holds\n")
    tree = repo.git("mktree", input=f"100644 blob {inner}\tinner.txt\n".encode())
    repo.git("tag", "tree-tag", tree)
    repo.git("tag", "empty-tree", tree_only)
    with Repository(repo.path).reachable_blobs(["--all"]) as log:
        named = _named(log)
    assert named.keys() == reachable_blobs(repo)
    assert "named by a ref" in named[loose]
    assert named[inner] == "inner.txt"


def test_a_range_names_what_rev_list_names_for_it(repo: GitRepo) -> None:
    base = repo.commit("one", **{"a.txt": "kept\n", "b.txt": "back again\n"})
    repo.git("rm", "-q", "b.txt")
    repo.commit("rm")
    repo.commit("back", **{"b.txt": "back again\n", "c.txt": "new\n"})
    with Repository(repo.path).reachable_blobs([f"{base}..HEAD"]) as log:
        named = _named(log)
    # rev-list leaves out what the bottom's tree holds: a log of the range would name b.txt.
    assert named.keys() == _typed_blobs(repo, f"{base}..HEAD")
    assert named.keys() == {repo.git("rev-parse", "HEAD:c.txt")}
    assert not log.complete()


def test_a_history_git_cannot_read_to_the_end_is_named_as_the_walk_names_it(
    repo: GitRepo,
) -> None:
    repo.commit("one", **{"old/a.txt": "old\n"})
    tree = repo.git("rev-parse", "HEAD:old")
    repo.commit("two", **{"old/a.txt": "newer\n", "b.txt": "b\n"})
    loose = Path(repo.path) / ".git" / "objects" / tree[:2] / tree[2:]
    loose.unlink()
    history = Repository(repo.path)
    with history.reachable_blobs(["--all"]) as log:
        named = _named(log)
        assert not log.complete()  # git log stops at the missing tree
    with ReachableWalk(history.git_dir, ["--all"]) as walk:
        walked = {oid.hex(): name for oid, name in named_paths(walk.batches()).items()}
    assert named == walked
    assert log.missing == walk.missing
    assert set(named.values()) == {"old/a.txt", "b.txt"}


def test_revisions_git_refuses_raise_as_the_walk_did(repo: GitRepo) -> None:
    repo.commit("one", **{"a.txt": "a\n"})
    with (
        Repository(repo.path).reachable_blobs(["no-such-branch"]) as log,
        pytest.raises(SourceError, match="git rev-list failed") as raised,
    ):
        named_paths(log.batches())
    assert "revisions you passed" in (raised.value.hint or "")


def _place(intro: Introduction) -> tuple[str, str, str, str | None]:
    return (intro.oid, intro.commit, intro.path, intro.parent_oid)
