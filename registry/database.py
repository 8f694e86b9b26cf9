"""Where the registry lives and how to connect to it: SQLite by default, PostgreSQL by URL.

Stage: registry. The URL comes from the caller (`--db`, the config file), else `LEAKWARD_DB`, else
a SQLite file in the user data directory. SQLite is tuned so several processes can write at once:
WAL journal, a busy timeout, and write transactions that take the lock when they begin.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from leakward.core.errors import RegistryError

DB_ENV = "LEAKWARD_DB"
_SQLITE_BUSY_SECONDS = 30


def default_url() -> str:
    return f"sqlite:///{Path(user_data_dir('leakward')) / 'registry.db'}"


def resolve_url(explicit: str | None = None) -> str:
    """The registry URL: the explicit one, else `$LEAKWARD_DB`, else the default SQLite file."""
    return explicit or os.environ.get(DB_ENV) or default_url()


def display_url(url: str) -> str:
    """The URL with any password hidden, fit for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unreadable database URL>"


def create_registry_engine(url: str) -> Engine:
    """An engine for the registry at `url`; raises `RegistryError` with what to fix."""
    parsed = _parse(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(parsed)
        return create_engine(parsed, pool_pre_ping=True)
    except NoSuchModuleError as error:
        raise RegistryError(
            f"no database driver for {display_url(url)}: {error}",
            hint="for PostgreSQL install the extra: pip install 'leakward[postgres]'",
        ) from None


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise RegistryError(
            "cannot read the registry database URL",
            hint="use sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE",
        ) from None
    # psycopg 3 is the one PostgreSQL driver we ship; spare users the "+psycopg" suffix.
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _use_wal(cursor: Any) -> None:
    """Switch the file to WAL journaling, waiting for other openers if they hold it.

    WAL persists in the file, so the first opener's switch is enough and later ones find it on.
    The switch needs the file to itself and fails at once with "database is locked" rather than
    waiting on the busy timeout: several processes opening a new registry (each migrating on
    first use) must retry. Past the busy timeout the rollback journal still works, slower.
    """
    if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
        return
    deadline = time.monotonic() + _SQLITE_BUSY_SECONDS
    pause = 0.01
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            if time.monotonic() + pause > deadline:
                return
            time.sleep(pause)
            pause = min(pause * 2, 0.25)


def _create_private(path: Path) -> None:
    """Creates a new database file readable by its owner only (SQLite gives its WAL and shared
    memory files the same mode); the registry holds who owns which key and where it is used."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:":
        _create_private(Path(url.database).expanduser())
    engine = create_engine(url, connect_args={"timeout": _SQLITE_BUSY_SECONDS})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: object) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        _use_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes can fail at once with "database is
        # locked" when another process wrote meanwhile; taking the write lock up front makes
        # concurrent writers wait their turn (busy timeout) instead.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
