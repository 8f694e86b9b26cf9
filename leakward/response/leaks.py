"""What a found secret sets off: record the leak, and rotate the registered live key it is.

Stage: application shell (registry match → rotation pipeline → notify). Used by the webhook
work (leakward/response/webhook_jobs.py) after each scan of a push or a run's logs. A secret the
registry does not know is recorded and left there; a match whose key is still active is rotated
with the policy for where it leaked (public: revoke-first), the pipeline notifies the owner, and
the leak's exposure window (leaked_at = commit time, else push time; revoked_at) ends up in the
registry.

A key whose rotation another worker holds (a sweep's rotate_key, `leakward rotate`) is tried
again later, until the rotation is finished: if that worker died, nothing else would resume it
(as in leakward/sweep/jobs.py). A caller with durable jobs (`leakward serve`) passes `on_busy` and
stores the retry; without it, the retry runs on a timer thread with the found value in memory.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from leakward.core.secret import Secret
from leakward.registry import Match, Registry
from leakward.registry.models import KeyStatus
from leakward.response.pipeline_build import build_pipeline
from leakward.response.registry_match import sightings_for
from leakward.scanner.models import Finding
from leakward.webhooks.metrics import Metrics

log = logging.getLogger(__name__)

# Told (issued key id, leak id, rotation id) of a rotation held by another worker.
BusyHandler = Callable[[int, int, int], None]


@dataclass(frozen=True, slots=True)
class ResponsePolicy:
    """The rotation policy by exposure: a live key in public is revoked at once."""

    public: str = "revoke-first"
    private: str = "reissue-first"

    def for_exposure(self, is_public: bool) -> str:
        return self.public if is_public else self.private


@dataclass(frozen=True, slots=True)
class Exposure:
    """Where and when the findings were exposed."""

    source_kind: str  # "git" or "ci-log"
    repository: str
    is_public: bool
    pushed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RotationOutcome:
    issued_key_id: int
    rotation_id: int
    status: str
    # Another worker holds this key's rotation (status "busy"): it is to be tried again later.
    is_busy: bool = False


@dataclass(frozen=True, slots=True)
class ResponseReport:
    leaks: int
    rotations: tuple[RotationOutcome, ...]


def respond(
    registry: Registry,
    findings: Sequence[Finding],
    exposure: Exposure,
    policy: ResponsePolicy,
    environ: Mapping[str, str],
    metrics: Metrics,
    on_busy: BusyHandler | None = None,
) -> ResponseReport:
    """Record every finding as a leak, then rotate each distinct active key that matched."""
    if not findings:
        return ResponseReport(0, ())
    sightings = sightings_for(
        registry,
        findings,
        source_kind=exposure.source_kind,
        is_public=exposure.is_public,
        repository=exposure.repository,
        leaked_at=exposure.pushed_at,
    )
    matches = [sighting.match for sighting in sightings]
    leak_ids = registry.record_leaks(sightings)
    public = exposure.is_public
    rotations = [
        rotate_leak(
            registry,
            match.entry_id,
            leak_id,
            finding.secret,
            public,
            policy,
            environ,
            metrics,
            on_busy=on_busy,
        )
        for finding, match, leak_id in _first_per_key(findings, matches, leak_ids)
    ]
    return ResponseReport(len(set(leak_ids)), tuple(rotations))


def _first_per_key(
    findings: Sequence[Finding], matches: Sequence[Match | None], leak_ids: Sequence[int]
) -> list[tuple[Finding, Match, int]]:
    """One (finding, match, leak) per active registered key: a key pasted twice rotates once."""
    chosen: dict[int, tuple[Finding, Match, int]] = {}
    for finding, match, leak_id in zip(findings, matches, leak_ids, strict=True):
        if match is not None and match.status == KeyStatus.ACTIVE and match.entry_id not in chosen:
            chosen[match.entry_id] = (finding, match, leak_id)
    return list(chosen.values())


def rotate_leak(
    registry: Registry,
    issued_key_id: int,
    leak_id: int,
    secret: Secret | None,
    is_public: bool,
    policy: ResponsePolicy,
    environ: Mapping[str, str],
    metrics: Metrics,
    *,
    on_busy: BusyHandler | None = None,
    attempt: int = 0,
    requires_approval: bool = False,
) -> RotationOutcome:
    """Rotate `issued_key_id` for `leak_id` (joining the rotation that leak already has);
    with `requires_approval` it stops after verifying until a person approves it."""
    pipeline = build_pipeline(registry, issued_key_id, environ)
    # The pipeline's verify step decides "live": it is handed the found value, in memory only.
    result = pipeline.rotate(
        issued_key_id,
        policy=policy.for_exposure(is_public),
        leak_id=leak_id,
        secret=secret,
        requires_approval=requires_approval,
    )
    rotation = result.rotation
    if result.is_busy:
        if on_busy is not None:
            on_busy(issued_key_id, leak_id, rotation.id)
        else:
            again = functools.partial(
                rotate_leak, registry, issued_key_id, leak_id, secret, is_public, policy, environ
            )
            retry = functools.partial(
                again, metrics, attempt=attempt + 1, requires_approval=requires_approval
            )
            _retry_later(retry, attempt, rotation.id)
        return RotationOutcome(issued_key_id, rotation.id, "busy", is_busy=True)
    metrics.rotation(rotation.status)
    for window in registry.exposure_windows(issued_key_id=issued_key_id, is_open=False):
        if window.leak_id == leak_id:
            metrics.exposure(window.duration.total_seconds())
    return RotationOutcome(issued_key_id, rotation.id, rotation.status)


def _retry_later(retry: Callable[[], object], attempt: int, rotation_id: int) -> None:
    """Run `retry` on a timer thread after the busy task's delay (leakward/sweep/jobs.py)."""
    from leakward.response.busy_retry import retry_delay

    delay = retry_delay(attempt)
    log.info("rotation %s is held by another worker; trying again in %.1f s", rotation_id, delay)

    def run() -> None:
        try:
            retry()
        except Exception as error:  # a timer thread has nobody to raise to
            # Only the type: a driver's or provider's message may quote what it was sent.
            log.warning("retrying rotation %s failed: %s", rotation_id, type(error).__name__)

    timer = threading.Timer(delay, run)
    timer.daemon = True
    timer.start()
