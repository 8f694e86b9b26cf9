"""Handing a confident usage alert to the leak response: a leak of kind "suspected-use".

Stage: application (usage watch → registry → rotation pipeline → notify). The alert's key is
looked up by provider and public key id; a key the registry does not know stays an open alert,
reported, and nothing rotates. A known key gets a leak whose `leaked_at` is the alert's first
bucket, so the exposure window starts where the odd use began, and then, by policy: `notify`
tells the owner; `approve` starts a rotation that waits for a person after verifying and tells
the owner how to approve it; `auto` rotates (leakward/response/leaks.py `rotate_leak`). No value
was found, so the rotation's verify step has nothing to check and says so.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from leakward.registry import LeakLocation, LeakSighting, Match, MatchQuery, Registry
from leakward.registry.models import KeyStatus
from leakward.registry.usage_alerts import UsageAlert
from leakward.response.leaks import ResponsePolicy, rotate_leak
from leakward.rotators.base import Notice, PermanentError, TransientError
from leakward.usage.watch_policy import WatchPolicy
from leakward.webhooks.metrics import Metrics

log = logging.getLogger(__name__)
SOURCE_KIND = "suspected-use"
HANDED_OFF = "handed-off"
# A key being rotated already is joined; a revoked or retired one has nothing left to rotate.
_ROTATABLE = (KeyStatus.ACTIVE.value, KeyStatus.ROTATING.value)


@dataclass(frozen=True, slots=True)
class HandOff:
    """What became of one alert: its state afterwards and, where made, its leak and rotation."""

    alert_id: int
    state: str
    leak_id: int | None = None
    rotation_id: int | None = None
    rotation_status: str | None = None
    note: str = ""


def hand_off(
    registry: Registry,
    alert: UsageAlert,
    policy: WatchPolicy,
    environ: Mapping[str, str],
    metrics: Metrics | None = None,
    now: datetime | None = None,
) -> HandOff:
    """Record the alert's key as leaked and act by `policy`; the alert is marked handed-off."""
    match = _registered(registry, alert)
    if match is None:
        return HandOff(alert.id, alert.state, note="key not in the registry: not rotated")
    leak_id = _record_leak(registry, alert, match, now or datetime.now(UTC))
    rotation_id = status = None
    if policy is not WatchPolicy.NOTIFY and match.status in _ROTATABLE:
        outcome = rotate_leak(
            registry,
            match.entry_id,
            leak_id,
            None,
            False,
            ResponsePolicy(),
            environ,
            metrics or Metrics(),
            requires_approval=policy is WatchPolicy.APPROVE,
        )
        rotation_id, status = outcome.rotation_id, outcome.status
    if policy is not WatchPolicy.AUTO:  # under auto the pipeline tells the owner when done
        _tell_owner(registry, alert, match.entry_id, rotation_id, environ)
    registry.usage.mark(alert.id, HANDED_OFF, leak_id=leak_id, rotation_id=rotation_id)
    note = f"rotation {rotation_id} is {status}" if rotation_id else "owner told, not rotated"
    return HandOff(alert.id, HANDED_OFF, leak_id, rotation_id, status, note)


def _registered(registry: Registry, alert: UsageAlert) -> Match | None:
    # No value was found, so no fingerprint can match: the public key id does.
    query = MatchQuery(fingerprint="", provider=alert.provider, key_id=alert.key_id, hint=None)
    (match,) = registry.match([query])
    return match


def leak_fingerprint(registry: Registry, alert: UsageAlert, entry_id: int) -> str:
    """The leak row of a key's value: the key's own fingerprint where registered with its value
    (a scan finding the same value later joins this leak), else one keyed on its public id."""
    key = registry.get_key(entry_id)
    if key.fingerprint is not None:
        return key.fingerprint
    return registry.fingerprint(f"{SOURCE_KIND}:{alert.provider}:{alert.key_id}")


def _record_leak(registry: Registry, alert: UsageAlert, match: Match, now: datetime) -> int:
    began = datetime.fromtimestamp(alert.start, UTC)
    sighting = LeakSighting(
        fingerprint=leak_fingerprint(registry, alert, match.entry_id),
        source_kind=SOURCE_KIND,
        # Where it was "seen": the usage report, from the episode's first bucket.
        location=LeakLocation(path=f"{alert.provider} usage report from {began.isoformat()}"),
        detected_at=now,
        provider=alert.provider,
        key_id=alert.key_id,
        leaked_at=began,
        match=match,
    )
    (leak_id,) = registry.record_leaks([sighting])
    return leak_id


def _tell_owner(
    registry: Registry,
    alert: UsageAlert,
    entry_id: int,
    rotation_id: int | None,
    environ: Mapping[str, str],
) -> None:
    from leakward.webhooks.notify import notifiers_from_environment

    key = registry.get_key(entry_id)
    if rotation_id is not None:
        must = (
            f"if this use is not yours, approve the rotation: leakward rotations approve "
            f"{rotation_id}",
        )
    else:
        must = (f"if this use is not yours, rotate the key: leakward rotate {entry_id}",)
    notice = Notice(
        recipient=key.owner.email,
        subject=f"Suspected use of {alert.provider} key {alert.key_id}",
        provider=alert.provider,
        key_hint=key.hint.display if key.hint else alert.key_id,
        fingerprint=(key.fingerprint or "")[:16],
        locations=(f"{alert.provider} usage report",),
        exposure_seconds=None,
        actions_taken=(f"usage alert (score {alert.score:.1f}): {alert.reason}",),
        owner_must=must,
    )
    for notifier in notifiers_from_environment(environ):
        try:
            notifier.send(notice, f"usage-alert-{alert.id}")
        except (TransientError, PermanentError) as error:
            # The alert and leak are recorded; a notifier down must not undo the hand-off.
            # Only the type: a provider's message may quote what it was sent.
            log.warning(
                "telling the owner of usage alert %s failed: %s", alert.id, type(error).__name__
            )
