"""`leakward serve` killed and started again loses nothing.

The real `leakward serve` process receives a signed push with a registered live GitLab token and
answers 202; its work is held in the git fetch of the pushed repository (a gate in front of the
git server) and the process is SIGKILLed there, its git with it. Started again, serve takes the
stored job over and the key is rotated exactly once, while GitHub's redelivery of that delivery
is still answered `duplicate`. Then: a rotation a killed `leakward rotate` left mid-pipeline is
finished by serve at start, through the same `pipeline.resume` as `leakward rotate --resume`.
"""

from __future__ import annotations

import signal
import subprocess
import sys

from leakward.registry import Registry
from leakward.registry import rotations as log
from leakward.registry.rotation_state import RotationStatus, RotationStep
from leakward.registry.webhook_deliveries import DeliveryLog
from tests.fakes.git_http import GitHttpServer
from tests.webhooks.serve_process import ROOT, GitGate, kill
from tests.webhooks.serve_world import REPO, ServeWorld


def test_a_push_accepted_by_a_killed_serve_is_rotated_once_after_the_restart(
    git_server: GitHttpServer, serve_world: ServeWorld
) -> None:
    db_url, log_file, world = serve_world.db_url, serve_world.log_file, serve_world.world
    key = serve_world.register_key()
    push = serve_world.push_leak(git_server, key)
    gate = GitGate(git_server.url)
    try:
        with serve_world.serve() as (first, sender):
            payload = sender.push_payload(
                push.work_tree, REPO, gate.url_of(REPO), push.before, public=False
            )
            delivery = sender.deliver("push", payload)
            assert delivery.status == 202
            assert gate.arrived.wait(60), log_file.read_text()[-3000:]  # the fetch is held
            kill(first)
        assert first.returncode == -signal.SIGKILL
        # Answered 202, then killed mid-work: nothing rotated, the job still stored.
        assert not world.gitlab.tokens[key.token_id].revoked
        with Registry.open(db_url) as registry:
            assert log.list_rotations(registry.engine) == []
            [job] = DeliveryLog(registry.engine).list_jobs()
            assert (job.kind, job.state, job.delivery_id) == ("push", "pending", delivery.id)
            assert key.value not in str(job.payload)
        gate.open()

        with serve_world.serve() as (_, sender):

            def job_done() -> bool:
                with Registry.open(db_url) as registry:
                    return DeliveryLog(registry.engine).list_jobs()[0].state == "done"

            serve_world.wait_for(job_done, "the stored job did not finish after the restart")
            redelivered = sender.redeliver(delivery)
            assert redelivered.status == 200  # still a duplicate: it is not worked twice
    finally:
        gate.close()

    serve_world.assert_rotated_once(key)
    with Registry.open(db_url) as registry:
        [job] = DeliveryLog(registry.engine).list_jobs()
        assert job.attempts == 2  # the attempt the kill cut short, and the one that finished
    assert len(world.inbox.received) == 1
    assert key.value not in log_file.read_text()


def test_serve_resumes_at_start_a_rotation_a_killed_process_left_running(
    serve_world: ServeWorld,
) -> None:
    db_url = serve_world.db_url
    key = serve_world.register_key()
    # `leakward rotate` with a fault hook that kills it once `issued` is persisted.
    crashing = [sys.executable, "-m", "tests.rotators.crashing_cli", "after:issued"]
    killed = subprocess.run(
        [*crashing, "rotate", str(key.entry), "--secret-stdin", "--db", db_url],
        input=key.value + "\n",
        env=serve_world.process_environment(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    with Registry.open(db_url) as registry:
        [rotation] = log.list_rotations(registry.engine)
        assert (rotation.status, rotation.step) == (RotationStatus.RUNNING, RotationStep.ISSUED)

    with serve_world.serve():

        def finished() -> bool:
            with Registry.open(db_url) as registry:
                return log.get(registry.engine, rotation.id).status is RotationStatus.DONE

        serve_world.wait_for(finished, "serve did not resume the rotation")

    serve_world.assert_rotated_once(key)
    assert len(serve_world.world.inbox.received) == 1
    assert f"resumed rotation {rotation.id}" in serve_world.log_file.read_text()
