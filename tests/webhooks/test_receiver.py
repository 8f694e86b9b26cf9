"""POST /webhooks/github: every bad input is refused with the right status and queues nothing;
good deliveries are queued once; health, metrics and the OpenAPI description answer."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from leakward.registry import Registry
from leakward.registry.webhook_deliveries import DeliveryLog
from leakward.webhooks.github_events import Job
from leakward.webhooks.metrics import Metrics
from leakward.webhooks.receiver import ReceiverSettings, create_app
from leakward.webhooks.signature import signature_of
from leakward.webhooks.work_queue import Accepted, DurableQueue
from tests.webhooks.asgi_client import AsgiClient

SECRET = b"receiver-test-secret"
PUSH = {
    "ref": "refs/heads/main",
    "before": "a" * 40,
    "after": "b" * 40,
    "repository": {
        "full_name": "octo/app",
        "clone_url": "http://127.0.0.1:1/octo/app.git",
        "private": False,
        "visibility": "public",
    },
    "head_commit": {"timestamp": "2026-11-24T10:00:00Z"},
}


class RecordingQueue:
    """The receiver's intake over the real delivery log, recording what it stored."""

    def __init__(self, deliveries: DeliveryLog) -> None:
        self.deliveries = deliveries
        self.jobs: list[tuple[str, dict[str, object]]] = []

    def accept(self, delivery_id: str, event: str, job: Job) -> Accepted:
        stored = self.deliveries.accept(
            delivery_id, event, (job.kind, job.payload), dedupe=job.content
        )
        if stored is None:
            return Accepted.DUPLICATE
        self.jobs.append((job.kind, job.payload))
        return Accepted.QUEUED

    def depth(self) -> int:
        return self.deliveries.pending()


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    with Registry.open(f"sqlite:///{tmp_path / 'registry.db'}", pepper=b"p" * 32) as opened:
        yield opened


@pytest.fixture
def queue(registry: Registry) -> RecordingQueue:
    return RecordingQueue(DeliveryLog(registry.engine))


@pytest.fixture
def client(queue: RecordingQueue) -> AsgiClient:
    app = create_app(ReceiverSettings(SECRET, max_body=64 * 1024), queue, Metrics(queue.depth))
    return AsgiClient(app)


def deliver(
    client: AsgiClient,
    body: bytes,
    *,
    event: str = "push",
    delivery: str = "d-1",
    signature: str | None = None,
) -> tuple[int, dict[str, object]]:
    headers = {
        "Content-Type": "application/json",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": signature_of(SECRET, body) if signature is None else signature,
    }
    response = client.post("/webhooks/github", content=body, headers=headers)
    return response.status_code, response.json()


def test_a_signed_push_is_queued_with_the_pushed_range(
    client: AsgiClient, queue: RecordingQueue
) -> None:
    status, answer = deliver(client, json.dumps(PUSH).encode())
    assert (status, answer["status"]) == (202, "queued")
    assert queue.jobs == [
        (
            "push",
            {
                "repository": "octo/app",
                "clone_url": "http://127.0.0.1:1/octo/app.git",
                "is_public": True,
                "ref": "refs/heads/main",
                "before": "a" * 40,
                "after": "b" * 40,
                "pushed_at": "2026-11-24T10:00:00Z",
            },
        )
    ]


def test_unsigned_is_401_and_queues_nothing(client: AsgiClient, queue: RecordingQueue) -> None:
    body = json.dumps(PUSH).encode()
    response = client.post(
        "/webhooks/github",
        content=body,
        headers={"X-GitHub-Event": "push", "X-GitHub-Delivery": "d-1"},
    )
    assert response.status_code == 401
    assert queue.jobs == []


@pytest.mark.parametrize(
    "signature",
    [
        signature_of(b"another-secret", json.dumps(PUSH).encode()),
        "sha256=" + "0" * 64,
        "sha1=" + "0" * 40,
        "sha256=",
        "sha256=" + "g" * 64,
    ],
)
def test_wrongly_signed_is_401_and_queues_nothing(
    client: AsgiClient, queue: RecordingQueue, signature: str
) -> None:
    status, _ = deliver(client, json.dumps(PUSH).encode(), signature=signature)
    assert status == 401
    assert queue.jobs == []


def test_a_signature_over_another_body_is_refused(
    client: AsgiClient, queue: RecordingQueue
) -> None:
    body = json.dumps(PUSH).encode()
    tampered = body.replace(b"octo/app", b"evil/app")
    status, _ = deliver(client, tampered, signature=signature_of(SECRET, body))
    assert status == 401
    assert queue.jobs == []


def test_a_replayed_delivery_is_answered_duplicate_and_not_queued_again(
    client: AsgiClient, queue: RecordingQueue
) -> None:
    body = json.dumps(PUSH).encode()
    assert deliver(client, body, delivery="same")[0] == 202
    status, answer = deliver(client, body, delivery="same")
    assert (status, answer["status"]) == (200, "duplicate")
    assert len(queue.jobs) == 1


def test_the_same_signed_body_under_new_delivery_ids_is_queued_once(
    client: AsgiClient, queue: RecordingQueue
) -> None:
    """A captured delivery replayed with fresh ids asks for no new work, so it cannot fill the
    queue; another range of the same branch, or the same range of another, is new work."""
    body = json.dumps(PUSH).encode()
    for number in range(5):
        status, answer = deliver(client, body, delivery=f"replay-{number}")
        assert (status, answer["status"]) == (
            (202, "queued") if number == 0 else (200, "duplicate")
        )
    assert len(queue.jobs) == 1
    later = json.dumps(dict(PUSH, before="b" * 40, after="c" * 40)).encode()
    elsewhere = json.dumps(dict(PUSH, ref="refs/heads/other")).encode()
    assert deliver(client, later, delivery="later")[0] == 202
    assert deliver(client, elsewhere, delivery="elsewhere")[0] == 202
    assert len(queue.jobs) == 3


def test_a_rerun_of_a_workflow_is_new_work(client: AsgiClient, queue: RecordingQueue) -> None:
    run = {
        "action": "completed",
        "workflow_run": {"id": 42, "run_attempt": 1},
        "repository": {"full_name": "octo/app", "private": True},
    }
    rerun = dict(run, workflow_run={"id": 42, "run_attempt": 2})
    for number, payload in enumerate([run, run, rerun]):
        deliver(client, json.dumps(payload).encode(), event="workflow_run", delivery=f"r-{number}")
    assert len(queue.jobs) == 2


def test_replay_protection_survives_a_restart(registry: Registry) -> None:
    body = json.dumps(PUSH).encode()
    stored = []
    for _ in range(2):  # two app instances on one database, as after a restart
        queue = RecordingQueue(DeliveryLog(registry.engine))
        app = create_app(ReceiverSettings(SECRET), queue, Metrics(queue.depth))
        deliver(AsgiClient(app), body, delivery="across-restart")
        stored += queue.jobs
    assert len(stored) == 1
    assert len(DeliveryLog(registry.engine).list_jobs()) == 1


def test_oversized_is_413_and_queues_nothing(client: AsgiClient, queue: RecordingQueue) -> None:
    padded = dict(PUSH, padding="x" * (64 * 1024))
    status, _ = deliver(client, json.dumps(padded).encode())
    assert status == 413
    assert queue.jobs == []


def test_a_body_without_content_length_is_411(client: AsgiClient, queue: RecordingQueue) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(80):
            yield b"x" * 1024

    response = client.post(
        "/webhooks/github",
        content=chunks(),
        headers={
            "X-GitHub-Event": "push",
            "X-GitHub-Delivery": "d-stream",
            "X-Hub-Signature-256": "sha256=" + "0" * 64,
        },
    )
    assert response.status_code == 411
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert queue.jobs == []


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"\xff\xfe\x00", b"[1, 2]", b'"a string"', b""],
)
def test_malformed_json_is_400_and_queues_nothing(
    client: AsgiClient, queue: RecordingQueue, body: bytes
) -> None:
    status, _ = deliver(client, body)
    assert status == 400
    assert queue.jobs == []


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("push", {"ref": "refs/heads/main"}),
        ("push", dict(PUSH, after=None)),
        ("workflow_run", {"action": "completed", "repository": {"full_name": "o/r"}}),
    ],
)
def test_a_payload_missing_required_fields_is_400(
    client: AsgiClient, queue: RecordingQueue, event: str, payload: dict[str, object]
) -> None:
    status, answer = deliver(client, json.dumps(payload).encode(), event=event)
    assert status == 400
    assert event in str(answer["error"])
    assert queue.jobs == []


def test_a_deeply_nested_body_is_400_with_what_is_wrong(
    client: AsgiClient, queue: RecordingQueue
) -> None:
    nested = b"[" * 20_000 + b"]" * 20_000
    status, answer = deliver(client, nested)
    assert status == 400
    assert "too deeply" in str(answer["error"])
    assert queue.jobs == []


def test_missing_delivery_id_is_400(client: AsgiClient, queue: RecordingQueue) -> None:
    body = json.dumps(PUSH).encode()
    status, _ = deliver(client, body, delivery="")
    assert status == 400
    assert queue.jobs == []


def test_unknown_event_is_202_ignored(client: AsgiClient, queue: RecordingQueue) -> None:
    status, answer = deliver(client, b'{"action": "opened"}', event="issues")
    assert (status, answer["status"]) == (202, "ignored")
    assert queue.jobs == []


def test_ping_is_answered_and_queues_nothing(client: AsgiClient, queue: RecordingQueue) -> None:
    status, answer = deliver(client, b'{"zen": "Keep it logically awesome."}', event="ping")
    assert (status, answer["status"]) == (200, "pong")
    assert queue.jobs == []


def test_deleted_branch_and_unfinished_runs_need_no_work(
    client: AsgiClient, queue: RecordingQueue
) -> None:
    deleted = dict(PUSH, after="0" * 40, deleted=True)
    assert deliver(client, json.dumps(deleted).encode(), delivery="del")[0] == 202
    running = {
        "action": "in_progress",
        "workflow_run": {"id": 7},
        "repository": {"full_name": "octo/app", "private": True},
    }
    body = json.dumps(running).encode()
    assert deliver(client, body, event="workflow_run", delivery="run")[0] == 202
    assert queue.jobs == []


def test_a_completed_run_is_queued(client: AsgiClient, queue: RecordingQueue) -> None:
    completed = {
        "action": "completed",
        "workflow_run": {"id": 42},
        "repository": {"full_name": "octo/app", "private": True},
    }
    assert deliver(client, json.dumps(completed).encode(), event="workflow_run")[0] == 202
    assert queue.jobs == [
        ("workflow_run", {"repository": "octo/app", "run_id": 42, "is_public": False})
    ]


def test_past_the_limit_a_signed_push_is_stored_not_refused(
    registry: Registry, caplog: pytest.LogCaptureFixture
) -> None:
    """GitHub does not redeliver a failed delivery by itself: a 503 lost the push. Past
    `maxsize` pending jobs each new one is stored all the same, answered `backlogged`, and the
    backlog's start is logged once."""
    deliveries = DeliveryLog(registry.engine)
    work = DurableQueue(deliveries, lambda kind, payload: None, maxsize=1)  # never started
    app = AsgiClient(create_app(ReceiverSettings(SECRET), work, Metrics(work.depth)))
    answers = []
    with caplog.at_level(logging.WARNING, logger="leakward.webhooks.work_queue"):
        for number in range(4):
            push = dict(PUSH, after=f"{number + 1:040x}")
            status, answer = deliver(app, json.dumps(push).encode(), delivery=f"d-{number}")
            answers.append((status, answer["status"]))
    assert answers == [(202, "queued")] + [(202, "backlogged")] * 3
    assert [job.delivery_id for job in deliveries.list_jobs()] == [f"d-{n}" for n in range(4)]
    assert len([r for r in caplog.records if "waiting" in r.getMessage()]) == 1


def test_health_metrics_and_openapi(client: AsgiClient, queue: RecordingQueue) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    deliver(client, json.dumps(PUSH).encode())
    deliver(client, b"{}", signature="sha256=00")
    metrics = client.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert 'leakward_webhook_deliveries_total{event="push",outcome="202"} 1' in metrics.text
    assert 'leakward_webhook_deliveries_total{event="push",outcome="401"} 1' in metrics.text
    assert "leakward_queue_depth 1" in metrics.text
    assert 'leakward_exposure_window_seconds_bucket{le="+Inf"} 0' in metrics.text
    described = client.get("/openapi.json").json()
    assert described["openapi"].startswith("3.")
    routes = {getattr(route, "path", "") for route in client.app.routes}
    assert set(described["paths"]) == routes


def test_a_push_is_answered_while_its_work_is_still_running(registry: Registry) -> None:
    """GitHub gives 10 s; a scan and a rotation can take longer, so the answer must not wait for
    the work. The job here blocks until the test releases it, after the answer came."""
    started, release = threading.Event(), threading.Event()
    handled: list[str] = []

    def handle(kind: str, payload: dict[str, object]) -> None:
        started.set()
        release.wait(60)
        handled.append(kind)

    work = DurableQueue(DeliveryLog(registry.engine), handle).start()
    app = create_app(ReceiverSettings(SECRET, max_body=64 * 1024), work, Metrics(work.depth))
    try:
        status, answer = deliver(AsgiClient(app), json.dumps(PUSH).encode())
        assert (status, answer["status"]) == (202, "queued")
        assert started.wait(30)
        assert handled == []  # answered, and the job is still running
        assert work.depth() == 1
    finally:
        release.set()
        assert work.wait_idle(30)
        work.close()
    assert handled == ["push"]
