"""One slow job holds one worker, for its budget at most: jobs run side by side up to the
configured number, and a push whose fetch or scan runs past its budget is stopped, with all it
started, and failed, while the pushes after it are done."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from leakward.queues.budget import BudgetExceededError, TimeBudget, WorkerLostError
from leakward.registry import Registry
from leakward.registry.webhook_deliveries import DeliveryLog
from leakward.webhooks.github_events import Job
from leakward.webhooks.work_queue import DurableQueue
from tests.fakes.git_http import GitHttpServer
from tests.fakes.github_webhooks import WebhookSender
from tests.webhooks.budget_work import crash, forever, refuse
from tests.webhooks.live_receiver import running_service
from tests.webhooks.serve_process import ROOT, GitGate
from tests.webhooks.serve_world import REPO, SECRET, ServeWorld, deliver_held_then_leak


def test_a_job_that_waits_holds_one_worker_not_all(tmp_path: Path) -> None:
    release, done = threading.Event(), threading.Event()

    def handle(kind: str, payload: dict[str, object]) -> None:
        if payload["name"] == "slow":
            release.wait(60)  # only stops a hung test
        else:
            done.set()

    with Registry.open(f"sqlite:///{tmp_path / 'r.db'}", pepper=b"p" * 32) as registry:
        queue = DurableQueue(DeliveryLog(registry.engine), handle, workers=2)
        queue.accept("d-slow", "push", Job("push", {"name": "slow"}))
        queue.start()
        try:
            queue.accept("d-fast", "push", Job("push", {"name": "fast"}))
            assert done.wait(30), "the second job waited for the first"
            assert not release.is_set()  # the first was still running
        finally:
            release.set()
            assert queue.wait_idle(30)
            queue.close()


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return state != "Z"


def wait_until_gone(pid: int, what: str) -> None:
    deadline = time.monotonic() + 60  # only stops a hung test
    while is_running(pid):
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_work_past_its_budget_is_stopped_with_what_it_started(tmp_path: Path) -> None:
    marker = tmp_path / "grandchild.pid"
    with pytest.raises(BudgetExceededError):
        # Long enough for a loaded machine to start the child and import budget_work.
        TimeBudget(15).run(forever, (marker,))
    # SIGKILL is sent to its whole group; on a loaded machine the grandchild may take a moment
    # to be scheduled and die (the test failed when it looked at once).
    wait_until_gone(int(marker.read_text()), "the budget's grandchild outlived it")


def test_work_that_dies_or_raises_is_told_apart() -> None:
    budget = TimeBudget(60)
    with pytest.raises(WorkerLostError):
        budget.run(crash, ())
    with pytest.raises(KeyError):  # the queue fails a KeyError at once, so it must stay one
        budget.run(refuse, ())
    assert budget.run(divmod, (7, 2)) == (3, 1)


def test_a_push_past_its_budget_is_failed_and_the_next_push_is_done(
    git_server: GitHttpServer, serve_world: ServeWorld
) -> None:
    """One worker: a push whose fetch never ends would hold it, and every later push, for good;
    stopped at its budget, it fails and the leak pushed after it is still rotated."""
    key = serve_world.register_key()
    push = serve_world.push_leak(git_server, key)
    git_server.create("octo/held")
    gate = GitGate(git_server.url)
    try:
        with running_service(
            serve_world.environ,
            serve_world.db_url,
            serve_world.mirrors,
            job_workers=1,
            # Room for the leak's own clone and scan on a loaded machine; the held fetch
            # would wait for ever.
            job_budget=20,
        ) as (service, base):
            sender = WebhookSender(SECRET.encode(), base + "/webhooks/github")
            deliver_held_then_leak(sender, push, gate)
            assert service.queue.wait_idle(timeout=90), "a job is still pending"
            assert gate.arrived.is_set()  # the held push did reach its fetch
    finally:
        gate.close()
    serve_world.assert_rotated_once(key)
    with Registry.open(serve_world.db_url) as registry:
        jobs = DeliveryLog(registry.engine).list_jobs()
    by_repository = {job.payload["repository"]: job for job in jobs}
    held_job = by_repository["octo/held"]
    assert (held_job.state, held_job.attempts) == ("failed", 1)
    assert held_job.last_error == "BudgetExceededError"
    assert by_repository[REPO].state == "done"


def test_work_ends_when_the_process_that_asked_for_it_is_killed(tmp_path: Path) -> None:
    """serve is stopped with SIGKILL to its process group; the budget's child sits in a group
    of its own, and must not go on (holding a mirror's lock, and its git) after serve is gone."""
    marker = tmp_path / "grandchild.pid"
    program = (
        "import sys; from pathlib import Path; from leakward.queues.budget import TimeBudget; "
        "from tests.webhooks.budget_work import forever; "
        "TimeBudget(600).run(forever, (Path(sys.argv[1]),))"
    )
    asking = subprocess.Popen(
        [sys.executable, "-c", program, str(marker)], cwd=ROOT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60  # only stops a hung test
        while not marker.exists() or not marker.read_text():
            assert time.monotonic() < deadline, "the work did not start"
            time.sleep(0.05)
    finally:
        os.killpg(asking.pid, signal.SIGKILL)
        asking.wait()
    wait_until_gone(int(marker.read_text()), "the work outlived the process that asked for it")
