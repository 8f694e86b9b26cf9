"""Leaks: recording sightings of leaked secrets, reading them back, and their exposure windows.

Stage: registry. A leak is one leaked value (unique by fingerprint) with many locations. Recording
is an upsert, so scans running at once agree on one row and each sighting's counts and
timestamps land (on PostgreSQL the row lock serialises them; on SQLite the write lock does).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, Table, case, func, select, update

from leakward.core.errors import RegistryError, UsageError
from leakward.registry.fingerprints import Hint
from leakward.registry.models import LEAK_STATUSES, LeakLocationRow, LeakRow, utc_now
from leakward.registry.upsert import earliest, insert_for, latest
from leakward.registry.values import ExposureWindow, Leak, LeakLocation, LeakSighting

LEAKS: Table = LeakRow.__table__  # type: ignore[assignment]
LOCATIONS: Table = LeakLocationRow.__table__  # type: ignore[assignment]


def record_leaks(connection: Connection, sightings: Sequence[LeakSighting]) -> list[int]:
    """Store sightings; returns the leak id of each, in order. Same value, same leak id."""
    dialect = connection.dialect.name
    ids: dict[int, int] = {}
    # A fixed order means two transactions lock rows in the same order and cannot deadlock.
    order = sorted(range(len(sightings)), key=lambda i: sightings[i].fingerprint)
    for index in order:
        sighting = sightings[index]
        leak_id = _upsert_leak(connection, dialect, sighting)
        _add_location(connection, dialect, leak_id, sighting)
        ids[index] = leak_id
    return [ids[i] for i in range(len(sightings))]


def _upsert_leak(connection: Connection, dialect: str, sighting: LeakSighting) -> int:
    match = sighting.match
    hint = sighting.hint
    statement = insert_for(dialect, LEAKS).values(
        fingerprint=sighting.fingerprint,
        provider=sighting.provider,
        rule_id=sighting.rule_id,
        key_id=sighting.key_id,
        hint_prefix=hint.prefix if hint else None,
        hint_last4=hint.last4 if hint else None,
        source_kind=sighting.source_kind,
        is_public=sighting.is_public,
        first_seen=sighting.detected_at,
        last_seen=sighting.detected_at,
        times_seen=1,
        leaked_at=sighting.leaked_at,
        detected_at=sighting.detected_at,
        issued_key_id=match.entry_id if match else None,
        match_method=match.method if match else None,
        match_confidence=match.confidence if match else None,
        status="open",
    )
    new, old = statement.excluded, LEAKS.c
    # Keep the surer match: a later exact match replaces an earlier probable one, never reverse.
    is_surer = new.match_confidence > func.coalesce(old.match_confidence, -1.0)
    upsert = statement.on_conflict_do_update(
        index_elements=["fingerprint"],
        set_={
            "times_seen": old.times_seen + 1,
            "last_seen": latest(dialect, old.last_seen, new.last_seen),
            "first_seen": earliest(dialect, old.first_seen, new.first_seen),
            "leaked_at": earliest(dialect, old.leaked_at, new.leaked_at),
            "is_public": old.is_public | new.is_public,
            "key_id": func.coalesce(old.key_id, new.key_id),
            "issued_key_id": case((is_surer, new.issued_key_id), else_=old.issued_key_id),
            "match_method": case((is_surer, new.match_method), else_=old.match_method),
            "match_confidence": case((is_surer, new.match_confidence), else_=old.match_confidence),
        },
    ).returning(old.id)
    return int(connection.execute(upsert).scalar_one())


def _add_location(
    connection: Connection, dialect: str, leak_id: int, sighting: LeakSighting
) -> None:
    place = sighting.location
    statement = insert_for(dialect, LOCATIONS).values(
        leak_id=leak_id,
        repository=place.repository,
        commit=place.commit,
        path=place.path,
        line=place.line,
        url=place.url,
        first_seen=sighting.detected_at,
    )
    connection.execute(statement.on_conflict_do_nothing())


def list_leaks(
    connection: Connection,
    *,
    status: str | None = None,
    issued_key_id: int | None = None,
    limit: int | None = None,
    offset: int = 0,
    latest_exposed_first: bool = False,
) -> list[Leak]:
    """Leaks by id, or (`latest_exposed_first`) by when their exposure began, latest first."""
    since = func.coalesce(LEAKS.c.leaked_at, LEAKS.c.first_seen)
    order = (since.desc(), LEAKS.c.id.desc()) if latest_exposed_first else (LEAKS.c.id,)
    query = select(LEAKS).order_by(*order).limit(limit).offset(offset)
    if status is not None:
        query = query.where(LEAKS.c.status == check_leak_status(status))
    if issued_key_id is not None:
        query = query.where(LEAKS.c.issued_key_id == issued_key_id)
    rows = connection.execute(query).all()
    places: dict[int, list[LeakLocation]] = {row.id: [] for row in rows}
    if places:
        located = select(LOCATIONS).where(LOCATIONS.c.leak_id.in_(list(places)))
        for place in connection.execute(located.order_by(LOCATIONS.c.id)):
            places[place.leak_id].append(
                LeakLocation(place.repository, place.commit, place.path, place.line, place.url)
            )
    return [_leak(row, tuple(places[row.id])) for row in rows]


def leak_counts(connection: Connection) -> tuple[int, int]:
    """(leaks recorded, leaks still exposed: not revoked), counted by the database."""
    exposed = func.sum(case((LEAKS.c.revoked_at.is_(None), 1), else_=0))
    query = select(func.count(), exposed).select_from(LEAKS)
    total, still_exposed = connection.execute(query).one()
    return int(total), int(still_exposed or 0)


def _leak(row: object, locations: tuple[LeakLocation, ...]) -> Leak:
    values = row._mapping  # type: ignore[attr-defined]
    last4 = values["hint_last4"]
    fields = {k: v for k, v in values.items() if k not in ("hint_prefix", "hint_last4")}
    hint = Hint(values["hint_prefix"] or "", last4) if last4 is not None else None
    return Leak(**fields, hint=hint, locations=locations)


def set_leak_status(connection: Connection, leak_id: int, status: str) -> None:
    statement = update(LEAKS).where(LEAKS.c.id == leak_id)
    _require_one(connection.execute(statement.values(status=check_leak_status(status))), leak_id)


def mark_revoked(connection: Connection, leak_id: int, revoked_at: datetime | None = None) -> None:
    """The leaked key stopped working at `revoked_at` (default now); closes its exposure window."""
    statement = (
        update(LEAKS).where(LEAKS.c.id == leak_id).values(revoked_at=revoked_at or utc_now())
    )
    _require_one(connection.execute(statement), leak_id)


def _require_one(result: object, leak_id: int) -> None:
    if getattr(result, "rowcount", 1) == 0:
        raise RegistryError(f"no leak {leak_id} in the registry")


def exposure_windows(
    connection: Connection,
    *,
    as_of: datetime | None = None,
    issued_key_id: int | None = None,
    is_open: bool | None = None,
) -> list[ExposureWindow]:
    """revoked_at − leaked_at for each leak with a known leak time; still-open ones up to `as_of`.

    The subtraction happens here rather than in SQL because SQLite has no interval type; the
    query itself is filtered and ordered by the database.
    """
    now = as_of or utc_now()
    query = select(LEAKS.c.id, LEAKS.c.issued_key_id, LEAKS.c.leaked_at, LEAKS.c.revoked_at)
    query = query.where(LEAKS.c.leaked_at.is_not(None)).order_by(LEAKS.c.leaked_at, LEAKS.c.id)
    if issued_key_id is not None:
        query = query.where(LEAKS.c.issued_key_id == issued_key_id)
    if is_open is not None:
        revoked = LEAKS.c.revoked_at
        query = query.where(revoked.is_(None) if is_open else revoked.is_not(None))
    return [
        ExposureWindow(
            leak_id=row.id,
            issued_key_id=row.issued_key_id,
            leaked_at=row.leaked_at,
            revoked_at=row.revoked_at,
            duration=(row.revoked_at or now) - row.leaked_at,
        )
        for row in connection.execute(query)
    ]


def check_leak_status(status: str) -> str:
    if status not in LEAK_STATUSES:
        raise UsageError(f"unknown leak status {status!r}", hint=f"use one of {LEAK_STATUSES}")
    return status
