"""Mirror refreshes: one `git fetch` from the URL given now, with the mirror's refspec, so new
commits arrive, deleted refs go, force-pushed refs move, and a moved repository is followed."""

from __future__ import annotations

import shutil
from pathlib import Path

from leakward.mirrors import locked, mirror_path, ref_tips, sync_mirror
from tests.git.repos import GitRepo


def _sync(mirror_dir: Path, url: Path) -> dict[str, str]:
    path = mirror_path(mirror_dir, "acme/app")
    with locked(path):
        sync_mirror(mirror_dir, "acme/app", str(url))
    return ref_tips(path)


def test_a_refreshed_mirror_has_exactly_the_remotes_refs(tmp_path: Path) -> None:
    origin = GitRepo(tmp_path / "origin")
    first = origin.commit("first", **{"a.txt": "a\n"})
    origin.git("branch", "feature")
    origin.git("tag", "v1")
    mirrors = tmp_path / "mirrors"
    assert _sync(mirrors, origin.path) == {
        "refs/heads/feature": first,
        "refs/heads/main": first,
        "refs/tags/v1": first,
    }

    second = origin.commit("second", **{"b.txt": "b\n"})
    origin.git("branch", "-D", "feature")
    origin.git("reset", "--hard", first)  # a force-push: main moves back
    origin.git("branch", "topic", second)
    assert _sync(mirrors, origin.path) == {
        "refs/heads/main": first,
        "refs/heads/topic": second,
        "refs/tags/v1": first,
    }


def test_a_moved_repository_is_fetched_from_its_new_url(tmp_path: Path) -> None:
    origin = GitRepo(tmp_path / "origin")
    origin.commit("first", **{"a.txt": "a\n"})
    mirrors = tmp_path / "mirrors"
    _sync(mirrors, origin.path)
    moved = tmp_path / "transferred"
    shutil.move(origin.path, moved)
    latest = GitRepo(moved).commit("after the move", **{"b.txt": "b\n"})
    assert _sync(mirrors, moved)["refs/heads/main"] == latest
