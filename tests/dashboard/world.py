"""A registry holding leaks and rotations in every state a person meets, for the rotation
commands' tests and the dashboard's browser tests.

Rotations: one done (a provider leakward has no rotator for: steps left to the owner), one
failed at `issued` with a redacted error, one waiting for approval, one held by a live worker on
another host (busy). Leaks: one revoked (closed exposure window), one still exposed, one public
with no known leak time. The secrets below are invented; tests assert none ever shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from leakward.registry import (
    LeakLocation,
    LeakSighting,
    Match,
    NewKey,
    Owner,
    Registry,
    hint_of,
    parse_consumer,
)
from leakward.registry import rotations as log
from leakward.registry.rotation_state import RotationChange, RotationStatus, RotationStep
from leakward.rotators.rotation.pipeline import RotationPipeline

PEPPER = b"dashboard-test-pepper-0123456789abcdef"
SECRETS = {
    "done": "nsp_live_Q3v9xT2mKp7LwR4sZ8bN1cYd6hJf0gUe",
    "failed": "nsp_live_Zr8Kq2Lm5Nb7Vc1Xd4Fg6Hj9Ks3Pw0Ty",
    "waiting": "nsp_live_Mt4Rw8Ep2Yq6Ui1Oa5Sd9Fg3Hj7Kl0Zx",
    "busy": "nsp_live_Bc5Nv9Mx2Lk6Jh1Gf4Ds8Ap3Qw7Er0Ty",
}
FAILURE = "the provider refused to issue a key (HTTP 403): grant the token keys:write"
HOSTILE_PATH = "web/<script>document.title='owned'</script>.js"
OTHER_WORKER = "another-host.example:4242:feedbeef"
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class World:
    keys: dict[str, int]  # state -> registry entry id
    rotations: dict[str, int]  # state -> rotation id
    leaks: dict[str, int]  # revoked, exposed, public -> leak id


def _add_key(registry: Registry, state: str) -> int:
    return registry.add_key(
        NewKey(
            provider="nosuchprovider",
            owner=Owner(f"{state}-owner@example.test", team="payments"),
            key_id=f"nsp-{state}",
            consumers=(parse_consumer("manual:the billing cron on host x"),),
        ),
        SECRETS[state],
    )


def _leak(
    registry: Registry, state: str, entry: int, path: str | None = None, **extra: object
) -> int:
    sighting = LeakSighting(
        fingerprint=registry.fingerprint(SECRETS[state]),
        source_kind="git",
        location=LeakLocation("acme/api", "0123456789abcdef", path or f"config/{state}.py", 7),
        detected_at=T0 + timedelta(hours=2),
        provider="nosuchprovider",
        rule_id="nosuchprovider.api_key",
        hint=hint_of(SECRETS[state]),
        match=Match(entry, f"nsp-{state}", "owner", "active", "fingerprint", 1.0),
        **extra,  # type: ignore[arg-type]
    )
    (leak_id,) = registry.record_leaks([sighting])
    return leak_id


def _stop(registry: Registry, rotation_id: int, worker: str, change: RotationChange) -> None:
    log.claim(registry.engine, rotation_id, worker, lease=timedelta(hours=1), is_stale=bool)
    log.update(registry.engine, rotation_id, worker, change, lease=timedelta(hours=1))


def build_world(db_url: str) -> World:
    with Registry.open(db_url, pepper=PEPPER) as registry:
        keys = {state: _add_key(registry, state) for state in SECRETS}
        leaks = {
            "revoked": _leak(registry, "done", keys["done"], leaked_at=T0),
            "exposed": _leak(registry, "failed", keys["failed"], leaked_at=T0),
            "public": _leak(registry, "waiting", keys["waiting"], is_public=True),
        }
        # A second place, named with markup a page must show as text, never run.
        _leak(registry, "waiting", keys["waiting"], path=HOSTILE_PATH, is_public=True)
        registry.mark_revoked(leaks["revoked"], T0 + timedelta(hours=3))
        pipeline = RotationPipeline(registry=registry, rotators={}, stores={})
        done = pipeline.rotate(keys["done"], leak_id=leaks["revoked"]).rotation.id
        waiting = pipeline.rotate(keys["waiting"], requires_approval=True).rotation.id
        failed, _ = log.start(registry.engine, keys["failed"], policy="reissue-first")
        _stop(
            registry,
            failed.id,
            "leakward-test:1:failed",
            RotationChange(
                finished_step=RotationStep.VERIFIED,
                running_step=RotationStep.ISSUED,
                attempts=3,
                last_error=FAILURE,
            ),
        )
        _stop(
            registry,
            failed.id,
            "leakward-test:1:failed",
            RotationChange(status=RotationStatus.FAILED),
        )
        log.release(registry.engine, failed.id, "leakward-test:1:failed")
        busy, _ = log.start(registry.engine, keys["busy"], policy="reissue-first")
        log.mark_key_rotating(registry.engine, busy.id)  # as the pipeline that started it did
        _stop(registry, busy.id, OTHER_WORKER, RotationChange(running_step=RotationStep.VERIFIED))
    return World(
        keys=keys,
        rotations={"done": done, "failed": failed.id, "waiting": waiting, "busy": busy.id},
        leaks=leaks,
    )
