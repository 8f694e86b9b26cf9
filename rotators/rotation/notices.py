"""What the owner is told when a rotation finishes or stops: built from registry rows only.

Stage: rotators (pipeline → notifier). Everything here comes from the registry (hints,
fingerprints, locations, step log), which never holds a secret, so no notice can carry one.
"""

from __future__ import annotations

from collections.abc import Sequence

from leakward.registry import IssuedKey, Leak, Registry
from leakward.registry.models import KeyStatus
from leakward.registry.rotation_state import RotationChange
from leakward.registry.rotations import Rotation
from leakward.rotators.base import Notice, Notifier, PermanentError, TransientError
from leakward.rotators.rotation.policy import REVOKE_FIRST

# The action the `tested` step records: a replacement works and consumers have it.
REPLACED = "replacement tested and made current"


def leak_of(registry: Registry, rotation: Rotation, key: IssuedKey) -> Leak | None:
    """The leak that started the rotation, else the latest leak of this key's value or id."""
    leaks = registry.list_leaks()
    if rotation.leak_id is not None:
        return next((leak for leak in leaks if leak.id == rotation.leak_id), None)
    mine = [
        leak
        for leak in leaks
        if leak.issued_key_id == key.id
        or (key.fingerprint is not None and leak.fingerprint == key.fingerprint)
    ]
    return mine[-1] if mine else None


def _locations(leak: Leak | None) -> tuple[str, ...]:
    if leak is None:
        return ()
    places = []
    for place in leak.locations:
        where = ":".join(p for p in (place.path, str(place.line) if place.line else "") if p)
        text = " ".join(p for p in (place.repository, place.commit[:12], where) if p)
        places.append(place.url or text)
    return tuple(places)


def _notice(
    registry: Registry,
    rotation: Rotation,
    key: IssuedKey,
    subject: str,
    owner_must: tuple[str, ...],
) -> Notice:
    leak = leak_of(registry, rotation, key)
    exposure = None
    if leak is not None and leak.leaked_at is not None and leak.revoked_at is not None:
        exposure = (leak.revoked_at - leak.leaked_at).total_seconds()
    places = leak.locations if leak is not None else ()
    return Notice(
        recipient=key.owner.email,
        subject=subject,
        provider=key.provider,
        key_hint=hint_of_key(key),
        fingerprint=(key.fingerprint or "")[:16],
        locations=_locations(leak),
        exposure_seconds=exposure,
        actions_taken=rotation.actions,
        owner_must=owner_must,
        repository=next((p.repository for p in places if p.repository), None),
    )


def hint_of_key(key: IssuedKey) -> str:
    return key.hint.display if key.hint else (key.key_id or "unknown key")


def rotation_notice(registry: Registry, rotation: Rotation, key: IssuedKey) -> Notice:
    must: list[str] = []
    if rotation.manual_steps:
        must.append(rotation.manual_steps)
    manual = [c.locator for c in key.consumers if c.kind == "manual"]
    if manual and rotation.new_key_id is not None:
        must.append("put the replacement key into: " + "; ".join(manual))
    if rotation.policy == REVOKE_FIRST and key.status == KeyStatus.REVOKED:
        # Only where something was revoked: a verify-only key is still live and says so below.
        must.append(
            "the leaked key was revoked before consumers had its replacement: check "
            "that every service using it picked up the new key"
        )
    must.append("remove the leaked value from where it was found (and from git history)")
    # A replacement without a public id (an installation token) is a rotation all the same.
    verb = "rotated" if rotation.new_key_id or rotation.is_replaced else "handled"
    subject = f"Leaked {key.provider} key {hint_of_key(key)} {verb}"
    return _notice(registry, rotation, key, subject, tuple(must))


def failure_notice(registry: Registry, rotation: Rotation, key: IssuedKey, message: str) -> Notice:
    subject = f"Rotation of leaked {key.provider} key {hint_of_key(key)} stopped"
    must = (
        f"the rotation stopped: {message}",
        f"after fixing it, run: leakward rotate {key.id} --resume",
    )
    return _notice(registry, rotation, key, subject, must)


def alert_failure(
    registry: Registry, notifiers: Sequence[Notifier], rotation: Rotation, message: str
) -> None:
    """Tell the owner a rotation stopped; a notifier failing here must not hide the first error."""
    key = registry.get_key(rotation.issued_key_id)
    notice = failure_notice(registry, rotation, key, message)
    for notifier in notifiers:
        try:
            notifier.send(notice, f"{rotation.idempotency_token}-failed-{rotation.attempts}")
        except (TransientError, PermanentError):
            continue


def nobody_told(rotation: Rotation, recipient: str) -> RotationChange:
    """No notifier is configured: say so, and leave telling the owner to a human rather than
    report the rotation complete."""
    tell = (
        f"tell {recipient} what leaked and what is left to do: no notifier is configured "
        "(Slack, signed webhook, e-mail or GitHub issue; see webhooks/notify)"
    )
    must = "\n".join(text for text in (rotation.manual_steps, tell) if text)
    return RotationChange(
        manual_steps=must, add_action=f"owner {recipient} NOT notified: no notifier"
    )
