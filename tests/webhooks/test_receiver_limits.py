"""The receiver on a real uvicorn spends little on a stranger: a body without a declared length,
over the cap, or without a well-formed signature is refused before it is read; a large body
with a wrong signature is never held in memory whole; a body that trickles in is cut off; and
a client that hangs up costs one log line, not a traceback, and a signed push whose client hung
up before the answer is kept."""

from __future__ import annotations

import json
import logging
import socket
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from leakward.registry import Registry
from leakward.registry.webhook_deliveries import DeliveryLog
from leakward.webhooks.request_body import IN_MEMORY
from leakward.webhooks.signature import signature_of
from tests.webhooks.live_receiver import running_service
from tests.webhooks.serve_world import SECRET, ServeWorld

WRONG = "sha256=" + "0" * 64  # well-formed, but not the body's signature


@contextmanager
def live_receiver(serve_world: ServeWorld, read_timeout: float) -> Iterator[str]:
    """host:port of a live receiver that gives a body `read_timeout` seconds to arrive."""
    with running_service(
        serve_world.environ, serve_world.db_url, serve_world.mirrors, read_timeout=read_timeout
    ) as (_service, base):
        yield base.removeprefix("http://")


@pytest.fixture
def receiver(serve_world: ServeWorld) -> Iterator[str]:
    """A receiver that waits for a body as long as a loaded test machine might need."""
    with live_receiver(serve_world, read_timeout=120) as address:
        yield address


@pytest.fixture
def impatient_receiver(serve_world: ServeWorld) -> Iterator[str]:
    """A receiver that gives a body half a second."""
    with live_receiver(serve_world, read_timeout=0.5) as address:
        yield address


def open_request(address: str, headers: dict[str, str]) -> socket.socket:
    """A connection that has sent a POST's headers and none of its body."""
    host, port = address.split(":")
    connection = socket.create_connection((host, int(port)), timeout=30)  # only stops a hang
    lines = [f"{name}: {value}" for name, value in headers.items()]
    head = "\r\n".join(["POST /webhooks/github HTTP/1.1", f"Host: {address}", *lines, "", ""])
    connection.sendall(head.encode())
    return connection


def status_of(connection: socket.socket) -> int:
    answer = b""
    while b"\r\n" not in answer:
        part = connection.recv(4096)
        assert part, "the receiver closed the connection without an answer"
        answer += part
    return int(answer.split(b" ", 2)[1])


PUSH_HEADERS = {"X-GitHub-Event": "push", "X-GitHub-Delivery": "d-1"}


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Transfer-Encoding": "chunked", "X-Hub-Signature-256": WRONG}, 411),
        ({"Content-Length": str(26 << 20), "X-Hub-Signature-256": WRONG}, 413),
        ({"Content-Length": "1000"}, 401),
        ({"Content-Length": "1000", "X-Hub-Signature-256": "sha256=00"}, 401),
    ],
)
def test_a_stranger_is_refused_before_any_of_the_body_is_read(
    receiver: str, headers: dict[str, str], status: int
) -> None:
    with open_request(receiver, PUSH_HEADERS | headers) as connection:
        # Not one byte of the body was sent, and the answer came: nothing of it was read.
        assert status_of(connection) == status


def test_a_large_wrongly_signed_body_is_never_held_in_memory_whole(receiver: str) -> None:
    size = 16 << 20
    body = memoryview(bytearray(b"x" * size))
    headers = PUSH_HEADERS | {"Content-Length": str(size), "X-Hub-Signature-256": WRONG}
    tracemalloc.start()
    try:
        with open_request(receiver, headers) as connection:
            for start in range(0, size, 1 << 16):
                connection.sendall(body[start : start + (1 << 16)])
            assert status_of(connection) == 401
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The server (this process's thread) held the spool's share and a read buffer or two; the
    # whole body would be `size`, and joining its parts twice that.
    assert peak < IN_MEMORY + (2 << 20), peak


def test_a_body_that_trickles_in_is_cut_off(impatient_receiver: str) -> None:
    headers = PUSH_HEADERS | {"Content-Length": "1000", "X-Hub-Signature-256": WRONG}
    with open_request(impatient_receiver, headers) as connection:
        connection.sendall(b"{")  # then nothing more: the 999 other bytes never come
        assert status_of(connection) == 408
        # ... and the connection is closed, so it holds nothing on the server either.
        while connection.recv(4096):
            pass


def test_a_client_that_hangs_up_costs_one_log_line(
    receiver: str, caplog: pytest.LogCaptureFixture
) -> None:
    uvicorn_log = logging.getLogger("uvicorn.error")
    uvicorn_log.addHandler(caplog.handler)  # uvicorn's loggers do not propagate to the root
    try:
        with caplog.at_level(logging.INFO):
            headers = PUSH_HEADERS | {"Content-Length": "1000", "X-Hub-Signature-256": WRONG}
            with open_request(receiver, headers) as connection:
                connection.sendall(b'{"ref": ')
            wait_for_outcome(receiver, "499")
    finally:
        uvicorn_log.removeHandler(caplog.handler)
    assert "Traceback" not in caplog.text
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    gone = [r for r in caplog.records if "disconnected" in r.getMessage()]
    assert len(gone) == 1
    assert gone[0].exc_info is None


def wait_for_outcome(address: str, outcome: str) -> None:
    """Until the receiver's metrics count a delivery answered `outcome`."""
    line = f'leakward_webhook_deliveries_total{{event="push",outcome="{outcome}"}} 1'
    deadline = time.monotonic() + 30  # only stops a hung test
    while line not in httpx.get(f"http://{address}/metrics").text:
        assert time.monotonic() < deadline, f"no delivery answered {outcome}"
        time.sleep(0.05)


def test_a_signed_push_whose_client_hangs_up_before_the_answer_is_kept_quietly(
    receiver: str, serve_world: ServeWorld, caplog: pytest.LogCaptureFixture
) -> None:
    """GitHub gives up after 10 s and may close first: the delivery was accepted all the same,
    so its job is stored, and the answer nobody reads costs no traceback."""
    body = json.dumps(
        {
            "ref": "refs/heads/main",
            "before": "a" * 40,
            "after": "b" * 40,
            "forced": False,
            "repository": {"full_name": "octo/app", "clone_url": "http://127.0.0.1:1/x.git"},
        }
    ).encode()
    signature = signature_of(SECRET.encode(), body)
    headers = PUSH_HEADERS | {"Content-Length": str(len(body)), "X-Hub-Signature-256": signature}
    uvicorn_log = logging.getLogger("uvicorn.error")
    uvicorn_log.addHandler(caplog.handler)  # uvicorn's loggers do not propagate to the root
    try:
        with caplog.at_level(logging.INFO):
            with open_request(receiver, headers) as connection:
                connection.sendall(body)
            wait_for_outcome(receiver, "202")
    finally:
        uvicorn_log.removeHandler(caplog.handler)
    assert "Traceback" not in caplog.text
    # (The job itself may fail meanwhile: its clone URL leads nowhere. Only the answer counts.)
    answering = ("uvicorn", "leakward.webhooks.receiver")
    said = [r for r in caplog.records if r.name.startswith(answering)]
    assert [r.getMessage() for r in said if r.levelno >= logging.WARNING] == []
    with Registry.open(serve_world.db_url) as registry:
        [job] = DeliveryLog(registry.engine).list_jobs()
    assert job.delivery_id == PUSH_HEADERS["X-GitHub-Delivery"]
