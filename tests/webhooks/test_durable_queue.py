"""The durable webhook job queue on the real registry (SQLite and PostgreSQL): jobs are stored with
their delivery claim, done once, retried with backoff a bounded number of times, failed at once
when retrying cannot help, and taken over from a worker process that died holding them."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from leakward.core.errors import UsageError
from leakward.registry import Registry
from leakward.registry.webhook_deliveries import DeliveryLog
from leakward.rotators.rotation.locks import is_stale
from leakward.webhooks.github_events import Job
from leakward.webhooks.work_queue import Accepted, Backoff, DurableQueue, JobOutcome
from tests.registry.conftest import db_url, postgres_url
from tests.webhooks.tcp_outage import TcpOutage

__all__ = ["db_url", "postgres_url"]

FAST = Backoff(attempts=3, first=0.01, limit=0.02, busy_first=0.01, busy_limit=0.02)
PUSH = Job("push", {"repository": "octo/app", "after": "b" * 40})


@pytest.fixture
def deliveries(db_url: str) -> Iterator[DeliveryLog]:
    with Registry.open(db_url, pepper=b"p" * 32) as registry:
        yield DeliveryLog(registry.engine)


def dead_worker() -> str:
    """The lease name of a process on this host that has exited."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    return f"{socket.gethostname()}:{gone.pid}:gone"


def drain(queue: DurableQueue) -> None:
    """Start `queue`'s worker, wait until no job is pending, and stop it."""
    queue.start()
    try:
        assert queue.wait_idle(30)
    finally:
        queue.close()


def test_a_job_is_stored_with_its_claim_and_done_once(deliveries: DeliveryLog) -> None:
    ran: list[dict[str, object]] = []
    queue = DurableQueue(deliveries, lambda kind, payload: ran.append(payload), backoff=FAST)
    assert queue.accept("d-1", "push", PUSH) is Accepted.QUEUED
    # A redelivery: neither claimed nor stored.
    assert queue.accept("d-1", "push", PUSH) is Accepted.DUPLICATE
    assert queue.depth() == 1  # stored before any worker runs
    drain(queue)
    assert ran == [PUSH.payload]
    [job] = deliveries.list_jobs()
    assert (job.state, job.attempts, job.delivery_id) == ("done", 1, "d-1")


def test_a_failing_job_is_retried_with_backoff_then_failed_with_a_log_line(
    deliveries: DeliveryLog, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[str] = []

    def broken(kind: str, payload: dict[str, object]) -> str | None:
        calls.append(kind)
        raise ConnectionError("provider said: token glpat-not-in-logs")

    queue = DurableQueue(deliveries, broken, backoff=FAST)
    with caplog.at_level(logging.INFO, logger="leakward.webhooks.work_queue"):
        queue.accept("d-2", "push", PUSH)
        drain(queue)
    assert calls == ["push"] * FAST.attempts
    [job] = deliveries.list_jobs()
    assert (job.state, job.attempts, job.last_error) == ("failed", 3, "ConnectionError")
    assert "gave up after 3 attempts" in caplog.text
    assert "glpat" not in caplog.text  # the error's type only, never its message


def test_an_error_retrying_cannot_fix_fails_the_job_at_once(deliveries: DeliveryLog) -> None:
    def unusable(kind: str, payload: dict[str, object]) -> str | None:
        raise UsageError("no webhook work of kind 'push'")

    queue = DurableQueue(deliveries, unusable, backoff=FAST)
    queue.accept("d-3", "push", PUSH)
    drain(queue)
    [job] = deliveries.list_jobs()
    assert (job.state, job.attempts, job.last_error) == ("failed", 1, "UsageError")


def test_a_busy_job_comes_back_without_using_its_attempts(deliveries: DeliveryLog) -> None:
    answers = iter([JobOutcome.BUSY] * (FAST.attempts + 2) + [None])
    queue = DurableQueue(deliveries, lambda kind, payload: next(answers), backoff=FAST)
    assert queue.add("rotate_key", {"issued_key_id": 1, "leak_id": 2}, dedupe="k:1:2", delay=0)
    assert not queue.add("rotate_key", {"issued_key_id": 1, "leak_id": 2}, dedupe="k:1:2", delay=0)
    drain(queue)
    [job] = deliveries.list_jobs()
    assert (job.state, job.attempts, job.busy_retries) == ("done", 1, FAST.attempts + 2)


def test_a_job_held_by_a_dead_process_is_taken_over_on_start(deliveries: DeliveryLog) -> None:
    deliveries.accept("d-4", "push", (PUSH.kind, PUSH.payload))
    lease = timedelta(hours=1)
    held = deliveries.take(dead_worker(), lease=lease, is_stale=lambda holder: False)
    assert held is not None
    # A live holder elsewhere keeps it until its lease ends.
    assert deliveries.take("other:1:live", lease=lease, is_stale=lambda holder: False) is None
    ran = threading.Event()
    drain(DurableQueue(deliveries, lambda kind, payload: ran.set(), backoff=FAST))
    assert ran.is_set()
    [job] = deliveries.list_jobs()
    assert (job.state, job.attempts) == ("done", 2)  # the lost attempt counts


def test_a_job_that_keeps_killing_its_worker_is_failed(
    deliveries: DeliveryLog, caplog: pytest.LogCaptureFixture
) -> None:
    deliveries.accept("d-5", "push", (PUSH.kind, PUSH.payload))
    for _ in range(FAST.attempts):  # each attempt's process died while running it
        assert deliveries.take(dead_worker(), lease=timedelta(hours=1), is_stale=is_stale)
    ran: list[str] = []
    queue = DurableQueue(deliveries, lambda kind, payload: ran.append(kind), backoff=FAST)
    with caplog.at_level(logging.ERROR, logger="leakward.webhooks.work_queue"):
        drain(queue)
    assert ran == []
    [job] = deliveries.list_jobs()
    assert job.state == "failed"
    assert "gave up after 3 attempts" in caplog.text


def test_the_full_queue_check_counts_in_the_database_only_near_the_limit(
    deliveries: DeliveryLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted: list[int] = []
    count = deliveries.pending

    def counting() -> int:
        counted.append(count())
        return counted[-1]

    monkeypatch.setattr(deliveries, "pending", counting)
    queue = DurableQueue(deliveries, lambda kind, payload: None, maxsize=20, recount_after=3600)
    for number in range(18):
        assert queue.accept(f"d-{number}", "push", PUSH) is Accepted.QUEUED
    assert counted == [0]  # read once, at the first delivery
    # A redelivery takes no place.
    assert queue.accept("d-0", "push", PUSH) is Accepted.DUPLICATE
    for number in range(18, 20):  # within a tenth of maxsize: each delivery counts again
        assert queue.accept(f"d-{number}", "push", PUSH) is Accepted.QUEUED
    assert counted == [0, 18, 18, 19]
    assert queue.accept("d-20", "push", PUSH) is Accepted.BACKLOGGED
    assert counted[-1] == 20
    assert "d-20" in {job.delivery_id for job in deliveries.list_jobs()}  # stored all the same
    drain(queue)  # this process's worker finished all 21: it knows there is room again
    reads = len(counted)  # drain's wait for an empty queue counts too
    for number in range(21, 39):
        assert queue.accept(f"d-{number}", "push", PUSH) is Accepted.QUEUED
    assert len(counted) == reads


def test_jobs_another_receiver_stored_count_once_the_last_read_is_old(
    deliveries: DeliveryLog,
) -> None:
    queue = DurableQueue(deliveries, lambda kind, payload: None, maxsize=3, recount_after=0.05)
    assert queue.accept("d-1", "push", PUSH) is Accepted.QUEUED
    for other in ("o-1", "o-2"):  # another serve process on the same database
        assert deliveries.accept(other, "push", (PUSH.kind, PUSH.payload)) is not None
    time.sleep(0.1)
    assert queue.accept("d-2", "push", PUSH) is Accepted.BACKLOGGED


def test_jobs_another_receiver_finished_make_room(deliveries: DeliveryLog) -> None:
    queue = DurableQueue(deliveries, lambda kind, payload: None, maxsize=2, recount_after=3600)
    assert queue.accept("d-1", "push", PUSH) is Accepted.QUEUED
    assert queue.accept("d-2", "push", PUSH) is Accepted.QUEUED
    assert queue.accept("d-3", "push", PUSH) is Accepted.BACKLOGGED
    # Another process's worker finished two: the count near the limit is read again.
    for _ in range(2):
        taken = deliveries.take("other:1:live", lease=timedelta(hours=1), is_stale=is_stale)
        assert taken is not None
        deliveries.finish(taken.id, "done")
    assert queue.accept("d-4", "push", PUSH) is Accepted.QUEUED
    assert queue.depth() == 2


@pytest.mark.postgres
def test_a_database_outage_while_recording_an_outcome_keeps_the_worker(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # The database goes away while a job runs, so its outcome cannot be written; before, the
    # error ended the worker thread and no later job ever ran.
    server = make_url(postgres_url)
    with TcpOutage(server.host or "127.0.0.1", server.port or 5432) as outage:
        url = server.set(host="127.0.0.1", port=outage.port).render_as_string(hide_password=False)
        with Registry.open(url, pepper=b"p" * 32) as registry:
            deliveries = DeliveryLog(registry.engine)
            ran: list[object] = []

            def handler(kind: str, payload: dict[str, object]) -> None:
                ran.append(payload["after"])
                if len(ran) == 1:
                    outage.cut()  # the server restarts while the first job finishes
                    threading.Timer(1.0, outage.restore).start()

            queue = DurableQueue(deliveries, handler, backoff=FAST)
            queue.accept("d-out-1", "push", PUSH)
            queue.start()
            try:
                with caplog.at_level(logging.WARNING, logger="leakward.webhooks.work_queue"):
                    deadline = time.monotonic() + 30
                    while not ran and time.monotonic() < deadline:
                        time.sleep(0.05)
                    second = Job("push", {"repository": "octo/app", "after": "c" * 40})
                    while time.monotonic() < deadline:
                        try:  # the receiver answers 5xx while the database is away
                            queue.accept("d-out-2", "push", second)
                            break
                        except OperationalError:
                            time.sleep(0.1)
                    assert queue.wait_idle(30)
            finally:
                queue.close()
            assert ran == ["b" * 40, "c" * 40]  # the first job was not run twice
            assert sorted(job.state for job in deliveries.list_jobs()) == ["done", "done"]
    assert "its outcome could not be recorded (OperationalError)" in caplog.text
