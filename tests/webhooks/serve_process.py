"""`leakward serve` as a real process, and a gate that holds a push's git fetch, for the restart
tests: a process in its own session (so SIGKILL takes its git children too), started and
waited for on /healthz, and an HTTP proxy in front of the git server that lets requests through
only once it is opened."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serve_process(
    env: Mapping[str, str], db_url: str, mirrors: Path, log_file: Path, *extra: str
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`leakward serve` on a free port; killed with its process group on exit if still up."""
    port = free_port()
    command = [sys.executable, "-m", "leakward", "serve", "--port", str(port), "--db", db_url]
    with open(log_file, "ab") as log:
        server = subprocess.Popen(
            [*command, "--mirrors", str(mirrors), *extra],
            cwd=mirrors.parent,
            env=dict(env),
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60  # only stops a hung test
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, log_file.read_text()[-3000:]
            assert time.monotonic() < deadline, "serve did not answer /healthz"
            time.sleep(0.1)
        yield server, base
    finally:
        kill(server)


def kill(server: subprocess.Popen[bytes]) -> None:
    """SIGKILL `server` and every process of its session (the git it started)."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(30)


class GitGate:
    """A proxy to `upstream` (a git smart-HTTP server) that holds every request until `open`."""

    def __init__(self, upstream: str) -> None:
        self.upstream = urlsplit(upstream)
        self.arrived = threading.Event()
        self.opened = threading.Event()
        gate = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                gate._forward(self)

            def do_POST(self) -> None:
                gate._forward(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def url_of(self, repository: str) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/{repository}.git"

    def open(self) -> None:
        self.opened.set()

    def close(self) -> None:
        self.opened.set()
        self._server.shutdown()
        self._server.server_close()

    def _forward(self, request: BaseHTTPRequestHandler) -> None:
        self.arrived.set()
        self.opened.wait(120)
        length = int(request.headers.get("content-length") or 0)
        body = request.rfile.read(length) if length else None
        skip = {"host", "connection", "content-length"}
        headers = {k: v for k, v in request.headers.items() if k.lower() not in skip}
        upstream = http.client.HTTPConnection(
            self.upstream.hostname or "", self.upstream.port, timeout=60
        )
        try:
            upstream.request(request.command, request.path, body=body, headers=headers)
            answer = upstream.getresponse()
            content = answer.read()
            request.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in {"transfer-encoding", "connection", "content-length"}:
                    request.send_header(name, value)
            request.send_header("Content-Length", str(len(content)))
            request.end_headers()
            request.wfile.write(content)
        except OSError:
            pass  # the git that asked was killed with its serve
        finally:
            upstream.close()
