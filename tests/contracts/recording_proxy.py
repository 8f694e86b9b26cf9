"""A recording reverse proxy: the exchanges of clients that are not httpx, for the contract harness.

Stage: tests (contracts). PyGithub talks through `requests`, which `Traffic`'s event hook cannot
see. Point such a client's base URL at a `RecordingProxy` in front of a fake: each request is
forwarded unchanged (method, the request target exactly as sent, still percent-encoded, headers
but the hop-by-hop ones, body) and kept with the answer the client got as an
`Exchange(httpx.Request, httpx.Response)`, so `assert_conforms(contract, proxy.traffic())`
reads them like any other. Redirects are passed back, not followed (a log download's 302 is
part of the contract). Like any reverse proxy (Apache's `ProxyPassReverse`), it writes its own
address where the fake wrote the fake's, in `Location` and `Link` headers and in text bodies,
so the client's next page and followed links come back through it and are recorded too.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

import httpx

from tests.contracts.openapi_contract import Exchange, Traffic

# Hop-by-hop headers (RFC 9110 section 7.6.1) and the length, which the proxy sets itself.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
    }
)
# Upstream gets a plain identity request: a compressed answer would be decoded by httpx and
# could not be passed back byte for byte.
_NOT_FORWARDED = _HOP_BY_HOP | {"host", "accept-encoding"}
_REWRITTEN_HEADERS = ("location", "link")
_TEXT_TYPES = ("application/json", "text/", "application/vnd.github")


class RecordingProxy:
    """Forwards everything to `upstream` and records each exchange in order."""

    def __init__(self, upstream: str, timeout: float = 30.0) -> None:
        self.upstream = upstream.rstrip("/")
        self._client = httpx.Client(timeout=timeout, follow_redirects=False)
        self._lock = threading.Lock()
        self.exchanges: list[Exchange] = []
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._httpd is not None, "start() first"
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def traffic(self, *, excluding: tuple[str, ...] = ()) -> Traffic:
        """The recorded exchanges as the harness takes them, without those whose path starts
        with one of `excluding` (a download from a storage host is no API operation)."""
        with self._lock:
            kept = [e for e in self.exchanges if not _starts(e.request.url.path, excluding)]
        return Traffic(kept)

    def operations(self) -> list[str]:
        return self.traffic().operations()

    # --- life cycle ---------------------------------------------------------------------
    def start(self) -> RecordingProxy:
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                return  # keep test output quiet

            def _serve(self) -> None:
                outer._relay(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._client.close()

    def __enter__(self) -> RecordingProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- relaying -----------------------------------------------------------------------
    def _relay(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length") or 0)
        body = handler.rfile.read(length) if length else b""
        target = handler.path.encode("latin-1")  # the request target, still encoded
        sent = httpx.Request(
            handler.command,
            httpx.URL(self.url).copy_with(raw_path=target),
            headers=list(handler.headers.items()),
            content=body,
        )
        forwarded = self._client.send(
            httpx.Request(
                handler.command,
                httpx.URL(self.upstream).copy_with(raw_path=target),
                headers=[(k, v) for k, v in sent.headers.items() if k not in _NOT_FORWARDED],
                content=body,
            )
        )
        headers = [
            (name, self._rewrite_text(value) if name in _REWRITTEN_HEADERS else value)
            for name, value in forwarded.headers.multi_items()
            if name not in _HOP_BY_HOP
        ]
        content = forwarded.content
        if forwarded.headers.get("content-type", "").startswith(_TEXT_TYPES):
            content = content.replace(self.upstream.encode(), self.url.encode())
        answer = httpx.Response(
            forwarded.status_code, headers=headers, content=content, request=sent
        )
        with self._lock:
            self.exchanges.append(Exchange(sent, answer))
        handler.send_response(answer.status_code)
        for name, value in headers:
            if name != "content-length":
                handler.send_header(name, value)
        handler.send_header("content-length", str(len(content)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(content)

    def _rewrite_text(self, value: str) -> str:
        return value.replace(self.upstream, self.url)


def _starts(path: str, prefixes: tuple[str, ...]) -> bool:
    return bool(prefixes) and path.startswith(prefixes)
