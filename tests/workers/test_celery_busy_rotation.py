"""A rotate_key task that finds its key's rotation held by another worker comes back later; if
that worker is killed, the task resumes the rotation, which still finishes exactly once.

One GitLab token leaks in two repositories, so the sweep hands on two rotate_key tasks for one
key. The first worker takes the first and stalls delivering the replacement; a second worker
takes the other and finds the rotation busy. Both run with the production visibility timeout
(an hour), so the killed holder's own message does not come back during the test: only the busy
task can finish the rotation. Before the fix it was acknowledged and dropped.
"""

from __future__ import annotations

import os
from dataclasses import replace

from sqlalchemy import select

from leakward.queues.celery_tasks import CeleryQueue, make_app
from leakward.registry import Registry
from leakward.registry.models import RotationRow
from leakward.settings.work import WorkSettings
from leakward.sweep.org import sweep_org
from tests.org_world import RotationWorld
from tests.sweep.fixtures import Origins
from tests.workers.conftest import Workers, wait_for

SCOPE = "/repos/acme/leaky/actions/secrets"
HOUR = 3600.0


def _rotations(registry: Registry) -> list[tuple[int, str, str | None]]:
    with registry.engine.connect() as connection:
        rows = connection.execute(
            select(RotationRow.issued_key_id, RotationRow.status, RotationRow.lease_owner)
        )
        return [(int(key), str(status), owner) for key, status, owner in rows]


def test_a_busy_rotation_whose_holder_is_killed_is_resumed_by_the_waiting_task(
    redis_url: str,
    queue_name: str,
    settings: WorkSettings,
    origins: Origins,
    registry: Registry,
    workers: Workers,
    rotation_world: RotationWorld,
) -> None:
    key = rotation_world.register_key(registry, "acme/leaky")
    fake_actions, environment = rotation_world.actions, rotation_world.environment
    origins.add("leaky", **{"deploy.env": f"GITLAB_TOKEN={key.value}\n"})
    origins.add("leaky-too", **{"ci.env": f"TOKEN={key.value}\n"})
    # The delivery stalls: each of three requests hangs until the store's 10 s client timeout,
    # so the holder is stuck for 30 s, long enough for the other task to be busy five times.
    fake_actions.fail_next(SCOPE, times=3, hang=600)
    queue = CeleryQueue(make_app(redis_url, settings, queue=queue_name))
    listing = sweep_org("acme", replace(settings, scan_logs=False), queue, sweep_id="s1")
    assert len(listing.repositories) == 2

    holder = workers.start(redis_url, environment, rotate=True, visibility_timeout=HOUR)

    def is_delivering() -> bool:
        return any(path.startswith(f"GET {SCOPE}") for path in fake_actions.paths())

    wait_for(is_delivering, "the first worker delivering the replacement", workers)
    [(_, status, owner)] = _rotations(registry)
    assert status == "running"
    assert owner is not None
    assert os.getpgid(int(owner.split(":")[1])) == holder.pid  # the first worker holds it
    assert len(registry.list_leaks(issued_key_id=key.entry)[0].locations) == 2

    waiter = workers.start(
        redis_url, environment, rotate=True, visibility_timeout=HOUR, loglevel="INFO"
    )
    # Busy five times over: past Celery's default limit of three retries, which must not apply.
    wait_for(lambda: "trying again in 8.0 s" in workers.logs(), "the task seeing busy", workers)
    [(_, status, owner)] = _rotations(registry)
    assert status == "running"
    assert owner is not None
    assert os.getpgid(int(owner.split(":")[1])) == holder.pid  # still stuck in the holder
    workers.kill(holder)

    # Done, and the lease released: the waiting task resumed it and let go.
    finished = [(key.entry, "done", None)]
    wait_for(lambda: _rotations(registry) == finished, "the waiting task resuming", workers)
    assert waiter.poll() is None
    # The holder's replacement was lost with it: it was revoked and another issued, so the
    # leaked token is dead and exactly one token lives, the one in the Actions secret.
    rotation_world.assert_replaced(key, SCOPE)
    assert registry.get_key(key.entry).status == "revoked"
