"""INSERT … ON CONFLICT for the two databases the registry runs on.

Stage: registry. Concurrent writers (several scans recording the same leak, two imports naming the
same owner) must end with one row and no lost update, so writes that may collide are single
statements the database resolves atomically, never "select, then insert".
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, func
from sqlalchemy.dialects import postgresql, sqlite

from leakward.core.errors import RegistryError

Insert = sqlite.Insert | postgresql.Insert


def insert_for(dialect: str, table: Table) -> Insert:
    if dialect == "sqlite":
        return sqlite.insert(table)
    if dialect == "postgresql":
        return postgresql.insert(table)
    raise RegistryError(
        f"the registry does not support the {dialect} database",
        hint="use SQLite (the default) or PostgreSQL",
    )


def earliest(dialect: str, current: Any, incoming: Any) -> ColumnElement[Any]:
    """The earlier of two nullable timestamps, ignoring a NULL side."""
    first = func.coalesce(current, incoming)
    second = func.coalesce(incoming, current)
    # SQLite's two-argument min() is its LEAST().
    return func.min(first, second) if dialect == "sqlite" else func.least(first, second)


def latest(dialect: str, current: Any, incoming: Any) -> ColumnElement[Any]:
    """The later of two nullable timestamps, ignoring a NULL side."""
    first = func.coalesce(current, incoming)
    second = func.coalesce(incoming, current)
    return func.max(first, second) if dialect == "sqlite" else func.greatest(first, second)
