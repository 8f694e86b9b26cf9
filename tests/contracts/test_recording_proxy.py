"""The recording proxy keeps each exchange as it crossed the socket, and passes it on unchanged.

An upstream that writes down the raw request it got stands in for a fake; `requests` (what
PyGithub talks through) is the client. What the upstream got, what the proxy recorded and what
the client was sent must agree, or the contract tests built on the proxy would check something
other than the real traffic.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tests.contracts.recording_proxy import RecordingProxy

TARGET = "/repos/acme/app/environments/prod%2Feu/secrets?x=1&x=2&q=a%20b&created=%3E%3D2026-12-01"


@dataclass
class Seen:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Upstream:
    """Answers every request with `answer` (status, headers, body); `{url}` in a header or
    body becomes its own address, as a fake writes absolute links to itself."""

    answer: tuple[int, dict[str, str], bytes] = (200, {}, b"")
    seen: list[Seen] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    state = Upstream()

    class _Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            state.seen.append(Seen(self.command, self.path, headers, body))
            status, answer_headers, payload = state.answer
            payload = payload.replace(b"{url}", state.url.encode())
            self.send_response(status)
            for name, value in answer_headers.items():
                self.send_header(name, value.replace("{url}", state.url))
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def proxy(upstream: Upstream) -> Iterator[RecordingProxy]:
    with RecordingProxy(upstream.url) as running:
        yield running


def test_a_request_is_forwarded_and_recorded_as_sent(
    upstream: Upstream, proxy: RecordingProxy
) -> None:
    upstream.answer = (201, {"content-type": "application/json", "x-answer": "yes"}, b'{"a": 1}')
    body = b'{"encrypted_value": "c2VhbGVk", "key_id": "kid-1"}'
    got = requests.patch(
        proxy.url + TARGET,
        data=body,
        headers={"authorization": "token t0", "content-type": "application/json", "x-n": "7"},
        timeout=5,
    )
    (seen,) = upstream.seen
    assert (seen.method, seen.target, seen.body) == ("PATCH", TARGET, body)
    assert seen.headers["authorization"] == "token t0"
    assert seen.headers["x-n"] == "7"
    assert seen.headers["host"] == upstream.url.removeprefix("http://")

    (exchange,) = proxy.exchanges
    request = exchange.request
    assert request.method == "PATCH"
    assert request.url.raw_path.decode() == TARGET  # %2F and %20 as sent, not decoded
    assert request.url.path == "/repos/acme/app/environments/prod/eu/secrets"
    assert request.url.params.multi_items() == [
        ("x", "1"),
        ("x", "2"),
        ("q", "a b"),
        ("created", ">=2026-12-01"),
    ]
    assert request.headers["authorization"] == "token t0"
    assert request.headers["content-type"] == "application/json"
    assert request.content == body

    response = exchange.response
    assert response.status_code == got.status_code == 201
    assert response.headers["x-answer"] == got.headers["x-answer"] == "yes"
    assert response.json() == got.json() == {"a": 1}


def test_redirects_are_passed_back_and_links_point_at_the_proxy(
    upstream: Upstream, proxy: RecordingProxy
) -> None:
    upstream.answer = (
        302,
        {"location": "{url}/blobs/7.zip", "link": '<{url}/next?page=2>; rel="next"'},
        b"",
    )
    got = requests.get(proxy.url + "/runs/7/logs", allow_redirects=False, timeout=5)
    assert got.status_code == 302
    assert got.headers["location"] == f"{proxy.url}/blobs/7.zip"
    (exchange,) = proxy.exchanges
    assert exchange.response.status_code == 302
    assert exchange.response.headers["link"] == f'<{proxy.url}/next?page=2>; rel="next"'
    assert [s.target for s in upstream.seen] == ["/runs/7/logs"]  # not followed by the proxy


def test_json_bodies_point_at_the_proxy_and_binary_ones_pass_untouched(
    upstream: Upstream, proxy: RecordingProxy
) -> None:
    upstream.answer = (200, {"content-type": "application/json"}, b'{"url": "{url}/repos/a/b"}')
    assert requests.get(proxy.url + "/repos/a/b", timeout=5).json() == {
        "url": f"{proxy.url}/repos/a/b"
    }
    archive = b"PK\x03\x04 log mentioning {url} in a zip"
    upstream.answer = (200, {"content-type": "application/zip"}, archive)
    got = requests.get(proxy.url + "/blobs/7.zip", timeout=5)
    expected = archive.replace(b"{url}", upstream.url.encode())
    assert got.content == proxy.exchanges[-1].response.content == expected


def test_the_traffic_leaves_out_the_excluded_paths(
    upstream: Upstream, proxy: RecordingProxy
) -> None:
    upstream.answer = (404, {"content-type": "application/json"}, json.dumps({}).encode())
    for path in ("/repos/a/b", "/blobs/1.zip", "/repos/a/c"):
        requests.get(proxy.url + path, timeout=5)
    assert proxy.traffic(excluding=("/blobs/",)).operations() == [
        "GET /repos/a/b",
        "GET /repos/a/c",
    ]
    assert len(proxy.traffic().exchanges) == 3
