"""A tiny real-HTTP fake provider on 127.0.0.1: routes, a request log and failure injection.

Stage: tests (rotators). Each provider fake subclasses `FakeServer`, registers routes for the
paths the provider documents, and keeps its keys in memory so tests can assert on state ("one
live replacement, old key dead"). `fail_next` makes the next N requests to a path answer 500,
429 with Retry-After, an HTML proxy page, or hang past the client timeout, so recovery code can
be tested without monkeypatching. A failure can be narrowed to one method, skip the first
matching requests (to hit, say, the second `GET /v3/scopes` of a rotation), and be `applied`:
the route runs and changes state, and only its answer is lost (the request a client must not
blindly repeat); `then` runs after that (the crash matrix SIGKILLs the client there).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class FakeRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    # Every value of each query parameter, for arrays sent as repeated names (`group_by=a&…=b`).
    query_all: dict[str, list[str]] = field(default_factory=dict)

    def json(self) -> dict[str, object]:
        if not self.body:
            return {}
        loaded = json.loads(self.body)
        return loaded if isinstance(loaded, dict) else {}

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}

    def bearer(self) -> str | None:
        value = self.headers.get("authorization", "")
        scheme, _, token = value.partition(" ")
        return token if scheme.lower() in {"bearer", "token"} and token else None

    def basic(self) -> tuple[str, str] | None:
        import base64

        value = self.headers.get("authorization", "")
        scheme, _, encoded = value.partition(" ")
        if scheme.lower() != "basic":
            return None
        user, _, password = base64.b64decode(encoded).decode().partition(":")
        return user, password


@dataclass
class Reply:
    status: int = 200
    body: object = None  # dict/list -> JSON, str -> text, None -> empty
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Failure:
    path: str  # a prefix of the request path
    remaining: int
    status: int = 500
    retry_after: str | None = None
    html: bool = False
    hang: float | None = None  # seconds to stall before answering
    method: str | None = None  # only requests with this method count
    skip: int = 0  # matching requests let through before the first failure
    applied: bool = False  # run the route (its state change stands), then fail instead
    exact: bool = False  # `path` is the whole path, not a prefix
    # Run once the route applied (the crash matrix kills its client here: the answer is lost).
    then: Callable[[], None] | None = None
    # Only requests whose body holds these bytes count (an AWS Query API's `Action=…`).
    body_contains: bytes | None = None


Handler = Callable[[FakeRequest, re.Match[str]], Reply]


class FakeServer:
    """Subclasses call `route` in `__init__` and keep their state under `self.lock`."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.requests: list[FakeRequest] = []
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._failures: list[Failure] = []
        self._released = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- set-up -------------------------------------------------------------------------
    def route(self, method: str, pattern: str, handler: Handler) -> None:
        self._routes.append((method, re.compile(pattern + r"\Z"), handler))

    def fail_next(
        self,
        path: str,
        times: int = 1,
        *,
        status: int = 500,
        retry_after: str | None = None,
        html: bool = False,
        hang: float | None = None,
        method: str | None = None,
        skip: int = 0,
        applied: bool = False,
        exact: bool = False,
        then: Callable[[], None] | None = None,
        body_contains: bytes | None = None,
    ) -> None:
        """The next `times` requests whose path starts with `path` (is `path`, when `exact`)
        fail this way; with `method`, only that method's; after `skip` of them got through."""
        failure = Failure(
            path,
            times,
            status,
            retry_after,
            html,
            hang,
            method,
            skip,
            applied,
            exact,
            then,
            body_contains,
        )
        with self.lock:
            self._failures.append(failure)

    @property
    def url(self) -> str:
        assert self._httpd is not None, "start() first"
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def unserved(self) -> int:
        """How many injected failures have not been served yet."""
        with self.lock:
            return sum(failure.remaining for failure in self._failures)

    def paths(self, method: str | None = None) -> list[str]:
        """The request log as 'METHOD /path' strings, for asserting sequences."""
        with self.lock:
            return [f"{r.method} {r.path}" for r in self.requests if method in (None, r.method)]

    # --- life cycle ---------------------------------------------------------------------
    def start(self) -> FakeServer:
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                return  # keep test output quiet

            def _serve(self) -> None:
                outer._dispatch(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        # A short poll interval keeps shutdown (once per test) from costing half a second.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()  # free handlers stalled by a `hang` failure
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- dispatch -----------------------------------------------------------------------
    def _take_failure(self, request: FakeRequest) -> Failure | None:
        with self.lock:
            for failure in self._failures:
                if failure.remaining <= 0 or failure.method not in (None, request.method):
                    continue
                if failure.body_contains is not None and failure.body_contains not in request.body:
                    continue
                if not (
                    request.path == failure.path
                    if failure.exact
                    else request.path.startswith(failure.path)
                ):
                    continue
                if failure.skip > 0:
                    failure.skip -= 1
                    continue
                failure.remaining -= 1
                return failure
        return None

    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        split = urlsplit(handler.path)
        length = int(handler.headers.get("content-length") or 0)
        request = FakeRequest(
            method=handler.command,
            path=split.path,
            query={k: v[0] for k, v in parse_qs(split.query).items()},
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=handler.rfile.read(length) if length else b"",
            query_all=parse_qs(split.query),
        )
        with self.lock:
            self.requests.append(request)
        failure = self._take_failure(request)
        if failure is None:
            reply = self._route(request)
        else:
            if failure.applied:
                self._route(request)  # the provider did the work; the answer never arrives
            if failure.then is not None:
                failure.then()
            reply = self._failure_reply(failure)
        self._write(handler, reply)

    def _failure_reply(self, failure: Failure) -> Reply:
        if failure.hang is not None:
            self._released.wait(failure.hang)
        if failure.html:
            page = "<html><body><h1>502 Bad Gateway</h1>corporate proxy</body></html>"
            return Reply(failure.status, page, {"content-type": "text/html; charset=utf-8"})
        headers = {"retry-after": failure.retry_after} if failure.retry_after else {}
        return Reply(failure.status, {"error": "injected failure"}, headers)

    def _route(self, request: FakeRequest) -> Reply:
        allowed = False
        for method, pattern, handler in self._routes:
            match = pattern.match(request.path)
            if match is None:
                continue
            allowed = True
            if method == request.method:
                with self.lock:
                    return handler(request, match)
        return Reply(405 if allowed else 404, {"message": "Not Found"})

    @staticmethod
    def _write(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
        headers: Mapping[str, str] = reply.headers
        if reply.body is None:
            payload = b""
        elif isinstance(reply.body, str):
            payload = reply.body.encode()
            headers = {"content-type": "text/plain", **headers}
        else:
            payload = json.dumps(reply.body).encode()
            headers = {"content-type": "application/json", **headers}
        try:
            handler.send_response(reply.status)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("content-length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a hang test); nothing to tell it
