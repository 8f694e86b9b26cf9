"""Mirror refreshes: one `git fetch` from the URL given now, with the mirror's refspec, so new
commits arrive, deleted refs go, force-pushed refs move, and a moved repository is followed.
What a fetch brings stays one pack, and no hook from a template runs in a mirror."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from leakward.scanning import mirrors
from leakward.scanning.mirrors import locked, mirror_path, ref_tips, sync_mirror
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


def test_a_new_mirrors_tips_are_read_without_git_and_match_gits_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin = GitRepo(tmp_path / "origin")
    first = origin.commit("first", **{"a.txt": "a\n"})
    second = origin.commit("second", **{"b.txt": "b\n"})
    origin.git("branch", "feature", first)
    origin.git("tag", "light", first)
    origin.git("tag", "-a", "v1", "-m", "release")  # packed-refs adds its peeled commit
    mirrors_dir = tmp_path / "mirrors"
    path = mirror_path(mirrors_dir, "acme/app")
    with locked(path):
        sync_mirror(mirrors_dir, "acme/app", str(origin.path))
    listed = subprocess.run(
        ["git", "-C", str(path), "for-each-ref", "--format=%(refname) %(objectname)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    from_git = dict(line.split(" ") for line in listed.splitlines())

    def no_git(args: list[str], env: object = None) -> str:
        raise AssertionError(f"ran {args}")

    monkeypatch.setattr(mirrors, "_git", no_git)
    tips = ref_tips(path)
    assert tips == from_git
    assert tips["refs/heads/main"] == second
    assert tips["refs/tags/light"] == first
    assert tips["refs/tags/v1"] == origin.head("v1")  # the tag object, not its commit


def _objects(mirror: Path) -> dict[str, int]:
    """`git count-objects -v` of `mirror`: loose `count`, `packs`, `in-pack`..."""
    output = subprocess.run(
        ["git", "-C", str(mirror), "count-objects", "-v"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {
        key: int(value)
        for key, _, value in (line.partition(": ") for line in output.split("\n"))
        if key
    }


def test_a_small_fetch_is_kept_as_one_pack_not_loose_objects(tmp_path: Path) -> None:
    origin = GitRepo(tmp_path / "origin")
    origin.commit("first", **{"a.txt": "a\n"})
    mirrors = tmp_path / "mirrors"
    _sync(mirrors, origin.path)
    mirror = mirror_path(mirrors, "acme/app")
    before = _objects(mirror)
    # Three objects (commit, tree, blob): far under git's default unpack limit of 100.
    pushed = origin.commit("second", **{"b.txt": "b\n"})
    assert _sync(mirrors, origin.path)["refs/heads/main"] == pushed
    after = _objects(mirror)
    assert after["count"] == before["count"]  # no new loose object
    assert (after["packs"], after["in-pack"]) == (before["packs"] + 1, before["in-pack"] + 3)


def test_no_template_hook_runs_in_a_mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An operator's init.templateDir with a hook that every ref update would run.
    ran = tmp_path / "hook-ran"
    hook = tmp_path / "template" / "hooks" / "reference-transaction"
    hook.parent.mkdir(parents=True)
    hook.write_text(f"#!/bin/sh\ntouch {ran}\n")
    hook.chmod(0o755)
    config = tmp_path / "gitconfig"
    config.write_text(f"[init]\n\ttemplateDir = {tmp_path / 'template'}\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    origin = GitRepo(tmp_path / "origin")
    origin.commit("first", **{"a.txt": "a\n"})
    mirrors = tmp_path / "mirrors"
    _sync(mirrors, origin.path)
    origin.commit("second", **{"b.txt": "b\n"})
    _sync(mirrors, origin.path)
    assert not ran.exists()
    assert not (mirror_path(mirrors, "acme/app") / "hooks").exists()
