"""The disk spool of unverified bodies has a total cap: past it a large body is answered 503
with Retry-After before a byte of it is read, while small signed pushes are still accepted and
a large body already being read is accepted once it arrives (a real uvicorn on 127.0.0.1)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from leakward.registry import Registry
from leakward.registry.webhook_deliveries import DeliveryLog
from leakward.webhooks.request_body import IN_MEMORY
from leakward.webhooks.signature import signature_of
from tests.webhooks.live_receiver import running_service
from tests.webhooks.serve_world import SECRET, ServeWorld
from tests.webhooks.test_receiver_limits import open_request, status_of

CAP = 3 * IN_MEMORY  # room for one large body (over the in-memory share) at a time, not two
GIT = "http://127.0.0.1:1/octo/app.git"


def push(after: str, padding: int = 0) -> bytes:
    """A signed-looking push of `after`, padded with a commit message `padding` long."""
    body = {
        "ref": "refs/heads/main",
        "before": "a" * 40,
        "after": after * 40,
        "forced": True,
        "repository": {"full_name": "octo/app", "clone_url": GIT, "private": True},
        "commits": [{"message": "m" * padding}],
    }
    return json.dumps(body).encode()


def headers_for(body: bytes, delivery: str, *, signed: bool = True) -> dict[str, str]:
    signature = signature_of(SECRET.encode(), body if signed else b"another body")
    return {
        "X-GitHub-Event": "push",
        "X-GitHub-Delivery": delivery,
        "Content-Length": str(len(body)),
        "X-Hub-Signature-256": signature,
    }


@pytest.fixture
def receiver(serve_world: ServeWorld) -> Iterator[str]:
    with running_service(
        serve_world.environ,
        serve_world.db_url,
        serve_world.mirrors,
        read_timeout=120,  # the held body below waits on the test, not on a timeout
        spool_max_bytes=CAP,
        job_workers=1,
    ) as (_service, base):
        yield base.removeprefix("http://")


def test_past_the_spool_cap_only_unverifiable_bodies_wait(
    receiver: str, serve_world: ServeWorld
) -> None:
    held = push("1", padding=2 * IN_MEMORY)
    with open_request(receiver, headers_for(held, "held")) as first:
        first.sendall(held[: len(held) // 2])  # half of it arrived: its share is reserved
        late = push("2", padding=2 * IN_MEMORY)
        with open_request(receiver, headers_for(late, "late", signed=False)) as second:
            # Not a byte of the body was sent: refused unread, and told when to come back.
            answer = second.recv(4096).decode()
        assert answer.startswith("HTTP/1.1 503")
        assert "retry-after: 120" in answer.lower()
        small = push("3")
        answered = httpx.post(
            f"http://{receiver}/webhooks/github", content=small, headers=headers_for(small, "s")
        )
        assert answered.status_code == 202  # held in memory: the cap does not touch it
        first.sendall(held[len(held) // 2 :])
        assert status_of(first) == 202  # accepted, although the cap was reached meanwhile
    # Its share is back: the same large body is read now (and found unsigned).
    with open_request(receiver, headers_for(late, "late-again", signed=False)) as again:
        again.sendall(late)
        assert status_of(again) == 401
    with Registry.open(serve_world.db_url) as registry:
        stored = {job.delivery_id for job in DeliveryLog(registry.engine).list_jobs()}
    assert stored == {"held", "s"}
