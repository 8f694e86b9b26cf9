"""`leakward serve --broker`: webhook jobs go to `leakward worker` processes on the real Redis.

A signed push to the real serve process is stored, sent to the Celery `push` task on this test's
own queue and marked done once sent; a real `leakward worker` scans the pushed repository in its
own mirror, matches the registry and rotates the key. The redelivery is answered duplicate.
And serve's --public-policy travels with the job: the worker, started with no policy of its own,
rotates a key leaked in a public repository the way serve's operator said.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

from leakward.core.errors import UsageError
from leakward.registry import Registry
from leakward.registry import rotations as log
from leakward.registry.rotation_state import RotationStatus
from leakward.registry.webhook_deliveries import DeliveryLog
from leakward.settings.work import WorkSettings
from leakward.sweep.jobs import perform
from tests.fakes.git_http import GitHttpServer
from tests.fakes.sendgrid import FakeSendGrid
from tests.org_world import (
    SENDGRID_SECRET,
    assert_delivered_before_revoked,
    register_sendgrid_key,
    sendgrid_environment,
)
from tests.webhooks.serve_process import ROOT, kill
from tests.webhooks.serve_world import REPO, SCOPE, ServeWorld, push_file
from tests.workers.conftest import REDIS_URL, require_redis


@contextmanager
def celery_worker(
    serve_world: ServeWorld,
    queue: str,
    log_file: Path,
    extra_env: Mapping[str, str] | None = None,
    *options: str,
) -> Iterator[subprocess.Popen[bytes]]:
    """A real `leakward worker` (solo pool, no policy options) on `queue`, on serve_world's
    database, with mirrors of its own, and more `options`; killed on exit."""
    mirrors = serve_world.directory / "worker-mirrors"
    api_url = serve_world.world.actions.url
    with open(log_file, "wb") as output:
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "leakward", "worker", "--broker", REDIS_URL),
                *("--db", serve_world.db_url, "--mirrors", str(mirrors)),
                *("--api-url", api_url, "--api-interval", "0", "--queue", queue),
                *("--pool", "solo", "--loglevel", "INFO", *options),
            ],
            cwd=ROOT,
            env=serve_world.process_environment(extra_env),
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
    try:
        yield worker
    finally:
        kill(worker)


def test_a_push_to_serve_with_a_broker_is_scanned_and_rotated_by_a_worker(
    tmp_path: Path, git_server: GitHttpServer, serve_world: ServeWorld
) -> None:
    require_redis()
    db_url, serve_log = serve_world.db_url, serve_world.log_file
    key = serve_world.register_key()
    push = serve_world.push_leak(git_server, key)
    queue = f"leakward-test-{uuid.uuid4().hex[:12]}"  # no other test's worker takes these
    worker_log = tmp_path / "worker.log"
    with (
        celery_worker(serve_world, queue, worker_log),
        serve_world.serve("--broker", REDIS_URL, "--queue", queue) as (_, sender),
    ):
        payload = sender.push_payload(
            push.work_tree, REPO, push.clone_url, push.before, public=False
        )
        delivery = sender.deliver("push", payload)
        assert delivery.status == 202

        def rotated() -> bool:
            with Registry.open(db_url) as registry:
                done = log.list_rotations(registry.engine)
                return bool(done) and done[0].status is RotationStatus.DONE

        serve_world.wait_for(rotated, f"no rotation; worker said:\n{worker_log.read_text()}")
        assert sender.redeliver(delivery).status == 200
        # serve did not do the work itself: it sent the job, the worker scanned its mirror.
        assert not (tmp_path / "mirrors" / "octo").exists()
        assert (tmp_path / "worker-mirrors" / "octo" / "app.git").is_dir()

    serve_world.assert_rotated_once(key)
    with Registry.open(db_url) as registry:
        [job] = DeliveryLog(registry.engine).list_jobs()
        assert (job.kind, job.state, job.attempts) == ("push", "done", 1)
    assert "webhook jobs go to" in serve_log.read_text()
    for text in (serve_log.read_text(), worker_log.read_text()):
        assert key.value not in text


def test_serve_public_policy_reaches_the_worker_that_rotates_a_public_leak(
    tmp_path: Path,
    git_server: GitHttpServer,
    fake_sendgrid: FakeSendGrid,
    serve_world: ServeWorld,
) -> None:
    require_redis()
    with Registry.open(serve_world.db_url) as registry:
        key_id, leaked = register_sendgrid_key(registry, fake_sendgrid, REPO)
    push = push_file(git_server, tmp_path / "work", "mail.env", f"SENDGRID_API_KEY={leaked}\n")
    sendgrid = sendgrid_environment(fake_sendgrid)
    queue = f"leakward-test-{uuid.uuid4().hex[:12]}"
    worker_log, serve_log = tmp_path / "worker.log", serve_world.log_file
    serve_args = ("--broker", REDIS_URL, "--queue", queue, "--public-policy", "reissue-first")
    with (
        celery_worker(serve_world, queue, worker_log, sendgrid),
        serve_world.serve(*serve_args, extra_env=sendgrid) as (_, sender),
    ):
        payload = sender.push_payload(
            push.work_tree, REPO, push.clone_url, push.before, public=True
        )
        assert sender.deliver("push", payload).status == 202

        def finished() -> bool:
            with Registry.open(serve_world.db_url) as registry:
                done = log.list_rotations(registry.engine)
                return bool(done) and done[0].is_finished

        serve_world.wait_for(finished, f"no rotation; worker said:\n{worker_log.read_text()}")

    with Registry.open(serve_world.db_url) as registry:
        [leak] = registry.list_leaks()
        # Public, yet reissue-first as serve was told: the replacement was delivered before the
        # leaked key was revoked (the worker's own default would have revoked first).
        assert_delivered_before_revoked(registry)
    assert leak.is_public
    assert key_id not in fake_sendgrid.keys
    [live] = [k for k in fake_sendgrid.keys.values() if k["value"] != fake_sendgrid.admin_key]
    assert serve_world.world.actions.opened(SCOPE, SENDGRID_SECRET) == live["value"]
    for text in (serve_log.read_text(), worker_log.read_text()):
        assert leaked not in text


def test_a_task_with_an_unknown_policy_is_refused_before_any_work() -> None:
    payload: dict[str, object] = {"issued_key_id": 1, "leak_id": 1, "policy": "revoke-never"}
    with pytest.raises(UsageError, match="unknown rotation policy"):
        perform("rotate_key", payload, WorkSettings())


def test_scheduled_sweep_settings_keep_both_policies() -> None:
    settings = WorkSettings(policy="revoke-first", public_policy="reissue-first")
    again = WorkSettings.from_json(settings.to_json())
    assert (again.policy_for(True), again.policy_for(False)) == ("reissue-first", "revoke-first")
