"""Fixtures for the registry suite: every database test runs on SQLite and on PostgreSQL.

Each PostgreSQL test gets its own uniquely named database, dropped afterwards, so pytest-xdist
workers never share state. When the server is unreachable the PostgreSQL half skips with the
reason, unless LEAKWARD_REQUIRE_SERVICES=1 (as in CI), where it fails.
"""

from __future__ import annotations

import glob
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from leakward.registry import Registry
from tests.services import require_service

PG_SERVER = os.environ.get("LEAKWARD_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
PEPPER = b"registry-test-pepper-0123456789abcdef"

_pg_problem: list[str] = []


def _pg_unreachable() -> str | None:
    """Why PostgreSQL cannot be used, or None; asked once per worker."""
    if not _pg_problem:
        try:
            with psycopg.connect(PG_SERVER, connect_timeout=3):
                _pg_problem.append("")
        except psycopg.Error as error:
            _pg_problem.append(f"PostgreSQL at {PG_SERVER} is unreachable: {error}".strip())
    return _pg_problem[0] or None


def require_postgres() -> None:
    require_service(_pg_unreachable())


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    require_postgres()
    name = f"leakward_test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(PG_SERVER, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    server = psycopg.conninfo.conninfo_to_dict(PG_SERVER)
    url = (
        f"postgresql+psycopg://{server.get('user', 'postgres')}@{server.get('host', '127.0.0.1')}"
        f":{server.get('port', 5432)}/{name}"
    )
    try:
        yield url
    finally:
        with psycopg.connect(PG_SERVER, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the real pepper, database or config of the machine it runs on."""
    monkeypatch.delenv("LEAKWARD_PEPPER", raising=False)
    monkeypatch.delenv("LEAKWARD_DB", raising=False)
    monkeypatch.setenv("LEAKWARD_PEPPER_FILE", str(tmp_path / "config" / "registry-pepper"))


@pytest.fixture
def registry(db_url: str) -> Iterator[Registry]:
    opened = Registry.open(db_url, pepper=PEPPER)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def pepper() -> bytes:
    return PEPPER


@pytest.fixture
def pg_dump() -> str:
    """The pg_dump binary, from PATH or the Debian/Ubuntu versioned directories."""
    found = shutil.which("pg_dump") or next(
        iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"), reverse=True)), None
    )
    if found is None:
        pytest.fail("pg_dump is needed to check the PostgreSQL dump; install postgresql-client")
    return found
