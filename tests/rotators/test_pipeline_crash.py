"""Crash safety: kill the pipeline (SIGKILL) at step boundaries, resume, and check the outcome.

Whatever the crash point: the leaked key ends revoked, exactly one replacement is live, every
consumer holds it, no replacement issued before the crash is left alive, and the owner gets
exactly one notice.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from leakward.registry import rotations as log
from leakward.registry.rotation_state import RotationStatus
from tests.registry.conftest import _isolated_environment, db_url, postgres_url
from tests.rotators.crash_worker import main
from tests.rotators.pipeline_world import open_world
from tests.rotators.test_pipeline import assert_rotated
from tests.rotators.warm_workers import run_until_killed

__all__ = ["_isolated_environment", "db_url", "postgres_url"]

REISSUE_FIRST_POINTS = [
    *(f"after:{step}" for step in ("verified", "issued", "delivered", "tested")),
    *(f"after:{step}" for step in ("old_revoked", "old_dead", "notified")),
    "before:issued",
    "before:delivered",
    "before:tested",
    "before:notified",
]
REVOKE_FIRST_POINTS = [
    f"after:{step}"
    for step in ("verified", "contained", "old_revoked", "old_dead", "issued", "delivered")
] + ["after:tested", "after:notified"]
CASES = [("reissue-first", p) for p in REISSUE_FIRST_POINTS] + [
    ("revoke-first", p) for p in REVOKE_FIRST_POINTS
]


@pytest.mark.parametrize(("policy", "crash_at"), CASES)
def test_resume_after_a_kill_at_any_step_boundary(
    db_url: str, tmp_path: Path, policy: str, crash_at: str
) -> None:
    state = tmp_path / "state"
    open_world(db_url, state).registry.close()
    run_until_killed(
        main, (db_url, str(state), policy, crash_at), os.environ, tmp_path / "worker.log"
    )
    world = open_world(db_url, state, create=False)
    try:
        (interrupted,) = log.list_rotations(world.registry.engine)
        assert interrupted.status is RotationStatus.RUNNING
        results = world.pipeline().resume_all()
        assert [r.rotation.status for r in results] == [RotationStatus.DONE]
        assert_rotated(world)
        if crash_at in ("after:issued", "before:delivered", "after:delivered", "before:tested"):
            # The replacement's value died with the process: it was revoked, another issued.
            assert results[0].rotation.orphan_key_ids
            assert len(world.rotator.keys()) == 3
    finally:
        world.registry.close()
