"""Usage history for the usage watch: per-key buckets and a poll cursor per provider.

Stage: registry. `leakward watch` stores what each provider's usage report said, key by key and
bucket by bucket, and reads it back as the history its model scores new buckets against.
Buckets are upserted (a provider revises the bucket still filling). History is bounded: `prune`
forgets buckets older than the window the caller keeps. `UsageHistory` puts these and the alerts
(usage_alerts.py) behind `Registry.usage`. Counts and public key ids only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import Connection, Engine, Row, Table, case, delete, func, select

from leakward.registry.models import UsageBucketRow, UsageCursorRow, utc_now
from leakward.registry.upsert import insert_for
from leakward.registry.usage_alerts import (
    UsageAlert,
    claim_alert,
    list_alerts,
    mark_alert,
    release_alert,
)

BUCKETS: Table = UsageBucketRow.__table__  # type: ignore[assignment]
CURSORS: Table = UsageCursorRow.__table__  # type: ignore[assignment]
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


def read_since(connection: Connection, provider: str) -> int | None:
    """Epoch seconds of the first bucket the watch ever asked `provider` for, or None before
    the first poll (or for a cursor saved before this was kept)."""
    value = connection.execute(
        select(CURSORS.c.read_since).where(CURSORS.c.provider == provider)
    ).scalar_one_or_none()
    return None if value is None else int(value)


def save_cursor(
    connection: Connection, provider: str, polled_until: int, *, read_from: int
) -> None:
    """Move the cursor, never back: a poll finishing late must not undo a newer one's.
    `read_from` is the poll's first bucket; `read_since` keeps the earliest one, and stays
    unknown (None) on a cursor saved before it was kept: the watch then infers it."""
    dialect = connection.dialect.name
    statement = insert_for(dialect, CURSORS).values(
        provider=provider, polled_until=polled_until, polled_at=utc_now(), read_since=read_from
    )
    later = func.max if dialect == "sqlite" else func.greatest
    earlier = func.min if dialect == "sqlite" else func.least
    kept = CURSORS.c.read_since
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["provider"],
            set_={
                "polled_until": later(CURSORS.c.polled_until, statement.excluded.polled_until),
                "polled_at": statement.excluded.polled_at,
                "read_since": case(
                    (kept.is_(None), None), else_=earlier(kept, statement.excluded.read_since)
                ),
            },
        )
    )


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

    def read_since(self, provider: str) -> int | None:
        with self.engine.connect() as connection:
            return read_since(connection, provider)

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

    def claim(self, alert_id: int, *, now: int, lease_seconds: int) -> bool:
        with self.engine.begin() as connection:
            return claim_alert(connection, alert_id, now=now, lease_seconds=lease_seconds)

    def release(self, alert_id: int) -> None:
        with self.engine.begin() as connection:
            release_alert(connection, alert_id)

    def prune(self, before: int) -> int:
        with self.engine.begin() as connection:
            return prune(connection, before)
