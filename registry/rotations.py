"""Rotation rows: start one per key, claim it for a worker, record each step, finish or fail.

Stage: registry. The rotation pipeline (rotators/rotation/pipeline.py) drives these functions; they
know nothing of providers or steps' order, only how to persist a step durably. Each call is its own
short transaction, so a crash at any point leaves the last committed step as the resume point.
No value written here is a secret: key ids, hints, step names, redacted error text.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leakward.core.errors import RegistryError
from leakward.registry.models import KeyRow, KeyStatus, RotationRow, utc_now
from leakward.registry.rotation_state import (
    UNCHANGED,
    UNFINISHED,
    RotationChange,
    RotationStatus,
    RotationStep,
)


@dataclass(frozen=True, slots=True)
class Rotation:
    """A rotation as stored; `step` is the last finished step, `running_step` one in flight."""

    id: int
    issued_key_id: int
    leak_id: int | None
    policy: str
    status: RotationStatus
    step: RotationStep
    running_step: RotationStep | None
    attempts: int
    idempotency_token: str
    generation: int
    new_key_id: str | None
    orphan_key_ids: tuple[str, ...]
    delivered: tuple[str, ...]
    actions: tuple[str, ...]
    manual_steps: str | None
    requires_approval: bool
    approved_by: str | None
    last_error: str | None
    step_times: dict[str, str] = field(hash=False)
    created_at: datetime
    updated_at: datetime
    # The leaked key's settings to copy, as the pipeline recorded them (see RotationRow).
    settings: dict[str, object] | None = field(default=None, hash=False)
    new_key_expires_at: str | None = None  # as the provider gave it when issuing
    is_replaced: bool = False  # the replacement was tested and made current

    @property
    def is_finished(self) -> bool:
        return self.status not in UNFINISHED


def _value(row: RotationRow) -> Rotation:
    return Rotation(
        id=row.id,
        issued_key_id=row.issued_key_id,
        leak_id=row.leak_id,
        policy=row.policy,
        status=RotationStatus(row.status),
        step=RotationStep(row.step),
        running_step=RotationStep(row.running_step) if row.running_step is not None else None,
        attempts=row.attempts,
        idempotency_token=row.idempotency_token,
        generation=row.generation,
        new_key_id=row.new_key_id,
        orphan_key_ids=tuple(row.orphan_key_ids or ()),
        delivered=tuple(row.delivered or ()),
        actions=tuple(row.actions or ()),
        manual_steps=row.manual_steps,
        requires_approval=row.requires_approval,
        approved_by=row.approved_by,
        last_error=row.last_error,
        step_times=dict(row.step_times or {}),
        created_at=row.created_at,
        updated_at=row.updated_at,
        settings=dict(row.settings) if row.settings is not None else None,
        new_key_expires_at=row.new_key_expires_at,
        is_replaced=row.is_replaced,
    )


def _session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)


def _row(session: Session, rotation_id: int, *, lock: bool = False) -> RotationRow:
    query = select(RotationRow).where(RotationRow.id == rotation_id)
    if lock:
        # PostgreSQL row lock; SQLite already holds its write lock (BEGIN IMMEDIATE).
        query = query.with_for_update()
    row = session.scalars(query).first()
    if row is None:
        raise RegistryError(
            f"no rotation {rotation_id} in the registry",
            hint="list rotations with: leakward rotations list, or check --db",
        )
    return row


def start(
    engine: Engine,
    issued_key_id: int,
    *,
    policy: str,
    leak_id: int | None = None,
    requires_approval: bool = False,
) -> tuple[Rotation, bool]:
    """The key's unfinished rotation, or a new one; the flag says whether it was created now.

    Two workers racing here end with one row: the loser's insert hits the unique
    `active_key_id` constraint (or, if the winner already finished, the unique key + leak) and
    it reads the winner's row instead.
    """
    for _ in range(3):
        existing = find_active(engine, issued_key_id) or _finished_for(
            engine, issued_key_id, leak_id
        )
        if existing is not None:
            return existing, False
        try:
            with _session(engine) as session, session.begin():
                if session.get(KeyRow, issued_key_id) is None:
                    raise RegistryError(
                        f"no registry entry {issued_key_id}",
                        hint="list entries with: leakward registry list",
                    )
                row = RotationRow(
                    issued_key_id=issued_key_id,
                    active_key_id=issued_key_id,
                    leak_id=leak_id,
                    step=RotationStep.DETECTED.value,
                    attempts=0,
                    policy=policy,
                    status=RotationStatus.RUNNING.value,
                    idempotency_token=str(uuid.uuid4()),
                    requires_approval=requires_approval,
                    step_times={RotationStep.DETECTED.value: utc_now().isoformat()},
                    orphan_key_ids=[],
                    delivered=[],
                    actions=[],
                )
                session.add(row)
                session.flush()
                return _value(row), True
        except IntegrityError:
            continue
    raise RegistryError(
        f"could not start a rotation of entry {issued_key_id}: the registry kept refusing",
        hint="retry; if it persists, check the registry with: leakward registry list",
    )


def _finished_for(engine: Engine, issued_key_id: int, leak_id: int | None) -> Rotation | None:
    """A finished rotation that already handled this leak (or this key, once it is revoked):
    a worker arriving late for the same leak must not rotate the replacement's key again."""
    query = select(RotationRow).where(RotationRow.issued_key_id == issued_key_id)
    with _session(engine) as session:
        key = session.get(KeyRow, issued_key_id)
        # Any leak of a revoked key was handled by the rotation that revoked it: a second leak's
        # task arriving after that rotation finished must not start another.
        is_revoked = key is not None and key.status == "revoked"
        if leak_id is not None and not is_revoked:
            query = query.where(RotationRow.leak_id == leak_id)
        elif not is_revoked:
            return None
        row = session.scalars(query.order_by(RotationRow.id.desc()).limit(1)).first()
        return _value(row) if row is not None else None


def mark_key_rotating(engine: Engine, rotation_id: int) -> None:
    """Mark the rotation's key `rotating` if it is `active` and the rotation is unfinished, in
    one transaction: a rotation another worker finished meanwhile, or a key already revoked,
    must not be left marked `rotating`."""
    with _session(engine) as session, session.begin():
        row = _row(session, rotation_id, lock=True)
        key = session.get(KeyRow, row.issued_key_id)
        if key is not None and key.status == KeyStatus.ACTIVE and row.status in UNFINISHED:
            key.status = KeyStatus.ROTATING


def find_active(engine: Engine, issued_key_id: int) -> Rotation | None:
    with _session(engine) as session:
        row = session.scalars(
            select(RotationRow).where(RotationRow.active_key_id == issued_key_id)
        ).first()
        return _value(row) if row is not None else None


def get(engine: Engine, rotation_id: int) -> Rotation:
    with _session(engine) as session:
        return _value(_row(session, rotation_id))


def list_rotations(
    engine: Engine,
    *,
    issued_key_id: int | None = None,
    issued_key_ids: Collection[int] | None = None,
    unfinished: bool = False,
    status: str | None = None,
    newest_first: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[Rotation]:
    """Rotations by id (`newest_first`: the other way); the filters narrow them, `limit` and
    `offset` take one page."""
    order = RotationRow.id.desc() if newest_first else RotationRow.id
    query = select(RotationRow).order_by(order).limit(limit).offset(offset)
    if issued_key_id is not None:
        query = query.where(RotationRow.issued_key_id == issued_key_id)
    if issued_key_ids is not None:
        query = query.where(RotationRow.issued_key_id.in_(list(issued_key_ids)))
    if status is not None:
        query = query.where(RotationRow.status == status)
    if unfinished:
        query = query.where(RotationRow.status.in_([status.value for status in UNFINISHED]))
    with _session(engine) as session:
        return [_value(row) for row in session.scalars(query)]


def count_by_status(engine: Engine) -> dict[str, int]:
    """How many rotations are in each status, counted by the database."""
    query = select(RotationRow.status, func.count()).group_by(RotationRow.status)
    with _session(engine) as session:
        return {str(status): int(count) for status, count in session.execute(query)}


def claim(
    engine: Engine,
    rotation_id: int,
    worker: str,
    *,
    lease: timedelta,
    is_stale: Callable[[str], bool],
) -> bool:
    """Take (or renew) the worker lease; False while another live worker holds it.

    A lease is free when nobody holds it, it expired, or `is_stale` says its holder is gone
    (the pipeline checks whether a process on this host still runs).
    """
    now = utc_now()
    with _session(engine) as session, session.begin():
        row = _row(session, rotation_id, lock=True)
        holder, expires = row.lease_owner, row.lease_expires_at
        is_free = holder is None or holder == worker or expires is None or expires < now
        if not is_free and holder is not None and not is_stale(holder):
            return False
        row.lease_owner = worker
        row.lease_expires_at = now + lease
        return True


def release(engine: Engine, rotation_id: int, worker: str) -> None:
    with _session(engine) as session, session.begin():
        row = _row(session, rotation_id, lock=True)
        if row.lease_owner == worker:
            row.lease_owner = None
            row.lease_expires_at = None


def update(
    engine: Engine,
    rotation_id: int,
    worker: str,
    change: RotationChange,
    *,
    lease: timedelta,
) -> Rotation:
    """Apply `change` if `worker` still holds the lease; renews the lease."""
    with _session(engine) as session, session.begin():
        row = _row(session, rotation_id, lock=True)
        if row.lease_owner != worker:
            raise RegistryError(
                f"rotation {rotation_id} was taken over by {row.lease_owner or 'nobody'}",
                hint="another worker resumed it; check with: leakward rotate KEY --resume",
            )
        before = RotationStatus(row.status)
        _apply(row, change)
        _key_follows(session, row, before)
        row.lease_expires_at = utc_now() + lease
        session.flush()
        return _value(row)


def _apply(row: RotationRow, change: RotationChange) -> None:
    if change.finished_step is not None:
        finished = change.finished_step.value
        row.step = finished
        row.running_step = None
        row.step_times = {**(row.step_times or {}), finished: utc_now().isoformat()}
    if change.step is not None:
        row.step = change.step.value
    if change.running_step is not UNCHANGED:
        row.running_step = change.running_step.value if change.running_step else None
    if change.status is not None:
        row.status = change.status.value
        if change.status is RotationStatus.DONE:
            # A failed rotation keeps the key: a half-done rotation must be resumed, not
            # shadowed by a second one that would issue yet another replacement.
            row.active_key_id = None
    if change.is_delivery_reset:
        row.delivered = []
    if change.add_action is not None:
        row.actions = _appended(row.actions, change.add_action)
    if change.add_orphan is not None:
        row.orphan_key_ids = _appended(row.orphan_key_ids, change.add_orphan)
    if change.add_delivered is not None:
        row.delivered = _appended(row.delivered, change.add_delivered)
    if change.generation is not None:
        row.generation = change.generation
    if change.attempts is not None:
        row.attempts = change.attempts
    if change.approved_by is not None:
        row.approved_by = change.approved_by
    if change.manual_steps is not None:
        row.manual_steps = change.manual_steps
    if change.settings is not None:
        row.settings = dict(change.settings)
    if change.is_replaced is not None:
        row.is_replaced = change.is_replaced
    if change.last_error is not UNCHANGED:
        row.last_error = change.last_error
    if change.new_key_id is not UNCHANGED:
        row.new_key_id = change.new_key_id
    if change.new_key_expires_at is not UNCHANGED:
        row.new_key_expires_at = change.new_key_expires_at


def _key_follows(session: Session, row: RotationRow, before: RotationStatus) -> None:
    """The key's `rotating` status follows its rotation's, in the same transaction: a crash
    between two writes must not leave a key `rotating` after its rotation ended. Only a key
    marked `rotating` goes back to `active` (one the rotation revoked stays revoked)."""
    key = session.get(KeyRow, row.issued_key_id)
    if key is None or row.status == before:
        return
    if row.status in (RotationStatus.DONE, RotationStatus.FAILED):
        if key.status == KeyStatus.ROTATING:
            key.status = KeyStatus.ACTIVE
    elif before is RotationStatus.FAILED and key.status == KeyStatus.ACTIVE:
        key.status = KeyStatus.ROTATING  # a failed rotation resumed


def _appended(items: list[str] | None, item: str) -> list[str]:
    current = list(items or [])
    return current if item in current else [*current, item]


def find_key(engine: Engine, text: str) -> int | None:
    """The registry entry `text` names: an entry id, a public key id or a fingerprint."""
    with _session(engine) as session:
        if text.isdigit() and session.get(KeyRow, int(text)) is not None:
            return int(text)
        query = select(KeyRow.id).where(or_(KeyRow.key_id == text, KeyRow.fingerprint == text))
        found = session.scalars(query.order_by(KeyRow.id).limit(2)).all()
    if len(found) > 1:
        raise RegistryError(
            f"{text!r} names more than one registry entry",
            hint="pass the entry id instead (see: leakward registry list)",
        )
    return found[0] if found else None
