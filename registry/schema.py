"""Bringing a registry database to the current schema with Alembic, without an alembic.ini.

Stage: registry. Migrations ship inside the package (`registry/migrations/versions/`) and run on
first use and via `leakward registry migrate`. Several processes may open a new database at once,
so the upgrade runs under a lock: an advisory lock on PostgreSQL, the write lock on SQLite.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from leakward.core.errors import RegistryError
from leakward.registry.database import display_url

MIGRATIONS = Path(__file__).with_name("migrations")
# Any constant shared by every leakward process; "leakward" in ASCII, as a bigint.
_PG_LOCK_ID = 0x6C65616B77617264


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise RegistryError("the registry migrations are missing", hint="reinstall leakward")
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Migrate to `revision` (default: the newest); returns the revision the database is at."""
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK_ID})
            command.upgrade(alembic_config(connection), revision)
            return MigrationContext.configure(connection).get_current_revision()
    except CommandError:
        raise RegistryError(
            f"the registry at {display_url(str(engine.url))} has a schema this leakward does not "
            "know (written by a newer version?)",
            hint="upgrade leakward, or point --db at another registry",
        ) from None
    except SQLAlchemyError as error:
        raise RegistryError(
            f"cannot migrate the registry at {display_url(str(engine.url))}: {_kind(error)}",
            hint="check that the database is reachable and writable, then run: "
            "leakward registry migrate",
        ) from None


def downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def ensure_current(engine: Engine) -> None:
    """Apply pending migrations, cheaply doing nothing when the database is already current."""
    try:
        is_current = current_revision(engine) == head_revision()
    except SQLAlchemyError as error:
        # Nothing of the caller's data is sent before this first query, so the driver's own
        # first line ("connection refused", "database does not exist") is safe and useful.
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[:1]
        raise RegistryError(
            f"cannot open the registry at {display_url(str(engine.url))}: "
            f"{reason[0] if reason else _kind(error)}",
            hint="check the --db URL or $LEAKWARD_DB, and that the server is running",
        ) from None
    if not is_current:
        upgrade(engine)


def _kind(error: SQLAlchemyError) -> str:
    # The driver's message may quote SQL parameters; the exception's type is enough to act on.
    return type(getattr(error, "orig", None) or error).__name__
