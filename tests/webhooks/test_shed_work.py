"""Past the queue limit the receiver sheds work, not events: a push that continues a waiting job
of its branch joins that job, a forced push or another branch's is a job of its own, a job stored
past the limit is flagged and run after the rest, and every signed delivery is answered 2xx and
done (the app over ASGI, on the real registry: SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest

from leakward.registry import Registry
from leakward.registry.webhook_deliveries import DeliveryLog
from leakward.webhooks.metrics import Metrics
from leakward.webhooks.push_merge import MAX_PUSHES
from leakward.webhooks.receiver import ReceiverSettings, create_app
from leakward.webhooks.work_queue import DurableQueue
from tests.registry.conftest import db_url, postgres_url
from tests.webhooks.asgi_client import AsgiClient
from tests.webhooks.test_receiver import PUSH, SECRET, deliver

__all__ = ["db_url", "postgres_url"]


def tip(number: int) -> str:
    return f"{number:040x}"


def push(before: int, after: int, *, ref: str = "refs/heads/main", forced: bool = False) -> bytes:
    body = dict(PUSH, ref=ref, before=tip(before), after=tip(after), forced=forced)
    return json.dumps(body).encode()


class Receiver:
    """The app over a durable queue whose workers are started only by `drain`, recording the
    jobs they run in the order they run them."""

    def __init__(self, registry: Registry, maxsize: int) -> None:
        self.deliveries = DeliveryLog(registry.engine)
        self.handled: list[dict[str, object]] = []
        self.queue = DurableQueue(self.deliveries, self.handle, maxsize=maxsize, workers=1)
        settings = ReceiverSettings(SECRET)
        self.client = AsgiClient(create_app(settings, self.queue, Metrics(self.queue.depth)))
        self._count = 0

    def handle(self, kind: str, payload: dict[str, object]) -> None:
        self.handled.append(payload)

    def send(self, body: bytes) -> tuple[int, object]:
        self._count += 1
        status, answer = deliver(self.client, body, delivery=f"d-{self._count}")
        return status, answer["status"]

    def drain(self) -> None:
        self.queue.start()
        try:
            assert self.queue.wait_idle(30)
        finally:
            self.queue.close()


@pytest.fixture
def receiver(db_url: str) -> Iterator[Receiver]:
    with Registry.open(db_url, pepper=b"p" * 32) as registry:
        yield Receiver(registry, maxsize=2)


def test_pushes_waiting_on_one_branch_are_scanned_as_one_range(receiver: Receiver) -> None:
    answers = [receiver.send(push(n, n + 1)) for n in range(1, 6)]
    assert answers == [(202, "queued")] + [(202, "merged")] * 4
    [job] = receiver.deliveries.list_jobs()
    assert (job.payload["before"], job.payload["after"]) == (tip(1), tip(6))
    assert (job.merges, job.payload["pushes"]) == (4, 5)
    # A merged push replayed under a new delivery id asks for work already stored.
    assert receiver.send(push(3, 4)) == (200, "duplicate")
    metrics = receiver.client.get("/metrics").text
    for how, count in (("queued", 1), ("merged", 4), ("duplicate", 1)):
        assert f'leakward_webhook_jobs_accepted_total{{how="{how}"}} {count}' in metrics
    receiver.drain()
    assert [(p["before"], p["after"]) for p in receiver.handled] == [(tip(1), tip(6))]


def test_a_forced_push_or_one_that_does_not_follow_on_is_a_job_of_its_own(
    receiver: Receiver,
) -> None:
    """A forced push's range may not contain the tip it replaced: merged, those commits, public
    meanwhile, would never be scanned."""
    assert receiver.send(push(1, 2)) == (202, "queued")
    assert receiver.send(push(2, 3, forced=True)) == (202, "queued")
    assert receiver.send(push(3, 4)) == (202, "merged")  # into the forced push's job
    assert receiver.send(push(9, 10)) == (202, "backlogged")  # does not start where one ends
    assert receiver.send(push(4, 5, ref="refs/heads/other")) == (202, "backlogged")
    ranges = [(j.payload["before"], j.payload["after"]) for j in receiver.deliveries.list_jobs()]
    assert ranges == [(tip(1), tip(2)), (tip(2), tip(4)), (tip(9), tip(10)), (tip(4), tip(5))]


def test_past_the_limit_jobs_are_flagged_and_run_after_the_others(receiver: Receiver) -> None:
    for number in range(4):
        assert receiver.send(push(10 * number, 10 * number + 1, forced=True))[0] == 202
    assert [job.is_backlog for job in receiver.deliveries.list_jobs()] == [False] * 2 + [True] * 2
    metrics = receiver.client.get("/metrics").text
    assert 'leakward_webhook_jobs_accepted_total{how="backlogged"} 2' in metrics
    receiver.drain()
    # Every event stored was done; the two within the limit first.
    assert [p["before"] for p in receiver.handled] == [tip(0), tip(10), tip(20), tip(30)]
    assert {job.state for job in receiver.deliveries.list_jobs()} == {"done"}


def test_a_job_a_worker_took_is_not_extended(receiver: Receiver) -> None:
    """Its range is being scanned: the next push must be scanned by a job of its own."""
    started, release = threading.Event(), threading.Event()

    def handle(kind: str, payload: dict[str, object]) -> None:
        started.set()
        release.wait(30)
        receiver.handled.append(payload)

    receiver.queue = DurableQueue(receiver.deliveries, handle, maxsize=2).start()
    settings = ReceiverSettings(SECRET)
    receiver.client = AsgiClient(create_app(settings, receiver.queue, Metrics()))
    try:
        assert receiver.send(push(1, 2)) == (202, "queued")
        assert started.wait(30)
        assert receiver.send(push(2, 3)) == (202, "queued")
    finally:
        release.set()
    assert receiver.queue.wait_idle(30)
    receiver.queue.close()
    assert sorted((p["before"], p["after"]) for p in receiver.handled) == [
        (tip(1), tip(2)),
        (tip(2), tip(3)),
    ]


def test_a_job_takes_a_bounded_number_of_pushes(receiver: Receiver) -> None:
    answers = [receiver.send(push(n, n + 1))[1] for n in range(MAX_PUSHES + 1)]
    assert answers.count("merged") == MAX_PUSHES - 1
    assert len(receiver.deliveries.list_jobs()) == 2
