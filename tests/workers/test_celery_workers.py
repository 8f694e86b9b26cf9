"""Celery workers on the real Redis: a worker killed mid-task, and a broker restarted under load.

The effect of a scan task is its leak records and the repository's new tips; "exactly once"
means each leak's `times_seen` is 1 and each task's dedupe key is in `done_tasks` once.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import func, select

from leakward.queues.celery_tasks import CeleryQueue, make_app
from leakward.registry import Registry, sweep_state
from leakward.registry.models import LeakRow
from leakward.registry.sweep_state import DoneTaskRow
from leakward.settings.work import WorkSettings
from tests.git.repos import pat
from tests.org_world import done_keys
from tests.sweep.fixtures import Origins
from tests.workers.conftest import RedisServer, Workers, wait_for
from tests.workers.stalling_worker import STALL_RELEASE


def _queue(broker: str, settings: WorkSettings, queue_name: str) -> CeleryQueue:
    return CeleryQueue(make_app(broker, settings, queue=queue_name))


def _scan_payload(origins: Origins, name: str, sweep: str) -> dict[str, object]:
    return {
        "repository": f"acme/{name}",
        "clone_url": str(origins.repos[name].path),
        "dedupe": f"scan_repo:acme/{name}:{sweep}",
    }


def _times_seen(registry: Registry) -> list[int]:
    with registry.engine.connect() as connection:
        return sorted(connection.execute(select(LeakRow.times_seen)).scalars())


def test_a_task_of_a_killed_worker_is_redone_once_by_the_other(
    redis_url: str,
    queue_name: str,
    settings: WorkSettings,
    origins: Origins,
    registry: Registry,
    workers: Workers,
    tmp_path: Path,
) -> None:
    origins.add("leaky", **{"ci.env": f"TOKEN={pat(7401)}\n"})
    stall = tmp_path / "stalled-pid"
    queue = _queue(redis_url, settings, queue_name)
    queue.enqueue("scan_repo", _scan_payload(origins, "leaky", "s1"))

    first = workers.start(redis_url, stall=stall)
    wait_for(stall.exists, "the first worker taking the task", workers)
    # The task has scanned and stopped just before its commit; the second worker is idle.
    workers.start(redis_url, stall=stall)
    workers.kill(first)
    assert done_keys(registry) == set()

    wait_for(lambda: done_keys(registry) != set(), "the second worker redoing the task", workers)
    assert done_keys(registry) == {"scan_repo:acme/leaky:s1"}
    assert _times_seen(registry) == [1]
    head = origins.repos["leaky"].head()
    assert sweep_state.scanned_tips(registry.engine, "acme/leaky")["refs/heads/main"] == head

    # A late duplicate changes nothing either: one worker, one queue, so once the task queued
    # after the duplicate is done, the duplicate has been handled.
    origins.add("after")
    queue.enqueue("scan_repo", _scan_payload(origins, "leaky", "s1"))
    queue.enqueue("scan_repo", _scan_payload(origins, "after", "s1"))
    wait_for(
        lambda: len(done_keys(registry)) == 2, "the queue draining past the duplicate", workers
    )
    assert _times_seen(registry) == [1]


def test_a_worker_killed_while_restoring_holds_up_no_other_queue(
    own_redis: RedisServer,
    queue_name: str,
    settings: WorkSettings,
    origins: Origins,
    registry: Registry,
    workers: Workers,
    tmp_path: Path,
) -> None:
    """A worker SIGKILLed while it held the lock for putting timed-out messages back leaves
    that lock for five minutes (kombu's default). It was one key for the whole Redis database,
    so under load a kill in one test stopped the redelivery another test waited for. Each queue
    now has its own: the task of this queue's killed worker is redone all the same."""
    with own_redis.client() as broker:
        broker.set("unacked_mutex", "a-worker-killed-mid-restore", ex=300)
        broker.set("other-queue.unacked_mutex", "a-worker-killed-mid-restore", ex=300)
    origins.add("leaky", **{"ci.env": f"TOKEN={pat(7402)}\n"})
    stall = tmp_path / "stalled-pid"
    _queue(own_redis.url, settings, queue_name).enqueue(
        "scan_repo", _scan_payload(origins, "leaky", "s1")
    )
    first = workers.start(own_redis.url, stall=stall)
    wait_for(stall.exists, "the first worker taking the task", workers)
    workers.start(own_redis.url, stall=stall)
    workers.kill(first)
    wait_for(lambda: done_keys(registry) != set(), "the second worker redoing the task", workers)
    assert done_keys(registry) == {"scan_repo:acme/leaky:s1"}
    assert _times_seen(registry) == [1]


def test_redis_restart_under_load_loses_no_task(
    own_redis: RedisServer,
    queue_name: str,
    settings: WorkSettings,
    origins: Origins,
    registry: Registry,
    workers: Workers,
    tmp_path: Path,
) -> None:
    """At the crash a task is running, others wait in the queue, and more are being published;
    every one of them is done exactly once after the broker comes back."""
    names = [f"svc-{index}" for index in range(10)]
    for index, name in enumerate(names):
        origins.add(name, **{"key.env": f"TOKEN={pat(7500 + index)}\n"})
    queue = _queue(own_redis.url, settings, queue_name)
    for name in names[:6]:
        queue.enqueue("scan_repo", _scan_payload(origins, name, "r1"))
    stall = tmp_path / "stalled-pid"
    workers.start(own_redis.url, stall=stall)
    wait_for(stall.exists, "the worker taking a task", workers)
    with own_redis.client() as broker:
        assert broker.llen(queue_name) == 5  # waiting
        assert broker.hlen(f"{queue_name}.unacked") == 1  # running, unacknowledged

    own_redis.crash()

    # Published while the broker is down: the producer retries until it is back.
    def publish_rest() -> None:
        for name in names[6:]:
            queue.enqueue("scan_repo", _scan_payload(origins, name, "r1"))

    late = threading.Thread(target=publish_rest)
    late.start()
    late.join(timeout=1.5)
    assert late.is_alive()  # still retrying its first publish: nothing reached a broker
    assert done_keys(registry) == set()
    own_redis.start()
    late.join(timeout=120)
    assert not late.is_alive()

    workers.start(own_redis.url)
    stall.write_text(STALL_RELEASE)  # the running task goes on to commit, on a new connection
    expected = {f"scan_repo:acme/{name}:r1" for name in names}
    wait_for(lambda: done_keys(registry) == expected, "every task finishing", workers, limit=120)
    assert _times_seen(registry) == [1] * len(names)
    with registry.engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(DoneTaskRow)).scalar_one()
    assert count == len(names)


def test_sweep_with_a_broker_queues_every_repository_for_the_workers(
    redis_url: str,
    queue_name: str,
    settings: WorkSettings,
    origins: Origins,
    registry: Registry,
    workers: Workers,
) -> None:
    import subprocess
    import sys

    for name in ("one", "two", "three"):
        origins.add(name)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "leakward",
            "sweep",
            "--org",
            "acme",
            "--no-logs",
            "--broker",
            redis_url,
            "--queue",
            queue_name,
            "--db",
            str(settings.db_url),
            "--mirrors",
            str(settings.mirror_dir),
            "--api-url",
            settings.api_url,
            "--api-interval",
            "0",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"acme: queued 3 repositories to {redis_url}"
    workers.start(redis_url)
    wait_for(lambda: len(done_keys(registry)) == 3, "the worker scanning the queued sweep", workers)
    assert {key.split(":")[1] for key in done_keys(registry)} == {
        "acme/one",
        "acme/two",
        "acme/three",
    }


def test_broker_passwords_are_masked_in_messages() -> None:
    from leakward.queues.celery_tasks import masked_url

    assert masked_url("redis://:hunter2@cache:6380/1") == "redis://:***@cache:6380/1"
    assert masked_url("redis://app:hunter2@cache/0") == "redis://app:***@cache/0"
    assert masked_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
