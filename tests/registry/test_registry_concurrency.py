"""Several processes at once: first-use migration, one row per leak, and no lost update.

Real processes (spawned, not threads), each with its own engine, all released together by a
barrier so they open the fresh database and record the same leak at the same time.
"""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime
from typing import Any

from leakward.registry import LeakLocation, LeakSighting, Registry

SECRET = "sk-proj-SharedLeakAcrossProcesses0000000000wxyz"
WORKERS = 4
ROUNDS = 10


def _record(url: str, pepper: bytes, worker: int, barrier: Any) -> None:
    barrier.wait(timeout=120)
    with Registry.open(url, pepper=pepper) as registry:
        fingerprint = registry.fingerprint(SECRET)
        now = datetime.now(UTC)
        for round_ in range(ROUNDS):
            own = LeakLocation("acme/api", f"w{worker}r{round_}", "settings.py", worker)
            shared = LeakLocation("acme/api", "same-commit", "settings.py", 1)
            registry.record_leaks(
                [
                    LeakSighting(fingerprint, "git", own, now, provider="openai"),
                    LeakSighting(fingerprint, "git", shared, now, provider="openai"),
                ]
            )


def _run_workers(url: str, pepper: bytes) -> None:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WORKERS)
    processes = [
        context.Process(target=_record, args=(url, pepper, worker, barrier))
        for worker in range(WORKERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=180)
    assert [p.exitcode for p in processes] == [0] * WORKERS


def test_concurrent_recorders_make_one_leak_and_lose_no_update(db_url: str, pepper: bytes) -> None:
    _run_workers(db_url, pepper)  # the database is new: the workers also race to migrate it
    with Registry.open(db_url, pepper=pepper) as registry:
        leaks = registry.list_leaks()
        assert len(leaks) == 1
        [leak] = leaks
        assert leak.times_seen == WORKERS * ROUNDS * 2
        assert len(leak.locations) == WORKERS * ROUNDS + 1
        assert len(set(leak.locations)) == len(leak.locations)
