"""Recovering from an issue attempt whose answer was lost: the provider acted, we never heard.

Stage: rotators (pipeline). A process killed inside `issued`, after the provider created the
replacement and before its id was stored, leaves a credential nobody recorded. The attempt's
generation (so its token, `<rotation token>-g<N>`) is stored before the call; on resume the rotator
finds what that token names (`Rotator.find_unrecorded`: a name or key id derived from it, the
successor of a token rotated in place, a creation time). What is found is revoked or, rotating in
place, recorded as the lost replacement the next rotation starts from; what cannot be found (no
public id) is recorded with the latest time it can still be valid.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

from leakward.registry import Registry
from leakward.registry.rotation_state import RotationChange
from leakward.registry.rotations import Rotation
from leakward.rotators.base import KeyRef, Rotator


class Recorder(Protocol):
    """What recovery needs of the step's driver (steps.StepDriver has it)."""

    @property
    def registry(self) -> Registry: ...

    def record(self, rotation_id: int, change: RotationChange) -> Rotation: ...


# How far behind ours a provider's clock may be when its creation times are compared with ours.
CLOCK_SKEW = timedelta(minutes=1)


def recover(
    driver: Recorder,
    rotation: Rotation,
    rotator: Rotator,
    cut: KeyRef,
    token: str,
    *,
    in_place: bool,
) -> Rotation:
    """Revoke (or, `in_place`, record as lost) what the attempt with `token` issued for `cut`
    (the key it reissued); the rotation as it stands afterwards."""
    found = rotator.find_unrecorded(cut, token, attempt_start(rotation))
    # The provider's public ids the registry holds (never its entry ids, which may collide).
    registered = {key.key_id for key in driver.registry.list_keys(provider=cut.provider)}
    known = {cut.key_id, rotation.new_key_id, *rotation.orphan_key_ids, *registered}
    for lost in found.keys:
        if lost.key_id is None or lost.key_id in known:
            continue  # the leaked key, a recorded replacement, a key the registry knows
        if in_place:
            action = f"found the replacement {lost.key_id} a lost answer issued"
            rotation = driver.record(
                rotation.id, RotationChange(add_orphan=lost.key_id, add_action=action)
            )
            continue
        rotator.revoke(lost)
        action = f"revoked the unrecorded replacement {lost.key_id}"
        rotation = driver.record(rotation.id, RotationChange(add_action=action))
    if found.expires_by is not None:
        change = RotationChange(add_action=unfindable(found.expires_by))
        rotation = driver.record(rotation.id, change)
    return rotation


def unfindable(expires_by: str) -> str:
    """The action recorded when what a cut-off attempt issued has no public id to find it by."""
    return (
        "an issue attempt was cut off before its answer was stored; a replacement it issued has "
        "no public id to find it by, so it cannot be revoked: it stays valid at most until it "
        f"expires at {expires_by}"
    )


def attempt_start(rotation: Rotation) -> datetime:
    """A moment before the cut-off attempt began: the last finished step's stamp, less
    CLOCK_SKEW for a provider's clock behind ours."""
    stamps = [datetime.fromisoformat(value) for value in rotation.step_times.values()]
    last = max(stamps, default=rotation.created_at)
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    return last - CLOCK_SKEW
