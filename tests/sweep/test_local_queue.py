"""The embedded pool's worker processes: forked when the process runs no other thread, from a
fork server otherwise, and either way each worker uses a registry connection of its own."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest
from sqlalchemy import select

from leakward.queues.local import LocalQueue, TaskReport
from leakward.queues.work import TaskOutcome
from leakward.registry import Registry
from leakward.registry.models import LeakRow
from leakward.settings.work import WorkSettings
from leakward.sweep.jobs import SWEEP_WORK
from tests.git.repos import pat
from tests.sweep.fixtures import Origins


@pytest.mark.parametrize(("flags", "method"), [((), "fork"), (("--with-thread",), "forkserver")])
def test_pool_workers_scan_with_their_own_registry_connections(
    both_databases: WorkSettings,
    origins: Origins,
    flags: tuple[str, ...],
    method: str,
) -> None:
    names = ["first", "second", "third", "fourth"]
    for index, name in enumerate(names):
        origins.add(name, **{"key.env": f"TOKEN={pat(7900 + index)}\n"})
    settings = both_databases
    repos = [[f"acme/{name}", str(origins.repos[name].path)] for name in names]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.sweep.local_queue_run",
            json.dumps(settings.to_json()),
            json.dumps(repos),
            *flags,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["start_method"] == method
    assert sorted((r["subject"], r["error"], r.get("state")) for r in result["pool"]) == [
        (f"acme/{name}", None, "scanned") for name in sorted(names[1:])
    ]
    assert [r["state"] for r in result["here"]] == ["scanned", "unchanged"]
    assert result["is_clean_child"] is (True if method == "fork" else None)
    with Registry.open(settings.db_url) as registry, registry.engine.connect() as connection:
        seen = list(connection.execute(select(LeakRow.times_seen)).scalars())
    assert seen == [1] * len(names)


@pytest.mark.parametrize(("flags", "method"), [((), "fork"), (("--with-thread",), "forkserver")])
def test_forked_workers_start_with_the_rules_loaded_and_the_matcher_built(
    settings: WorkSettings, flags: tuple[str, ...], method: str
) -> None:
    """Loaded once before the fork, not once per worker; a fork server's workers load them on
    their first task instead."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.sweep.local_queue_run",
            json.dumps(settings.to_json()),
            "[]",
            "--probe",
            *flags,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    ready = method == "fork"
    assert json.loads(done.stdout) == {"start_method": method, "rules": ready, "matcher": ready}


def test_a_task_that_asks_to_be_retried_is_delivered_again_until_it_finishes(
    settings: WorkSettings,
) -> None:
    """A rotate_key that found its rotation busy comes back; join waits for its last delivery."""
    deliveries: list[int] = []

    def perform(kind: str, payload: dict[str, object], _: WorkSettings) -> TaskOutcome:
        deliveries.append(len(deliveries))
        is_busy = len(deliveries) < 3
        return TaskOutcome({"status": "running" if is_busy else "done"}, is_retry=is_busy)

    def soon(attempt: int, limit: float = 30.0) -> float:
        return 0.01 * attempt

    work = replace(SWEEP_WORK, perform=perform, retry_delay=soon)
    with LocalQueue(work, settings, 1, processes=False) as queue:
        queue.enqueue("rotate_key", {"issued_key_id": 7})
        [report] = queue.join(timeout=30)
    assert deliveries == [0, 1, 2]
    assert report == TaskReport("rotate_key", "7", {"status": "done"})


def test_closing_the_queue_drops_waiting_retries(
    settings: WorkSettings,
) -> None:
    deliveries: list[str] = []

    def perform(kind: str, payload: dict[str, object], _: WorkSettings) -> TaskOutcome:
        deliveries.append(kind)
        return TaskOutcome({}, is_retry=True)

    def later(attempt: int, limit: float = 30.0) -> float:
        return 60.0

    queue = LocalQueue(
        replace(SWEEP_WORK, perform=perform, retry_delay=later), settings, 1, processes=False
    )
    queue.enqueue("rotate_key", {"issued_key_id": 7})
    with pytest.raises(TimeoutError):
        queue.join(timeout=0.5)
    queue.close()
    assert deliveries == ["rotate_key"]
