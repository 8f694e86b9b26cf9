"""The rotation pipeline end to end against fake provider, store and notifier, on both databases."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from leakward.core.secret import Secret
from leakward.registry import rotations as log
from leakward.registry.models import KeyStatus
from leakward.registry.rotation_state import RotationStatus, RotationStep
from leakward.rotators.base import Capability, PermanentError, TransientError
from leakward.rotators.rotation import steps
from tests.registry.conftest import _isolated_environment, db_url, postgres_url
from tests.rotators.pipeline_world import CONSUMERS, OLD_SECRET, World, open_world

__all__ = ["_isolated_environment", "db_url", "postgres_url"]


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[World]:
    built = open_world(db_url, tmp_path / "state")
    yield built
    built.registry.close()


def live_keys(world: World) -> dict[str, str]:
    return {k: v["secret"] for k, v in world.rotator.keys().items() if v["status"] == "active"}


def assert_rotated(world: World) -> None:
    keys = world.rotator.keys()
    assert keys["key-old"]["status"] == "revoked"
    live = live_keys(world)
    assert len(live) == 1, keys  # exactly one live replacement, no orphan left alive
    (new_secret,) = live.values()
    for consumer in CONSUMERS:
        assert world.store.current(consumer.removeprefix("vault:")) == new_secret
    sent = world.notifier.sent()
    assert len(sent) == 1
    assert sent[0]["recipient"] == "owner@example.test"


def test_reissue_first_replaces_delivers_then_revokes(world: World) -> None:
    result = world.pipeline().rotate(world.key_id, leak_id=world.leak_id, secret=Secret(OLD_SECRET))
    assert result.is_new
    rotation = result.rotation
    assert rotation.status is RotationStatus.DONE, rotation.last_error
    assert_rotated(world)
    times = rotation.step_times
    assert times["tested"] < times["old_revoked"] < times["old_dead"] < times["notified"]
    assert world.registry.get_key(world.key_id).status == "revoked"
    # The replacement is registered, so a leak of it will match too.
    assert rotation.new_key_id is not None
    assert any(k.key_id == rotation.new_key_id for k in world.registry.list_keys(provider="acme"))
    leak = world.registry.list_leaks()[0]
    assert leak.revoked_at is not None
    notice = world.notifier.sent()[0]
    assert notice["exposure_seconds"] > 0
    assert "octo/app" in notice["locations"][0]
    assert log.find_active(world.registry.engine, world.key_id) is None


def test_revoke_first_kills_the_leak_before_replacing_it(world: World) -> None:
    rotation = world.pipeline().rotate(world.key_id, policy="revoke-first").rotation
    assert rotation.status is RotationStatus.DONE, rotation.last_error
    assert_rotated(world)
    times = rotation.step_times
    assert times["contained"] < times["old_revoked"] < times["old_dead"] < times["issued"]
    must = " ".join(world.notifier.sent()[0]["owner_must"])
    assert "consumers" in must


def test_plan_lists_steps_and_changes_nothing(world: World) -> None:
    planned = world.pipeline().plan(world.key_id, "revoke-first", requires_approval=True)
    names = [p.step for p in planned]
    assert names[:4] == ["verified", "pending-approval", "settings_saved", "contained"]
    assert all(p.is_automatic for p in planned)
    assert log.list_rotations(world.registry.engine) == []
    assert len(world.rotator.keys()) == 1


def test_approval_stops_before_any_change_until_approved(world: World) -> None:
    pipeline = world.pipeline()
    rotation = pipeline.rotate(world.key_id, requires_approval=True).rotation
    assert rotation.status is RotationStatus.PENDING_APPROVAL
    assert rotation.step is RotationStep.VERIFIED
    assert len(world.rotator.keys()) == 1
    assert world.rotator.keys()["key-old"]["status"] == "active"
    assert pipeline.resume_all() == []  # waiting rotations are not resumed on their own
    done = pipeline.approve(rotation.id, "lead@example.test").rotation
    assert done.status is RotationStatus.DONE
    assert done.approved_by == "lead@example.test"
    assert_rotated(world)


@pytest.mark.parametrize(
    ("capability", "old_status", "keys_after"),
    [(Capability.REVOKE_ONLY, "revoked", 1), (Capability.VERIFY_ONLY, "active", 1)],
)
def test_limited_providers_do_what_the_api_allows_and_hand_over_the_rest(
    db_url: str, tmp_path: Path, capability: Capability, old_status: str, keys_after: int
) -> None:
    world = open_world(db_url, tmp_path / "state", capability=capability)
    try:
        rotation = world.pipeline().rotate(world.key_id).rotation
        assert rotation.status is RotationStatus.DONE, rotation.last_error
        keys = world.rotator.keys()
        assert len(keys) == keys_after
        assert keys["key-old"]["status"] == old_status
        (notice,) = world.notifier.sent()
        assert any("acme.test/keys" in step for step in notice["owner_must"])
        assert rotation.manual_steps is not None
    finally:
        world.registry.close()


OPERATIONS = [
    ("rotator", "verify"),
    ("rotator", "reissue"),
    ("store", "put"),
    ("store", "promote"),
    ("rotator", "revoke"),
    ("rotator", "list_keys"),
    ("notifier", "send"),
]


@pytest.mark.parametrize(("part", "operation"), OPERATIONS)
def test_transient_errors_at_each_step_are_retried_honouring_retry_after(
    world: World, part: str, operation: str
) -> None:
    faults = getattr(world, part).faults
    faults.add(operation, TransientError("HTTP 500"), TransientError("HTTP 429", retry_after=7.0))
    secret = Secret(OLD_SECRET) if operation == "verify" else None
    rotation = world.pipeline().rotate(world.key_id, secret=secret).rotation
    assert rotation.status is RotationStatus.DONE, rotation.last_error
    assert_rotated(world)
    assert world.sleeps[0] == pytest.approx(0.5)
    assert world.sleeps[1] == pytest.approx(7.0)  # Retry-After beats the 1 s backoff
    assert rotation.attempts == 2


def test_a_permanent_error_stops_alerts_the_owner_and_resumes_after_the_fix(world: World) -> None:
    world.rotator.faults.add("revoke", PermanentError("the admin key lacks keys:write"))
    pipeline = world.pipeline()
    rotation = pipeline.rotate(world.key_id).rotation
    assert rotation.status is RotationStatus.FAILED
    assert rotation.last_error is not None
    assert "keys:write" in rotation.last_error
    (alert,) = world.notifier.sent()
    assert "stopped" in alert["subject"]
    assert any("--resume" in m for m in alert["owner_must"])
    # Nothing is rotating it now: the key is not left marked `rotating` forever.
    assert world.registry.get_key(world.key_id).status == KeyStatus.ACTIVE
    # Still locked to this rotation: starting again does not begin a second one.
    again = pipeline.rotate(world.key_id)
    assert again.rotation.id == rotation.id
    assert not again.is_new
    resumed = pipeline.resume(rotation.id).rotation
    assert resumed.status is RotationStatus.DONE
    assert world.rotator.keys()["key-old"]["status"] == "revoked"
    assert len(live_keys(world)) == 1


def test_retries_are_bounded(world: World) -> None:
    world.rotator.faults.add("reissue", *[TransientError("timed out")] * 10)
    rotation = world.pipeline().rotate(world.key_id).rotation
    assert rotation.status is RotationStatus.FAILED
    assert rotation.attempts == 4
    assert len(world.sleeps) == 3
    assert world.rotator.keys()["key-old"]["status"] == "active"


def test_two_workers_racing_on_one_leak_make_one_rotation(
    world: World, db_url: str, tmp_path: Path
) -> None:
    barrier = threading.Barrier(2)
    results = []
    errors: list[BaseException] = []

    def work() -> None:
        other = open_world(db_url, tmp_path / "state", create=False)
        try:
            pipeline = other.pipeline()
            barrier.wait()
            results.append(pipeline.rotate(other.key_id, leak_id=other.leak_id))
        except BaseException as error:
            errors.append(error)
        finally:
            other.registry.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len({r.rotation.id for r in results}) == 1
    assert sum(r.is_new for r in results) == 1
    WorldCheck = open_world(db_url, tmp_path / "state", create=False)
    try:
        (only,) = log.list_rotations(WorldCheck.registry.engine)
        # The loser saw it busy; whoever finishes completes it.
        if only.status is not RotationStatus.DONE:
            WorldCheck.pipeline().resume_all()
        assert_rotated(WorldCheck)
        assert len(WorldCheck.rotator.keys()) == 2
    finally:
        WorldCheck.registry.close()


def test_no_secret_reaches_the_database_or_the_notice(world: World) -> None:
    world.pipeline().rotate(world.key_id, secret=Secret(OLD_SECRET))
    (new_secret,) = live_keys(world).values()
    with world.registry.engine.connect() as connection:
        tables = ["rotations", "issued_keys", "leaks", "leak_locations", "consumers", "owners"]
        dump = " ".join(
            str(row)
            for table in tables
            for row in connection.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
        )
    for secret in (OLD_SECRET, new_secret):
        assert secret not in dump
        assert secret[10:] not in dump
        assert secret not in str(world.notifier.sent())


def test_a_lost_replacements_expiry_comes_from_its_column_not_the_action_text(
    world: World,
) -> None:
    rotation = world.pipeline().rotate(world.key_id).rotation
    lost = dataclasses.replace(
        rotation, new_key_id=None, new_key_expires_at="2026-11-23T03:00:00Z", actions=()
    )
    assert "stays valid until it expires at 2026-11-23T03:00:00Z" in steps.lost_replacement(lost)
    assert rotation.is_replaced  # the replacement was tested and made current
