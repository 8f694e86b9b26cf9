"""A push whose key's rotation is held by a live worker is rotated once, after a serve restart.

The test process itself is the live holder: it starts the key's rotation and takes its lease
through the registry calls the pipeline uses (`rotations.start`, `rotations.claim`). A signed
push with the key reaches the real `leakward serve`; the rotation is busy, so the push's job
stores a `rotate_key` job (ids only) that serve retries. serve is SIGKILLed and started again:
the stored retry is still there and the new serve keeps trying it. Once the lease is released,
the retry finishes the rotation, exactly once.
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from leakward.registry import Registry
from leakward.registry import rotations as log
from leakward.registry.rotation_state import RotationStatus
from leakward.registry.webhook_deliveries import DeliveryLog, StoredJob
from leakward.rotators.rotation.locks import is_stale
from tests.fakes.git_http import GitHttpServer
from tests.org_world import is_checked_live
from tests.webhooks.serve_world import REPO, ServeWorld


def rotate_key_job(db_url: str) -> StoredJob | None:
    with Registry.open(db_url) as registry:
        jobs = DeliveryLog(registry.engine).list_jobs()
    return next((job for job in jobs if job.kind == "rotate_key"), None)


def busy_retries(db_url: str) -> int:
    job = rotate_key_job(db_url)
    return job.busy_retries if job is not None else -1


def test_a_stored_busy_rotation_is_retried_across_a_restart_and_finished_once(
    git_server: GitHttpServer, serve_world: ServeWorld
) -> None:
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

    with serve_world.serve():
        tried = busy_retries(db_url)
        serve_world.wait_for(
            lambda: busy_retries(db_url) > tried, "the restarted serve did not retry"
        )
        with Registry.open(db_url) as registry:
            assert log.get(registry.engine, rotation.id).status is RotationStatus.RUNNING
            log.release(registry.engine, rotation.id, holder)

        def retry_done() -> bool:
            job = rotate_key_job(db_url)
            return job is not None and job.state == "done"

        serve_world.wait_for(retry_done, "the stored retry did not finish the rotation")

    serve_world.assert_rotated_once(key)
    with Registry.open(db_url) as registry:
        jobs = DeliveryLog(registry.engine).list_jobs()
        assert [(j.kind, j.state) for j in jobs] == [("push", "done"), ("rotate_key", "done")]
        [done] = log.list_rotations(registry.engine)
        assert done.id == rotation.id
        # The retry read the leaked value again from the mirror, and checked it live before
        # rotating.
        assert is_checked_live(registry)
    assert len(serve_world.world.inbox.received) == 1
    assert key.value not in serve_world.log_file.read_text()
