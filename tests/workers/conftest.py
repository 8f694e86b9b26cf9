"""Fixtures for the Celery worker suite: the real Redis, a private Redis to restart, workers.

Tests that need Redis at 127.0.0.1:6379 skip with the reason when it is unreachable, unless
LEAKWARD_REQUIRE_SERVICES=1 (as in CI), where they fail. Each test consumes its own queue name,
so pytest-xdist workers and earlier tests never hand each other messages. Workers run as real
`leakward worker` processes in their own process group, so a test can SIGKILL one whole worker.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
import redis

from leakward.settings.work import WorkSettings
from tests.fakes.fixtures import fake_gitlab, fake_sendgrid  # noqa: F401 (fixtures, by name)
from tests.org_world import rotation_world  # noqa: F401 (provider, secret store, inbox)
from tests.services import require_service
from tests.sweep.fixtures import *  # noqa: F403 (the sweep's registry, fake API, origins)

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("LEAKWARD_TEST_REDIS", "redis://127.0.0.1:6379/0")
VISIBILITY_TIMEOUT = 4.0

_redis_problem: list[str] = []


def _redis_unreachable(url: str = REDIS_URL) -> str | None:
    if not _redis_problem:
        try:
            client = redis.Redis.from_url(url, socket_connect_timeout=3)
            client.ping()
            client.close()
            _redis_problem.append("")
        except redis.RedisError as error:
            _redis_problem.append(f"Redis at {url} is unreachable: {error}")
    return _redis_problem[0] or None


def require_redis() -> None:
    require_service(_redis_unreachable())


@pytest.fixture
def redis_url() -> str:
    require_redis()
    return REDIS_URL


@pytest.fixture
def queue_name() -> str:
    return f"leakward-test-{uuid.uuid4().hex[:12]}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """A redis-server of this test's own, with an append-only file so a restart keeps the
    queue (as a production broker must be configured)."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            require_redis()  # the same skip/fail rule as the shared server
            pytest.fail("redis-server is not on PATH; install redis-server to run this test")
        self.binary = str(binary)
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
            finally:
                client.close()
        pytest.fail(f"redis-server on port {self.port} did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None

    def crash(self) -> None:
        """SIGKILL: no shutdown save; only what the append-only file already holds survives."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=20)
        self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_connect_timeout=3)


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        server.stop()


class Workers:
    """`leakward worker` processes started by one test, stopped (or killed) by it."""

    def __init__(self, settings: WorkSettings, queue: str, log_dir: Path) -> None:
        self.settings = settings
        self.queue = queue
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(
        self,
        broker: str,
        env: dict[str, str] | None = None,
        *,
        rotate: bool = False,
        visibility_timeout: float = VISIBILITY_TIMEOUT,
        loglevel: str = "WARNING",
        options: Sequence[str] = (),
        stall: Path | None = None,
    ) -> subprocess.Popen[bytes]:
        """A worker on `broker`; with `rotate`, it also rotates the registry keys it finds;
        `options` are more `leakward worker` options; with `stall`, a repository scan stalls
        before it commits (tests/workers/stalling_worker.py, `stall` is its marker file)."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"worker-{len(self.processes)}.log", "wb")  # noqa: SIM115
        launcher = ["leakward"] if stall is None else ["tests.workers.stalling_worker", str(stall)]
        args = [
            sys.executable, "-m", *launcher, "worker", "--broker", broker,
            "--db", str(self.settings.db_url), "--mirrors", str(self.settings.mirror_dir),
            "--api-url", self.settings.api_url, "--queue", self.queue,
            "--pool", "prefork", "--concurrency", "1",
            "--visibility-timeout", str(visibility_timeout), "--loglevel", loglevel,
            *([] if rotate else ["--no-rotate"]), *options,
        ]  # fmt: skip
        process = subprocess.Popen(
            args,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            cwd=ROOT,  # where `tests` imports from, for the stalling launcher
            start_new_session=True,  # its own process group: SIGKILL takes the pool child too
        )
        log.close()
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("*.log")))


@pytest.fixture
def workers(settings: WorkSettings, queue_name: str, tmp_path: Path) -> Iterator[Workers]:
    started = Workers(settings, queue_name, tmp_path / "worker-logs")
    try:
        yield started
    finally:
        started.stop_all()


def wait_for(condition: Callable[[], bool], what: str, workers: Workers, limit: float = 90) -> None:
    """Poll until `condition` holds; a failure shows the workers' logs. (The limit only stops a
    hung test: no assertion depends on how long anything took.)"""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"{what} did not happen; worker logs:\n{workers.logs()[-4000:]}")
