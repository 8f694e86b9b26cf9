"""Sweep state: which ref tips of each repository were scanned, and which tasks are done.

Stage: registry. An org sweep scans only what is new since the last one (`new tips --not old
tips`), so the tips it scanned are kept per repository, with the moment the fetch that brought
them began: a repository GitHub says was last pushed well before that moment has nothing new,
and a re-sweep skips its fetch (leakward/sweep/repos.py). Queued work may be delivered twice (a
worker killed before it acknowledged); a task writes its dedupe key in the same transaction as
its effect, so a second delivery finds the key and changes nothing.

The migration that creates these tables is `0004_sweep_state`; it imports this module so the
models-versus-migrations check sees these tables too.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import JSON, ColumnElement, Connection, Engine, String, Table, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from leakward.registry.models import Base, UtcDateTime, utc_now
from leakward.registry.upsert import insert_for


class SweptRepositoryRow(Base):
    __tablename__ = "swept_repositories"

    # "owner/name" as the forge spells it; a rename starts a new row (and a full scan).
    repository: Mapped[str] = mapped_column(String(300), primary_key=True)
    # ref name -> object id, as `git for-each-ref` showed them when last scanned.
    tips: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # When the fetch that brought `tips` began (not when its scan ended): every push GitHub
    # stamped well before it is in `tips`. NULL for a repository whose mirror was never fetched.
    swept_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    logs_swept_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DoneTaskRow(Base):
    __tablename__ = "done_tasks"

    dedupe_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    finished_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    # Counts and names only (never a secret): what a repeated delivery answers with.
    summary: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


REPOSITORIES: Table = SweptRepositoryRow.__table__  # type: ignore[assignment]
DONE: Table = DoneTaskRow.__table__  # type: ignore[assignment]


def scanned_tips(engine: Engine, repository: str) -> dict[str, str]:
    """The ref tips scanned by the last sweep of `repository` ({} if never swept)."""
    with engine.connect() as connection:
        tips = connection.execute(
            select(REPOSITORIES.c.tips).where(REPOSITORIES.c.repository == repository)
        ).scalar_one_or_none()
    return dict(tips or {})


def fetch_began(engine: Engine, repository: str) -> datetime | None:
    """When the fetch behind the scanned tips began (None if never fetched)."""
    return _time(engine, repository, REPOSITORIES.c.swept_at)


def logs_swept_at(engine: Engine, repository: str) -> datetime | None:
    return _time(engine, repository, REPOSITORIES.c.logs_swept_at)


def _time(engine: Engine, repository: str, column: ColumnElement[datetime]) -> datetime | None:
    with engine.connect() as connection:
        value = connection.execute(
            select(column).where(REPOSITORIES.c.repository == repository)
        ).scalar_one_or_none()
    return UtcDateTime().process_result_value(value, connection.dialect)


def save_tips(
    connection: Connection, repository: str, tips: Mapping[str, str], at: datetime
) -> None:
    """Inside the caller's transaction, so the tips move only with the leaks they produced.
    `at` is when the fetch that showed these tips began."""
    statement = insert_for(connection.dialect.name, REPOSITORIES).values(
        repository=repository, tips=dict(tips), swept_at=at
    )
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["repository"], set_={"tips": dict(tips), "swept_at": at}
        )
    )


def save_logs_swept(connection: Connection, repository: str, at: datetime) -> None:
    statement = insert_for(connection.dialect.name, REPOSITORIES).values(
        repository=repository, tips={}, logs_swept_at=at
    )
    connection.execute(
        statement.on_conflict_do_update(index_elements=["repository"], set_={"logs_swept_at": at})
    )


def done_summary(engine: Engine, dedupe_key: str) -> dict[str, object] | None:
    """What the task with this key answered when it finished, or None if it never did."""
    with engine.connect() as connection:
        summary = connection.execute(
            select(DONE.c.summary).where(DONE.c.dedupe_key == dedupe_key)
        ).scalar_one_or_none()
    return None if summary is None else dict(summary)


def mark_done(
    connection: Connection, dedupe_key: str, kind: str, summary: Mapping[str, object]
) -> bool:
    """Record the task as done in the caller's transaction; False if another delivery did."""
    statement = insert_for(connection.dialect.name, DONE).values(
        dedupe_key=dedupe_key, kind=kind, finished_at=utc_now(), summary=dict(summary)
    )
    result = connection.execute(statement.on_conflict_do_nothing())
    return bool(result.rowcount)


def prune_done(engine: Engine, before: datetime) -> int:
    """Forget tasks finished before `before`: a redelivery comes within the broker's visibility
    timeout (an hour by default), so a week of keys is plenty and the table stays small."""
    with engine.begin() as connection:
        result = connection.execute(delete(DONE).where(DONE.c.finished_at < before))
    return int(result.rowcount or 0)
