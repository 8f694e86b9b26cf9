"""Usage history for the usage watch: per-key buckets, a poll cursor per provider, alerts.

Stage: registry. `leakward watch` stores what each provider's usage report said, key by key and
bucket by bucket, reads it back as the history its model scores new buckets against, and keeps
one alert per episode of a key used unlike itself. Buckets are upserted (a provider revises the
bucket still filling); an alert seen again by a later poll (its buckets overlapping or touching
the stored episode's) extends the stored row instead of adding one. History is bounded: `prune`
forgets buckets older than the window the caller keeps. Counts and public key ids only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import Connection, Engine, Row, Table, delete, func, select, update

from leakward.core.errors import RegistryError, UsageError
from leakward.registry.models import (
    USAGE_ALERT_STATES,
    UsageAlertRow,
    UsageBucketRow,
    UsageCursorRow,
    utc_now,
)
from leakward.registry.upsert import insert_for

BUCKETS: Table = UsageBucketRow.__table__  # type: ignore[assignment]
CURSORS: Table = UsageCursorRow.__table__  # type: ignore[assignment]
ALERTS: Table = UsageAlertRow.__table__  # type: ignore[assignment]
# What makes a bucket one row, and what a revised report of it replaces.
_IDENTITY = ("provider", "key_id", "bucket_start", "bucket_width", "model")
_COUNTS = ("requests", "input_tokens", "output_tokens", "cached_input_tokens", "fetched_at")
_BATCH = 1000  # rows per statement


class UsageCounts(Protocol):
    """One key's use of one model in one bucket; `leakward.usage.records.UsageRecord` is one.

    A protocol, so the registry stores the watch's records without importing the application.
    """

    @property
    def provider(self) -> str: ...
    @property
    def key_id(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def model(self) -> str | None: ...
    @property
    def requests(self) -> int | None: ...
    @property
    def input_tokens(self) -> int: ...
    @property
    def output_tokens(self) -> int: ...
    @property
    def cached_input_tokens(self) -> int: ...


@dataclass(frozen=True, slots=True)
class UsageBucket:
    """A stored bucket, read back (the same fields as the watch's `UsageRecord`)."""

    provider: str
    key_id: str
    start: int
    end: int
    model: str | None
    requests: int | None
    input_tokens: int
    output_tokens: int
    cached_input_tokens: int


@dataclass(frozen=True, slots=True)
class UsageAlert:
    """A stored alert: one episode of one key, and what its hand-off made of it."""

    id: int
    provider: str
    key_id: str
    start: int
    end: int
    score: float
    reason: str
    state: str  # open, handed-off, dismissed
    created_at: datetime
    updated_at: datetime
    leak_id: int | None
    rotation_id: int | None


@dataclass(frozen=True, slots=True)
class AlertUpdate:
    """The stored alert after recording one the model raised, and whether it is a new episode."""

    alert: UsageAlert
    is_new: bool


def save_buckets(
    connection: Connection, buckets: Iterable[UsageCounts], fetched_at: datetime | None = None
) -> int:
    """Upsert each bucket (a revised one replaces its counts); returns how many were written.

    One statement per batch, not per bucket: a first poll reads weeks of every key. A bucket
    given twice is written once, with the later counts (PostgreSQL refuses one statement that
    updates a row twice)."""
    moment = fetched_at or utc_now()
    rows: dict[tuple[str, str, int, int, str], dict[str, object]] = {}
    for bucket in buckets:
        rows[_bucket_key(bucket)] = {
            "provider": bucket.provider,
            "key_id": bucket.key_id,
            "bucket_start": bucket.start,
            "bucket_width": bucket.end - bucket.start,
            "model": bucket.model or "",
            "requests": bucket.requests,
            "input_tokens": bucket.input_tokens,
            "output_tokens": bucket.output_tokens,
            "cached_input_tokens": bucket.cached_input_tokens,
            "fetched_at": moment,
        }
    statement = insert_for(connection.dialect.name, BUCKETS)
    upsert = statement.on_conflict_do_update(
        index_elements=list(_IDENTITY),
        set_={name: statement.excluded[name] for name in _COUNTS},
    )
    # Sorted, so two polls writing the same buckets lock rows in one order and cannot deadlock.
    ordered = [rows[key] for key in sorted(rows)]
    for first in range(0, len(ordered), _BATCH):
        connection.execute(upsert, ordered[first : first + _BATCH])
    return len(ordered)


def _bucket_key(bucket: UsageCounts) -> tuple[str, str, int, int, str]:
    return (
        bucket.provider,
        bucket.key_id,
        bucket.start,
        bucket.end - bucket.start,
        bucket.model or "",
    )


def read_history(
    connection: Connection,
    provider: str,
    key_ids: Sequence[str],
    *,
    since: int,
    before: int,
    width: int | None = None,
) -> list[UsageBucket]:
    """The stored buckets of these keys starting in [since, before), oldest first; with
    `width` (seconds) only buckets that wide, so a changed bucket width mixes nothing."""
    if not key_ids:
        return []
    query = select(BUCKETS).where(BUCKETS.c.provider == provider)
    if width is not None:
        query = query.where(BUCKETS.c.bucket_width == width)
    query = (
        query.where(BUCKETS.c.key_id.in_(sorted(set(key_ids))))
        .where(BUCKETS.c.bucket_start >= since, BUCKETS.c.bucket_start < before)
        .order_by(BUCKETS.c.key_id, BUCKETS.c.bucket_start, BUCKETS.c.model)
    )
    return [_bucket(row) for row in connection.execute(query)]


def _bucket(row: Row[tuple[object, ...]]) -> UsageBucket:
    values = row._mapping
    start = int(values["bucket_start"])
    return UsageBucket(
        provider=values["provider"],
        key_id=values["key_id"],
        start=start,
        end=start + int(values["bucket_width"]),
        model=values["model"] or None,
        requests=values["requests"],
        input_tokens=int(values["input_tokens"]),
        output_tokens=int(values["output_tokens"]),
        cached_input_tokens=int(values["cached_input_tokens"]),
    )


def count_buckets(connection: Connection, provider: str | None = None) -> int:
    query = select(func.count()).select_from(BUCKETS)
    if provider is not None:
        query = query.where(BUCKETS.c.provider == provider)
    return int(connection.execute(query).scalar_one())


def read_cursor(connection: Connection, provider: str) -> int | None:
    """Epoch seconds up to which `provider`'s usage was read, or None before the first poll."""
    value = connection.execute(
        select(CURSORS.c.polled_until).where(CURSORS.c.provider == provider)
    ).scalar_one_or_none()
    return None if value is None else int(value)


def save_cursor(connection: Connection, provider: str, polled_until: int) -> None:
    """Move the cursor, never back: a poll finishing late must not undo a newer one's."""
    dialect = connection.dialect.name
    statement = insert_for(dialect, CURSORS).values(
        provider=provider, polled_until=polled_until, polled_at=utc_now()
    )
    later = func.max if dialect == "sqlite" else func.greatest
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["provider"],
            set_={
                "polled_until": later(CURSORS.c.polled_until, statement.excluded.polled_until),
                "polled_at": statement.excluded.polled_at,
            },
        )
    )


def record_alert(
    connection: Connection,
    *,
    provider: str,
    key_id: str,
    start: int,
    end: int,
    score: float,
    reason: str,
) -> AlertUpdate:
    """Store an alert, or extend the stored episode it continues (buckets overlapping or
    touching). An extended episode keeps its start, its state and its highest score; the reason
    follows the higher score."""
    episode = _episode(connection, provider, key_id, start, end)
    if episode is None:
        statement = insert_for(connection.dialect.name, ALERTS).values(
            provider=provider,
            key_id=key_id,
            bucket_start=start,
            bucket_end=end,
            score=score,
            reason=reason,
            state="open",
            created_at=utc_now(),
            updated_at=utc_now(),
        )
        # Another poll recording the same episode at once: its row wins, and is extended below.
        inserted = connection.execute(statement.on_conflict_do_nothing())
        if inserted.rowcount:
            return AlertUpdate(_alert_where(connection, provider, key_id, start), is_new=True)
        episode = _episode(connection, provider, key_id, start, end)
        if episode is None:  # pragma: no cover - the conflicting row exists by definition
            raise RegistryError("a usage alert vanished while it was recorded", hint="retry")
    changes: dict[str, object] = {
        "bucket_start": min(episode.start, start),
        "bucket_end": max(episode.end, end),
        "updated_at": utc_now(),
    }
    if score > episode.score:
        changes |= {"score": score, "reason": reason}
    connection.execute(update(ALERTS).where(ALERTS.c.id == episode.id).values(**changes))
    return AlertUpdate(_alert_by_id(connection, episode.id), is_new=False)


def _episode(
    connection: Connection, provider: str, key_id: str, start: int, end: int
) -> UsageAlert | None:
    query = (
        select(ALERTS)
        .where(ALERTS.c.provider == provider, ALERTS.c.key_id == key_id)
        .where(ALERTS.c.bucket_start <= end, ALERTS.c.bucket_end >= start)
        .order_by(ALERTS.c.bucket_start)
        .limit(1)
    )
    row = connection.execute(query).first()
    return None if row is None else _alert(row)


def _alert_where(connection: Connection, provider: str, key_id: str, start: int) -> UsageAlert:
    query = select(ALERTS).where(
        ALERTS.c.provider == provider, ALERTS.c.key_id == key_id, ALERTS.c.bucket_start == start
    )
    return _alert(connection.execute(query).one())


def _alert_by_id(connection: Connection, alert_id: int) -> UsageAlert:
    row = connection.execute(select(ALERTS).where(ALERTS.c.id == alert_id)).first()
    if row is None:
        raise RegistryError(
            f"no usage alert {alert_id} in the registry",
            hint="list usage alerts with: leakward watch --once --format json",
        )
    return _alert(row)


def _alert(row: Row[tuple[object, ...]]) -> UsageAlert:
    values = row._mapping
    return UsageAlert(
        id=values["id"],
        provider=values["provider"],
        key_id=values["key_id"],
        start=int(values["bucket_start"]),
        end=int(values["bucket_end"]),
        score=float(values["score"]),
        reason=values["reason"],
        state=values["state"],
        created_at=values["created_at"],
        updated_at=values["updated_at"],
        leak_id=values["leak_id"],
        rotation_id=values["rotation_id"],
    )


def list_alerts(
    connection: Connection, *, state: str | None = None, provider: str | None = None
) -> list[UsageAlert]:
    """Stored alerts, oldest episode first."""
    query = select(ALERTS).order_by(ALERTS.c.bucket_start, ALERTS.c.id)
    if state is not None:
        query = query.where(ALERTS.c.state == check_alert_state(state))
    if provider is not None:
        query = query.where(ALERTS.c.provider == provider)
    return [_alert(row) for row in connection.execute(query)]


def mark_alert(
    connection: Connection,
    alert_id: int,
    state: str,
    *,
    leak_id: int | None = None,
    rotation_id: int | None = None,
) -> UsageAlert:
    """Set an alert's state, with the leak and rotation its hand-off made (kept if None)."""
    changes: dict[str, object] = {"state": check_alert_state(state), "updated_at": utc_now()}
    if leak_id is not None:
        changes["leak_id"] = leak_id
    if rotation_id is not None:
        changes["rotation_id"] = rotation_id
    connection.execute(update(ALERTS).where(ALERTS.c.id == alert_id).values(**changes))
    return _alert_by_id(connection, alert_id)


def check_alert_state(state: str) -> str:
    if state not in USAGE_ALERT_STATES:
        raise UsageError(
            f"unknown usage alert state {state!r}", hint=f"use one of {USAGE_ALERT_STATES}"
        )
    return state


def prune(connection: Connection, before: int) -> int:
    """Forget buckets starting before `before` (epoch seconds); returns how many went."""
    result = connection.execute(delete(BUCKETS).where(BUCKETS.c.bucket_start < before))
    return int(result.rowcount or 0)


class UsageHistory:
    """The usage tables of one registry database, each call in its own transaction.

    The watch writes a poll's buckets, alerts and cursor together through `transaction()`, so a
    poll that fails half-way leaves the cursor where it was and nothing is lost.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def transaction(self) -> AbstractContextManager[Connection]:
        """One write transaction (SQLite's write lock taken up front, as every registry write)."""
        return self.engine.begin()

    def history(
        self,
        provider: str,
        key_ids: Sequence[str],
        *,
        since: int,
        before: int,
        width: int | None = None,
    ) -> list[UsageBucket]:
        with self.engine.connect() as connection:
            return read_history(
                connection, provider, key_ids, since=since, before=before, width=width
            )

    def cursor(self, provider: str) -> int | None:
        with self.engine.connect() as connection:
            return read_cursor(connection, provider)

    def count(self, provider: str | None = None) -> int:
        with self.engine.connect() as connection:
            return count_buckets(connection, provider)

    def alerts(self, *, state: str | None = None, provider: str | None = None) -> list[UsageAlert]:
        with self.engine.connect() as connection:
            return list_alerts(connection, state=state, provider=provider)

    def mark(
        self,
        alert_id: int,
        state: str,
        *,
        leak_id: int | None = None,
        rotation_id: int | None = None,
    ) -> UsageAlert:
        with self.engine.begin() as connection:
            return mark_alert(connection, alert_id, state, leak_id=leak_id, rotation_id=rotation_id)

    def prune(self, before: int) -> int:
        with self.engine.begin() as connection:
            return prune(connection, before)
