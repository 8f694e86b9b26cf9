"""A webhook job run by `leakward worker` has the same time budget as one `serve` runs itself:
a push whose fetch never ends is stopped at the budget, with its git, and failed with a log line
that says why, and the push after it on the same single worker is scanned and rotated (real
serve --broker, real Redis, a real worker process)."""

from __future__ import annotations

import uuid
from pathlib import Path

from leakward.registry import Registry
from leakward.registry import rotations as log
from tests.fakes.git_http import GitHttpServer
from tests.webhooks.serve_process import GitGate
from tests.webhooks.serve_world import ServeWorld, deliver_held_then_leak
from tests.webhooks.test_serve_broker import celery_worker
from tests.workers.conftest import REDIS_URL, require_redis

BUDGET = 20  # room for the leak's own clone and scan on a loaded machine


def test_a_worker_stops_a_push_at_its_budget_and_does_the_next(
    tmp_path: Path, git_server: GitHttpServer, serve_world: ServeWorld
) -> None:
    require_redis()
    key = serve_world.register_key()
    push = serve_world.push_leak(git_server, key)
    git_server.create("octo/held")
    gate = GitGate(git_server.url)  # never opened: the held push's fetch waits for ever
    queue = f"leakward-test-{uuid.uuid4().hex[:12]}"
    worker_log = tmp_path / "worker.log"
    try:
        with (
            celery_worker(serve_world, queue, worker_log, None, "--job-budget", str(BUDGET)),
            serve_world.serve("--broker", REDIS_URL, "--queue", queue) as (_, sender),
        ):
            deliver_held_then_leak(sender, push, gate)

            def rotated() -> bool:
                with Registry.open(serve_world.db_url) as registry:
                    return any(r.is_finished for r in log.list_rotations(registry.engine))

            serve_world.wait_for(rotated, f"no rotation; worker said:\n{worker_log.read_text()}")
            stopped = f"push job of octo/held failed: stopped after its budget of {BUDGET} s"
            serve_world.wait_for(
                lambda: stopped in worker_log.read_text(),
                f"the held push was not stopped; worker said:\n{worker_log.read_text()}",
            )
            assert gate.arrived.is_set()  # it did reach its fetch, and was stopped there
    finally:
        gate.close()
    serve_world.assert_rotated_once(key)
    text = worker_log.read_text()
    assert "raised expected: BudgetExceededError" in text  # failed, as Celery records it
    assert "Traceback" not in text
    assert key.value not in text
