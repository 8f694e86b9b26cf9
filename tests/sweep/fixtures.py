"""Fixtures for the org sweep: a fake GitHub API, local origin repositories, a registry.

Stage: tests (org sweep, workers). Import them into a conftest.py with a star import, as
tests/sweep and tests/workers do.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from leakward.registry import NewKey, Owner, Registry, sweep_state
from leakward.settings.work import WorkSettings
from leakward.sweep.jobs import close_resources
from tests.git.repos import GitRepo, pat
from tests.registry.conftest import postgres_url  # noqa: F401 (a fixture, used by name)
from tests.sweep.fake_org import FakeOrgGitHub, set_pushed_at


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test reads the real pepper, database, token or API of the machine it runs on."""
    monkeypatch.delenv("LEAKWARD_PEPPER", raising=False)
    monkeypatch.delenv("LEAKWARD_DB", raising=False)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.setenv("LEAKWARD_PEPPER_FILE", str(tmp_path / "config" / "registry-pepper"))
    yield
    close_resources()


@pytest.fixture
def fake_org() -> Iterator[FakeOrgGitHub]:
    server = FakeOrgGitHub()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def settings(tmp_path: Path, fake_org: FakeOrgGitHub) -> WorkSettings:
    return WorkSettings(
        db_url=f"sqlite:///{tmp_path / 'registry.db'}",
        mirror_dir=tmp_path / "mirrors",
        api_url=fake_org.url,
        api_interval=0.0,  # PyGithub's politeness delay is for github.com, not a local fake
        rotate=False,
    )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def both_databases(request: pytest.FixtureRequest, settings: WorkSettings) -> WorkSettings:
    """The sweep's settings on SQLite, then on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return settings
    url: str = request.getfixturevalue("postgres_url")
    return replace(settings, db_url=url)


@pytest.fixture
def registry(settings: WorkSettings) -> Iterator[Registry]:
    with Registry.open(settings.db_url) as opened:
        yield opened


class Origins:
    """Origin repositories on disk, listed by the fake API with their paths as clone URLs."""

    def __init__(self, root: Path, fake: FakeOrgGitHub) -> None:
        self.root = root
        self.fake = fake
        self.repos: dict[str, GitRepo] = {}

    def add(self, name: str, *, is_private: bool = True, **files: str) -> GitRepo:
        repo = GitRepo(self.root / name)
        repo.commit("initial", **(files or {"README.md": f"# {name}\n"}))
        self.repos[name] = repo
        self.fake.add_repo(name, str(repo.path), private=is_private)
        return repo

    def set_pushed_at(self, name: str, when: datetime) -> None:
        """Make the fake API list `name` as last pushed at `when` (a later commit moves it)."""
        set_pushed_at(self.repos[name].path, when)


@pytest.fixture
def origins(tmp_path: Path, fake_org: FakeOrgGitHub) -> Origins:
    return Origins(tmp_path / "origins", fake_org)


@pytest.fixture
def planted(registry: Registry) -> tuple[str, int]:
    """An invented GitHub token registered as an issued key: (value, registry entry id)."""
    value = pat(7101)
    entry = registry.add_key(NewKey("github", Owner("dev@example.test"), key_id="pat-1"), value)
    return value, entry


def fetch_moved_back(registry: Registry, repository: str, by: timedelta) -> datetime:
    """Make the registry say the last fetch of `repository` began `by` earlier than it did, as
    if that much time had passed since; returns the new time."""
    began = sweep_state.fetch_began(registry.engine, repository)
    assert began is not None
    tips = sweep_state.scanned_tips(registry.engine, repository)
    with registry.engine.begin() as connection:
        sweep_state.save_tips(connection, repository, tips, began - by)
    return began - by
