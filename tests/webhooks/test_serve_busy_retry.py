"""A push whose key's rotation is held by a live worker is rotated once, after a serve restart.

The test process itself is the live holder: it starts the key's rotation and takes its lease
through the registry calls the pipeline uses (`rotations.start`, `rotations.claim`). A signed
push with the key reaches the real `leakward serve`; the rotation is busy, so the push's job
stores a `rotate_key` job (ids only) that serve retries. serve is SIGKILLed and started again:
the stored retry is still there and the new serve keeps trying it. Once the lease is released,
the retry finishes the rotation, exactly once.

The holder's rotation was started without a leak (as `leakward rotate KEY` starts one), and the
push's leak joined it. The new serve also resumes, at its start, every rotation left running: a
resume pass that came late, after the release, took the rotation over and finished it without
the leaked value, so it checked nothing (the test's intermittent failure). A resumed rotation is
handed the value of its key's leak too, so whichever finishes it checks the key first.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import timedelta

from leakward.registry import Registry
from leakward.registry import rotations as log
from leakward.registry.models import utc_now
from leakward.registry.rotation_state import RotationStatus
from leakward.registry.webhook_deliveries import DeliveryLog, StoredJob
from leakward.rotators.rotation.locks import is_stale
from tests.fakes.git_http import GitHttpServer
from tests.org_world import LeakedKey, is_checked_live
from tests.webhooks.serve_world import REPO, ServeWorld


def rotate_key_job(db_url: str) -> StoredJob | None:
    with Registry.open(db_url) as registry:
        jobs = DeliveryLog(registry.engine).list_jobs()
    return next((job for job in jobs if job.kind == "rotate_key"), None)


def busy_retries(db_url: str) -> int:
    job = rotate_key_job(db_url)
    return job.busy_retries if job is not None else -1


@dataclass(frozen=True, slots=True)
class HeldRotation:
    key: LeakedKey
    rotation_id: int
    holder: str


def store_a_busy_retry(git_server: GitHttpServer, serve_world: ServeWorld) -> HeldRotation:
    """This process holds the key's rotation (started without a leak); a push of the key to a
    serve stores a retry, which serve tries once; serve is SIGKILLed then."""
    db_url = serve_world.db_url
    key = serve_world.register_key()
    holder = f"{socket.gethostname()}:{os.getpid()}:test"  # this process: alive, so not stale
    with Registry.open(db_url) as registry:
        rotation, _ = log.start(registry.engine, key.entry, policy="reissue-first")
        lease = timedelta(minutes=10)
        assert log.claim(registry.engine, rotation.id, holder, lease=lease, is_stale=is_stale)
    push = serve_world.push_leak(git_server, key)

    with serve_world.serve() as (_, sender):
        payload = sender.push_payload(
            push.work_tree, REPO, push.clone_url, push.before, public=False
        )
        assert sender.deliver("push", payload).status == 202
        serve_world.wait_for(lambda: busy_retries(db_url) >= 1, "no retry stored and tried")
    # Killed (SIGKILL) while the holder still runs: the retry is stored, nothing rotated.
    job = rotate_key_job(db_url)
    assert job is not None
    assert job.state == "pending"
    assert key.value not in str(job.payload)
    assert not serve_world.world.gitlab.tokens[key.token_id].revoked
    return HeldRotation(key, rotation.id, holder)


def test_a_stored_busy_rotation_is_retried_across_a_restart_and_finished_once(
    git_server: GitHttpServer, serve_world: ServeWorld
) -> None:
    db_url = serve_world.db_url
    held = store_a_busy_retry(git_server, serve_world)
    key, rotation_id, holder = held.key, held.rotation_id, held.holder

    with serve_world.serve():
        tried = busy_retries(db_url)
        serve_world.wait_for(
            lambda: busy_retries(db_url) > tried, "the restarted serve did not retry"
        )
        with Registry.open(db_url) as registry:
            assert log.get(registry.engine, rotation_id).status is RotationStatus.RUNNING
            log.release(registry.engine, rotation_id, holder)

        def retry_done() -> bool:
            job = rotate_key_job(db_url)
            return job is not None and job.state == "done"

        serve_world.wait_for(retry_done, "the stored retry did not finish the rotation")

    serve_world.assert_rotated_once(key)
    with Registry.open(db_url) as registry:
        jobs = DeliveryLog(registry.engine).list_jobs()
        assert [(j.kind, j.state) for j in jobs] == [("push", "done"), ("rotate_key", "done")]
        [done] = log.list_rotations(registry.engine)
        assert done.id == rotation_id
        # The retry read the leaked value again from the mirror, and checked it live before
        # rotating.
        assert is_checked_live(registry)
    assert len(serve_world.world.inbox.received) == 1
    assert key.value not in serve_world.log_file.read_text()


def test_a_rotation_a_leak_joined_is_resumed_with_the_leaked_value(
    git_server: GitHttpServer, serve_world: ServeWorld
) -> None:
    """The holder lets go while serve is down, and the stored retry is not due for an hour: the
    restarted serve's resume pass finishes the rotation, and checks the key with the value of
    the leak that joined it, as the retry would have."""
    db_url = serve_world.db_url
    held = store_a_busy_retry(git_server, serve_world)
    with Registry.open(db_url) as registry:
        log.release(registry.engine, held.rotation_id, held.holder)
        retry = rotate_key_job(db_url)
        assert retry is not None
        DeliveryLog(registry.engine).postpone(retry.id, utc_now() + timedelta(hours=1))

    def finished() -> bool:
        with Registry.open(db_url) as registry:
            return log.get(registry.engine, held.rotation_id).is_finished

    with serve_world.serve():
        serve_world.wait_for(finished, "the resume pass did not finish the rotation")
    serve_world.assert_rotated_once(held.key)
    with Registry.open(db_url) as registry:
        assert is_checked_live(registry)
    assert "resumed rotation" in serve_world.log_file.read_text()
    assert held.key.value not in serve_world.log_file.read_text()
