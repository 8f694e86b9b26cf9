"""One hook repository and one pre-commit cache per test session, shared by the xdist workers:
pre-commit builds a virtualenv per hook repository and revision, which takes longer than the
tests themselves."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.git.repos import GitRepo
from tests.shared_setup import built_once, copy_checkout


def _commit_checkout(target: Path) -> None:
    copy_checkout(target)
    repo = GitRepo(target)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "this checkout, uncommitted changes included")


@pytest.fixture(scope="session")
def hook_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout (uncommitted changes included) committed in a repository of its own. On a
    changed checkout `try-repo` commits a shadow copy at a new path for each run, so pre-commit
    would build the hook's environment again for each test; this one is built once."""
    return built_once(tmp_path_factory, "hook-repository", _commit_checkout)


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # pre-commit locks its own store while it installs, so workers can share it.
    return built_once(tmp_path_factory, "pre-commit-home", lambda home: None)
