"""The crash suites' doomed workers, started warm: each is a fresh process forked from a fork
server that has already imported what the workers run, instead of a cold `python -m`.

A cold worker spent most of its short life starting an interpreter and importing sqlalchemy,
alembic, httpx and the rotators before the one rotation it runs and dies in. A worker started
here is still a separate process (its own pid, memory, connections and files) that shares only
the database and the fakes with the test, and it still dies of its own SIGKILL at the crash point
(tests/rotators/crash_points.py). The leaked value reaches it through the fork server's pipe, so
it never shows in a process listing. The fork server is multiprocessing's, one per test process;
it starts at the first worker.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Mapping
from multiprocessing import forkserver
from multiprocessing.process import BaseProcess
from pathlib import Path

from leakward.rotators.providers.registry import PROVIDERS
from tests.rotators.crash_providers import CASES

ROOT = Path(__file__).resolve().parents[2]
# What the workers import, the server imports once and every worker inherits: the workers, the
# rotator module of every provider they rotate (its SDK with it), and httpx's transport (which
# httpx imports only when a client is built), and pytest: multiprocessing runs the parent's main
# script again in each worker, and when pytest runs in one process its script is that.
PRELOAD = [
    "tests.rotators.provider_crash_worker",
    "tests.rotators.crash_worker",
    *sorted({PROVIDERS[case.provider].rotator.partition(":")[0] for case in CASES}),
    "httpcore",
    "certifi",
    "pytest",
]
TIMEOUT = 60.0

_CONTEXT = multiprocessing.get_context("forkserver")


def start(
    main: Callable[..., None], args: tuple[object, ...], env: Mapping[str, str], log: Path
) -> BaseProcess:
    """Start `main(*args)` in a warm worker with environment `env` (whole, as `subprocess` takes
    it) in the repository root; its stdout and stderr go to `log`."""
    # The fork server is one per process, shared with leakward's job budget (queues/budget.py),
    # and preloads what was set last before it started. Set at each start, since a budget sets its
    # own: after one started the server, workers import the rest themselves (slower, same test).
    _CONTEXT.set_forkserver_preload(PRELOAD)
    process = _CONTEXT.Process(target=_enter, args=(main, args, dict(env), str(log)), daemon=True)
    process.start()
    return process


def wait_for_kill(process: BaseProcess, log: Path) -> None:
    """Wait for the worker to end, and fail unless a SIGKILL ended it."""
    process.join(TIMEOUT)
    if process.exitcode is None:
        process.kill()
        process.join()
        raise AssertionError(f"the worker was still running after {TIMEOUT:.0f} s")
    said = log.read_text()[-3000:] if log.exists() else "(nothing: it died before it ran)"
    assert process.exitcode == -signal.SIGKILL, f"exit code {process.exitcode}: {said}"


def run_until_killed(
    main: Callable[..., None], args: tuple[object, ...], env: Mapping[str, str], log: Path
) -> None:
    """Run `main(*args)` in a warm worker and fail unless it killed itself (see `start`)."""
    wait_for_kill(start(main, args, env, log), log)


def stop_server() -> None:
    """Stop this process's fork server, if one runs, so the next user starts its own.

    A fork server's children inherit its environment and preloads as they were when it started,
    not the test process's as they are now. Left running after the crash suites, it served the
    sweep scheduler's workers (leakward/queues/local.py) with the crash tests' environment, and a
    scheduled sweep found nothing to sweep (tests/sweep/test_schedules.py, in the same xdist
    worker). `_stop` is the method multiprocessing keeps for its own tests to do exactly this.
    """
    forkserver._forkserver._stop()


def _enter(
    main: Callable[..., None], args: tuple[object, ...], env: dict[str, str], log: str
) -> None:
    # The fork server kept the descriptors of the test that started it: write to our own log.
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(out)
    os.chdir(ROOT)
    os.environ.clear()
    os.environ.update(env)
    main(*args)
