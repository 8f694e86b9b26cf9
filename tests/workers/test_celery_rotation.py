"""Automatic rotation through real Celery workers on the real Redis: sweep → scan_repo → leak →
rotate_key → the provider fake, the Actions secret and the owner's inbox.

The sweep lists the fake org and queues on Redis; `leakward worker` processes scan the mirror,
match the registered GitLab token, hand a `rotate_key` task on, and rotate it through the fake
GitLab (reissue-first: the repository is private). One test lets it run; the other kills the
worker that is delivering the replacement, and the other worker must finish the rotation.
"""

from __future__ import annotations

import json
from dataclasses import replace

from sqlalchemy import select

from leakward.queues.celery_tasks import CeleryQueue, make_app, task_name
from leakward.registry import Registry
from leakward.registry.sweep_state import DoneTaskRow
from leakward.settings.work import WorkSettings
from leakward.sweep.org import sweep_org
from tests.fakes.sendgrid import FakeSendGrid
from tests.org_world import (
    LeakedKey,
    RotationWorld,
    assert_delivered_before_revoked,
    done_keys,
    is_checked_live,
    register_sendgrid_key,
    rotations,
    sendgrid_environment,
)
from tests.sources.builders import zip_of
from tests.sweep.fake_org import FakeOrgGitHub
from tests.sweep.fixtures import Origins
from tests.workers.conftest import Workers, wait_for

SCOPE = "/repos/acme/leaky/actions/secrets"


def _leaked_in_the_repository(
    world: RotationWorld, registry: Registry, origins: Origins
) -> LeakedKey:
    """A live GitLab token, registered with its Actions secret, committed to acme/leaky."""
    key = world.register_key(registry, "acme/leaky")
    origins.add("quiet")
    origins.add("leaky", **{"deploy.env": f"GITLAB_TOKEN={key.value}\n"})
    return key


def _sweep(redis_url: str, queue_name: str, settings: WorkSettings) -> None:
    queue = CeleryQueue(make_app(redis_url, settings, queue=queue_name))
    listing = sweep_org("acme", replace(settings, scan_logs=False), queue, sweep_id="s1")
    assert len(listing.repositories) == 2


def _assert_rotated_once(registry: Registry, key: LeakedKey, world: RotationWorld) -> None:
    assert rotations(registry) == [(key.entry, "done")]
    # The worker read the leaked value back from the mirror and checked it at the provider.
    assert is_checked_live(registry)
    # The leaked token is dead at the provider, and exactly one replacement lives: the one in
    # the repository's Actions secret.
    live = world.assert_replaced(key, SCOPE)
    # One notice for the owner, with neither value in it.
    assert len(world.inbox.received) == 1
    notice = world.inbox.received[0].decode()
    assert "deploy.env" in notice
    assert key.value not in notice
    assert live.value not in notice
    [leak] = registry.list_leaks(issued_key_id=key.entry)
    assert f"rotate_key:{key.entry}:{leak.id}" in done_keys(registry)
    assert registry.get_key(key.entry).status != "active"
    [window] = registry.exposure_windows(issued_key_id=key.entry)
    assert window.revoked_at is not None


def test_a_swept_live_key_is_rotated_by_the_workers(
    redis_url: str,
    queue_name: str,
    settings: WorkSettings,
    origins: Origins,
    registry: Registry,
    workers: Workers,
    rotation_world: RotationWorld,
) -> None:
    key = _leaked_in_the_repository(rotation_world, registry, origins)
    _sweep(redis_url, queue_name, settings)
    workers.start(redis_url, rotation_world.environment, rotate=True)
    workers.start(redis_url, rotation_world.environment, rotate=True)

    finished = [(key.entry, "done")]
    wait_for(lambda: rotations(registry) == finished, "the rotation finishing", workers)
    # Both scans and the one rotation are done; the owner's notice is sent before "done".
    wait_for(lambda: len(done_keys(registry)) == 3, "every task being marked done", workers)
    _assert_rotated_once(registry, key, rotation_world)


def test_a_rotation_of_a_killed_worker_is_finished_by_the_other(
    redis_url: str,
    queue_name: str,
    settings: WorkSettings,
    origins: Origins,
    registry: Registry,
    workers: Workers,
    rotation_world: RotationWorld,
) -> None:
    key = _leaked_in_the_repository(rotation_world, registry, origins)
    fake_actions, environment = rotation_world.actions, rotation_world.environment
    # The first request to the Actions secret stalls: the worker has rotated the token in place
    # at GitLab (the leaked one is dead, the replacement only in its memory) and is delivering.
    fake_actions.fail_next(SCOPE, hang=600)
    _sweep(redis_url, queue_name, settings)
    first = workers.start(redis_url, environment, rotate=True)

    def is_delivering() -> bool:
        return any(path.startswith(f"GET {SCOPE}") for path in fake_actions.paths())

    wait_for(is_delivering, "the first worker delivering the replacement", workers)
    assert rotations(registry) == [(key.entry, "running")]
    workers.start(redis_url, environment, rotate=True)
    workers.kill(first)

    finished = [(key.entry, "done")]
    wait_for(lambda: rotations(registry) == finished, "the other worker", workers)
    wait_for(lambda: len(done_keys(registry)) == 3, "every task being marked done", workers)
    # The first worker's replacement was lost with it; the other rotated that one again, so
    # still exactly one token lives, and it is the one delivered.
    assert len(rotation_world.gitlab.live_tokens("ci-deploy")) == 1
    _assert_rotated_once(registry, key, rotation_world)


def test_a_key_printed_in_a_run_log_is_rotated_by_the_workers(
    redis_url: str,
    queue_name: str,
    settings: WorkSettings,
    origins: Origins,
    fake_org: FakeOrgGitHub,
    registry: Registry,
    workers: Workers,
    rotation_world: RotationWorld,
) -> None:
    """scan_logs on the workers: the rotate_key message says where in the log the leak is (as
    JSON through Redis, without the value), and a worker fetches the log again to rotate."""
    key = rotation_world.register_key(registry, "acme/leaky")
    origins.add("leaky")  # the repository holds nothing: only run 7's log shows the token
    log = f"2026-11-20T10:00:01.0000000Z GITLAB_TOKEN={key.value}\n".encode()
    fake_org.add_run("acme/leaky", 7, zip_of({"deploy/2_Push.txt": log}))
    queue = CeleryQueue(make_app(redis_url, settings, queue=queue_name))
    sweep_org("acme", settings, queue, sweep_id="s1")
    workers.start(redis_url, rotation_world.environment, rotate=True)
    workers.start(redis_url, rotation_world.environment, rotate=True)

    finished = [(key.entry, "done")]
    wait_for(lambda: rotations(registry) == finished, "the rotation finishing", workers)
    # One scan_repo, one scan_logs and the rotation.
    wait_for(lambda: len(done_keys(registry)) == 3, "every task being marked done", workers)
    with registry.engine.connect() as connection:
        summaries = connection.execute(select(DoneTaskRow.summary)).scalars().all()
    assert key.value not in json.dumps(summaries)
    assert is_checked_live(registry)
    rotation_world.assert_replaced(key, SCOPE)
    assert len(rotation_world.inbox.received) == 1


def test_the_worker_public_policy_rotates_a_task_that_carries_none(
    redis_url: str,
    queue_name: str,
    settings: WorkSettings,
    origins: Origins,
    registry: Registry,
    workers: Workers,
    rotation_world: RotationWorld,
    fake_sendgrid: FakeSendGrid,
) -> None:
    """A scan of a public repository queued by a sender that stamps no policy (an older one):
    the worker's own --public-policy decides, here reissue-first instead of revoke-first."""
    key_id, leaked = register_sendgrid_key(registry, fake_sendgrid, "acme/site")
    site = origins.add("site", is_private=False, **{"mail.env": f"SENDGRID_API_KEY={leaked}\n"})
    app = make_app(redis_url, settings, queue=queue_name)
    payload = {
        "repository": "acme/site",
        "clone_url": str(site.path),
        "is_public": True,
        "dedupe": "scan_repo:acme/site:p1",
    }
    app.send_task(task_name("scan_repo"), args=(payload,))  # not CeleryQueue: no policy added
    environment = {**rotation_world.environment, **sendgrid_environment(fake_sendgrid)}
    options = ("--public-policy", "reissue-first")
    workers.start(redis_url, environment, rotate=True, options=options)

    wait_for(lambda: len(done_keys(registry)) == 2, "the scan and its rotation", workers)
    [leak] = registry.list_leaks()
    assert leak.is_public
    assert_delivered_before_revoked(registry)
    assert key_id not in fake_sendgrid.keys
    assert leaked not in workers.logs()
