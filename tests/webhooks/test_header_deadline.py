"""A client that sends its request headers a byte at a time (slowloris) is cut off once the
header deadline passes, on a new connection and on a kept-alive one, and the receiver goes on
answering everyone else (a real uvicorn on 127.0.0.1)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from tests.webhooks.live_receiver import running_service
from tests.webhooks.serve_world import ServeWorld

HEAD = b"POST /webhooks/github HTTP/1.1\r\nHost: receiver\r\nX-GitHub-Event: push\r\n"


@pytest.fixture
def receiver(serve_world: ServeWorld) -> Iterator[tuple[str, int]]:
    """host and port of a live receiver that gives a request's headers half a second."""
    with running_service(
        serve_world.environ, serve_world.db_url, serve_world.mirrors, header_timeout=0.5
    ) as (_service, base):
        host, port = base.removeprefix("http://").split(":")
        yield host, int(port)


def trickle(connection: socket.socket, head: bytes) -> int:
    """Send `head` a byte at a time, a byte per 0.2 s, until the server hangs up; the bytes
    sent then. Sending all of `head` would take far longer than the deadline."""
    connection.settimeout(0.2)
    for sent, byte in enumerate(head):
        try:
            connection.sendall(bytes([byte]))
            if connection.recv(4096) == b"":
                return sent + 1
        except TimeoutError:
            continue  # nothing to read yet: the connection is still open
        except OSError:
            return sent
    return len(head)


def test_headers_sent_a_byte_at_a_time_are_cut_off(receiver: tuple[str, int]) -> None:
    with socket.create_connection(receiver, timeout=30) as connection:
        sent = trickle(connection, HEAD * 2)
    assert sent < len(HEAD * 2)
    base = f"http://{receiver[0]}:{receiver[1]}"
    assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}


def test_a_kept_alive_connection_gets_the_same_deadline(receiver: tuple[str, int]) -> None:
    """After one answered request, the next one's headers are due in time as well."""
    with socket.create_connection(receiver, timeout=30) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: receiver\r\n\r\n")
        answer = connection.recv(4096)
        assert answer.startswith(b"HTTP/1.1 200")
        sent = trickle(connection, HEAD * 2)
    assert sent < len(HEAD * 2)
