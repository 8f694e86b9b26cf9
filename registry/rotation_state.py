"""The words a rotation row is written in: its status, its steps, and one change to it.

Stage: registry. The rotation pipeline (rotators/rotation/) decides which step comes next; this
module only names them, so the row, the pipeline and whatever reads a rotation compare the same
values. Both enums are `StrEnum`s whose values are the strings the database has always held: a
member compares equal to, formats as and is stored as its value, so no migration is needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum


class RotationStatus(StrEnum):
    RUNNING = "running"
    PENDING_APPROVAL = "pending-approval"  # stopped after `verified` until a human approves
    DONE = "done"
    FAILED = "failed"  # a permanent error: the key stays locked to it until `--resume`


UNFINISHED = (RotationStatus.RUNNING, RotationStatus.PENDING_APPROVAL)


class RotationStep(StrEnum):
    """A rotation's steps; the row's `step` is the last one finished (`detected` before any)."""

    DETECTED = "detected"
    VERIFIED = "verified"
    SETTINGS_SAVED = "settings_saved"
    CONTAINED = "contained"
    ISSUED = "issued"
    DELIVERED = "delivered"
    TESTED = "tested"
    OLD_REVOKED = "old_revoked"
    OLD_DEAD = "old_dead"
    NOTIFIED = "notified"


class Unchanged(Enum):
    """Marks a nullable column a change leaves alone (None there means: write NULL)."""

    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED


@dataclass(frozen=True, slots=True)
class RotationChange:
    """One write to a rotation row; every field left at its default leaves its column alone.

    `finished_step` sets `step`, stamps its time and clears `running_step`; `step` alone moves
    the row back without a stamp (a lost replacement is issued again). The `add_*` fields append
    to their list column unless the item is already there, so a repeated step writes it once.
    """

    status: RotationStatus | None = None
    finished_step: RotationStep | None = None
    step: RotationStep | None = None
    running_step: RotationStep | Unchanged | None = UNCHANGED
    generation: int | None = None
    attempts: int | None = None
    last_error: str | Unchanged | None = UNCHANGED
    approved_by: str | None = None
    new_key_id: str | Unchanged | None = UNCHANGED
    new_key_expires_at: str | Unchanged | None = UNCHANGED
    manual_steps: str | None = None
    settings: Mapping[str, object] | None = field(default=None, hash=False)
    is_replaced: bool | None = None
    is_delivery_reset: bool = False  # forget every consumer delivered (a new replacement comes)
    add_action: str | None = None
    add_orphan: str | None = None
    add_delivered: str | None = None
