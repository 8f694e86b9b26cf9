"""The rotations view: each rotation's steps with their times, attempts, last error, and what a
person should do next.

Stage: registry (views). Reads the rotation rows the pipeline writes (registry/rotations.py).
A step's time is when it finished; the step running or stopped is shown with the attempts and
the last (redacted) error. `next_action` names the command that moves a rotation on, so a failed
rotation says what failed and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leakward.registry import rotations as log
from leakward.registry.models import RotationRow, utc_now
from leakward.registry.rotation_state import RotationStatus
from leakward.registry.store import Registry
from leakward.registry.values import IssuedKey
from leakward.registry.views.paging import Window

DONE, RUNNING, STOPPED, WAITING = "done", "running", "stopped", "waiting"


@dataclass(frozen=True, slots=True)
class Lease:
    """Which worker holds a rotation, until when (registry/rotations.py `claim`)."""

    holder: str | None = None
    expires_at: datetime | None = None


NO_LEASE = Lease()


def leases(engine: Engine, rotation_id: int | None = None) -> dict[int, Lease]:
    """The lease of every rotation that has one (or of one rotation)."""
    query = select(RotationRow.id, RotationRow.lease_owner, RotationRow.lease_expires_at)
    query = query.where(RotationRow.lease_owner.is_not(None))
    if rotation_id is not None:
        query = query.where(RotationRow.id == rotation_id)
    with Session(engine) as session:
        return {
            row.id: Lease(row.lease_owner, row.lease_expires_at) for row in session.execute(query)
        }


@dataclass(frozen=True, slots=True)
class StepView:
    name: str
    state: str  # done, running, stopped (the rotation failed here), waiting (for approval)
    finished_at: str | None  # ISO 8601, as the pipeline stamped it
    attempts: int = 0
    error: str | None = None


@dataclass(frozen=True, slots=True)
class RotationView:
    id: int
    issued_key_id: int
    provider: str
    key: str  # public id or hint, never the value
    owner: str
    key_status: str
    leak_id: int | None
    policy: str
    status: str
    is_busy: bool  # a live worker holds the lease now
    worker: str | None
    attempts: int
    last_error: str | None
    steps: tuple[StepView, ...]
    actions: tuple[str, ...]
    manual_steps: str | None
    requires_approval: bool
    approved_by: str | None
    new_key_id: str | None
    created_at: datetime
    updated_at: datetime
    next_action: str | None


def _steps(rotation: log.Rotation) -> tuple[StepView, ...]:
    """Finished steps in the order they finished, then the one running, stopped or waiting."""
    finished = sorted(rotation.step_times.items(), key=lambda item: item[1])
    done = [StepView(name, DONE, when) for name, when in finished]
    status = rotation.status
    if status is RotationStatus.PENDING_APPROVAL:
        return (*done, StepView("approval", WAITING, None))
    if status is RotationStatus.DONE or (
        status is RotationStatus.RUNNING and not rotation.running_step
    ):
        return tuple(done)
    name = rotation.running_step or f"after {rotation.step}"  # failed between two steps
    state = STOPPED if status is RotationStatus.FAILED else RUNNING
    current = StepView(name, state, None, rotation.attempts, rotation.last_error)
    return (*(view for view in done if view.name != name), current)


def next_action(rotation: log.Rotation, is_busy: bool) -> str | None:
    """What a person does next, or None when nothing is left."""
    if rotation.status is RotationStatus.FAILED:
        where = (
            f"at step {rotation.running_step}"
            if rotation.running_step
            else f"after step {rotation.step}"
        )
        return (
            f"the rotation stopped {where}: {rotation.last_error or 'no error recorded'}. "
            f"Fix the cause, then retry it: leakward rotations retry {rotation.id}"
        )
    if rotation.status is RotationStatus.PENDING_APPROVAL:
        return f"waiting for approval: leakward rotations approve {rotation.id}"
    if rotation.status is RotationStatus.RUNNING and not is_busy:
        return f"no worker is driving it: leakward rotations retry {rotation.id} resumes it"
    if rotation.status is RotationStatus.RUNNING:
        return "a worker is driving it; check again later"
    if rotation.manual_steps:
        return "a person must still: " + "; ".join(rotation.manual_steps.splitlines())
    return None


def rotation_view(
    rotation: log.Rotation, key: IssuedKey, lease: Lease, now: datetime
) -> RotationView:
    is_busy = lease.holder is not None and lease.expires_at is not None and lease.expires_at > now
    return RotationView(
        id=rotation.id,
        issued_key_id=rotation.issued_key_id,
        provider=key.provider,
        key=key.key_id or (key.hint.display if key.hint else f"entry {key.id}"),
        owner=key.owner.email,
        key_status=key.status,
        leak_id=rotation.leak_id,
        policy=rotation.policy,
        status=str(rotation.status),
        is_busy=is_busy,
        worker=lease.holder if is_busy else None,
        attempts=rotation.attempts,
        last_error=rotation.last_error,
        steps=_steps(rotation),
        actions=rotation.actions,
        manual_steps=rotation.manual_steps,
        requires_approval=rotation.requires_approval,
        approved_by=rotation.approved_by,
        new_key_id=rotation.new_key_id,
        created_at=rotation.created_at,
        updated_at=rotation.updated_at,
        next_action=next_action(rotation, is_busy),
    )


def list_rotation_views(
    registry: Registry,
    *,
    status: str | None = None,
    as_of: datetime | None = None,
    window: Window | None = None,
) -> list[RotationView]:
    """Every rotation (or those with `status`), newest first; `window`: one page of them."""
    now = as_of or utc_now()
    limit, offset = (window.limit, window.offset) if window is not None else (None, 0)
    rotations = log.list_rotations(
        registry.engine, status=status, newest_first=True, limit=limit, offset=offset
    )
    keys = {key.id: key for key in registry.list_keys(ids={r.issued_key_id for r in rotations})}
    held = leases(registry.engine)
    return [
        rotation_view(r, keys[r.issued_key_id], held.get(r.id, NO_LEASE), now) for r in rotations
    ]


def show_rotation(
    registry: Registry, rotation_id: int, *, as_of: datetime | None = None
) -> RotationView:
    """One rotation; a `RegistryError` naming the command that lists them if there is none."""
    rotation = log.get(registry.engine, rotation_id)
    lease = leases(registry.engine, rotation_id).get(rotation_id, NO_LEASE)
    key = registry.get_key(rotation.issued_key_id)
    return rotation_view(rotation, key, lease, as_of or utc_now())
