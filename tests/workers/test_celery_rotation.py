"""Automatic rotation through real Celery workers on the real Redis: sweep → scan_repo → leak →
rotate_key → the provider fake, the Actions secret and the owner's inbox.

The sweep lists the fake org and queues on Redis; `leakward worker` processes scan the mirror,
match the registered GitLab token, hand a `rotate_key` task on, and rotate it through the fake
GitLab (reissue-first: the repository is private). One test lets it run; the other kills the
worker that is delivering the replacement, and the other worker must finish the rotation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import select

from leakward.sweep import sweep_org
from leakward.tasks import CeleryQueue, make_app
from leakward.work_settings import WorkSettings
from registry import NewKey, Owner, Registry, parse_consumer
from registry.models import RotationRow
from registry.sweep_state import DoneTaskRow
from tests.fakes.fixtures import fake_gitlab  # noqa: F401 (a fixture, used by name)
from tests.fakes.github_actions import TOKEN, FakeGitHubActions
from tests.fakes.github_webhooks import NoticeInbox
from tests.fakes.gitlab import FakeGitLab
from tests.sources.builders import zip_of
from tests.sweep.fake_org import FakeOrgGitHub
from tests.sweep.fixtures import Origins
from tests.workers.conftest import Workers, wait_for

SCOPE = "/repos/acme/leaky/actions/secrets"


@pytest.fixture
def fake_actions() -> Iterator[FakeGitHubActions]:
    with FakeGitHubActions() as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture
def inbox() -> Iterator[NoticeInbox]:
    with NoticeInbox() as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture
def environment(
    fake_gitlab: FakeGitLab,  # noqa: F811 (the fixture imported above)
    fake_actions: FakeGitHubActions,
    inbox: NoticeInbox,
) -> dict[str, str]:
    """What a worker needs to rotate: provider, secret store and notifier, all local fakes."""
    return {
        "GITLAB_URL": fake_gitlab.url,
        "GITLAB_ADMIN_TOKEN": fake_gitlab.admin_token,
        "GITHUB_API_URL": fake_actions.url,
        "GITHUB_TOKEN": TOKEN,
        "LEAKWARD_SLACK_WEBHOOK": inbox.url + "/services/T0/B0/x",
    }


def _register_leaked_token(
    fake_gitlab: FakeGitLab,  # noqa: F811
    registry: Registry,
    origins: Origins,
) -> tuple[int, str, int]:
    """A live GitLab token, registered with its Actions secret, committed to acme/leaky."""
    token_id, leaked = fake_gitlab.add_token("ci-deploy")
    entry = registry.add_key(
        NewKey(
            provider="gitlab",
            owner=Owner("owner@example.test"),
            key_id=str(token_id),
            consumers=(parse_consumer("github-actions:acme/leaky:GITLAB_TOKEN"),),
        ),
        secret=leaked,
    )
    origins.add("quiet")
    origins.add("leaky", **{"deploy.env": f"GITLAB_TOKEN={leaked}\n"})
    return token_id, leaked, entry


def _sweep(redis_url: str, queue_name: str, settings: WorkSettings) -> None:
    queue = CeleryQueue(make_app(redis_url, settings, queue=queue_name))
    listing = sweep_org("acme", replace(settings, scan_logs=False), queue, sweep_id="s1")
    assert len(listing.repositories) == 2


def _rotations(registry: Registry) -> list[tuple[int, str]]:
    with registry.engine.connect() as connection:
        rows = connection.execute(select(RotationRow.issued_key_id, RotationRow.status))
        return [(int(key), str(status)) for key, status in rows]


def _done(registry: Registry) -> set[str]:
    with registry.engine.connect() as connection:
        return set(connection.execute(select(DoneTaskRow.dedupe_key)).scalars())


def _assert_rotated_once(
    registry: Registry,
    entry: int,
    token_id: int,
    leaked: str,
    fake_gitlab: FakeGitLab,  # noqa: F811
    fake_actions: FakeGitHubActions,
    inbox: NoticeInbox,
) -> None:
    assert _rotations(registry) == [(entry, "done")]
    # The worker read the leaked value back from the mirror and checked it at the provider.
    with registry.engine.connect() as connection:
        actions = connection.execute(select(RotationRow.actions)).scalar_one()
    assert "leaked key checked: live" in [a.split(" (")[0] for a in actions]
    # The leaked token is dead at the provider, and exactly one replacement lives.
    assert fake_gitlab.tokens[token_id].revoked
    [live] = fake_gitlab.live_tokens("ci-deploy")
    assert live.value != leaked
    # That replacement is the one in the repository's Actions secret.
    assert fake_actions.opened(SCOPE, "GITLAB_TOKEN") == live.value
    # One notice for the owner, with neither value in it.
    assert len(inbox.received) == 1
    notice = inbox.received[0].decode()
    assert "deploy.env" in notice
    assert leaked not in notice
    assert live.value not in notice
    [leak] = registry.list_leaks(issued_key_id=entry)
    assert f"rotate_key:{entry}:{leak.id}" in _done(registry)
    assert registry.get_key(entry).status != "active"
    [window] = registry.exposure_windows(issued_key_id=entry)
    assert window.revoked_at is not None


def test_a_swept_live_key_is_rotated_by_the_workers(
    redis_url: str,
    queue_name: str,
    settings: WorkSettings,
    origins: Origins,
    registry: Registry,
    workers: Workers,
    environment: dict[str, str],
    fake_gitlab: FakeGitLab,  # noqa: F811
    fake_actions: FakeGitHubActions,
    inbox: NoticeInbox,
) -> None:
    token_id, leaked, entry = _register_leaked_token(fake_gitlab, registry, origins)
    _sweep(redis_url, queue_name, settings)
    workers.start(redis_url, environment, rotate=True)
    workers.start(redis_url, environment, rotate=True)

    wait_for(lambda: _rotations(registry) == [(entry, "done")], "the rotation finishing", workers)
    # Both scans and the one rotation are done; the owner's notice is sent before "done".
    wait_for(lambda: len(_done(registry)) == 3, "every task being marked done", workers)
    _assert_rotated_once(registry, entry, token_id, leaked, fake_gitlab, fake_actions, inbox)


def test_a_rotation_of_a_killed_worker_is_finished_by_the_other(
    redis_url: str,
    queue_name: str,
    settings: WorkSettings,
    origins: Origins,
    registry: Registry,
    workers: Workers,
    environment: dict[str, str],
    fake_gitlab: FakeGitLab,  # noqa: F811
    fake_actions: FakeGitHubActions,
    inbox: NoticeInbox,
) -> None:
    token_id, leaked, entry = _register_leaked_token(fake_gitlab, registry, origins)
    # The first request to the Actions secret stalls: the worker has rotated the token in place
    # at GitLab (the leaked one is dead, the replacement only in its memory) and is delivering.
    fake_actions.fail_next(SCOPE, hang=600)
    _sweep(redis_url, queue_name, settings)
    first = workers.start(redis_url, environment, rotate=True)

    def is_delivering() -> bool:
        return any(path.startswith(f"GET {SCOPE}") for path in fake_actions.paths())

    wait_for(is_delivering, "the first worker delivering the replacement", workers)
    assert _rotations(registry) == [(entry, "running")]
    workers.start(redis_url, environment, rotate=True)
    workers.kill(first)

    wait_for(lambda: _rotations(registry) == [(entry, "done")], "the other worker", workers)
    wait_for(lambda: len(_done(registry)) == 3, "every task being marked done", workers)
    # The first worker's replacement was lost with it; the other rotated that one again, so
    # still exactly one token lives, and it is the one delivered.
    assert len(fake_gitlab.live_tokens("ci-deploy")) == 1
    _assert_rotated_once(registry, entry, token_id, leaked, fake_gitlab, fake_actions, inbox)


def test_a_key_printed_in_a_run_log_is_rotated_by_the_workers(
    redis_url: str,
    queue_name: str,
    settings: WorkSettings,
    origins: Origins,
    fake_org: FakeOrgGitHub,
    registry: Registry,
    workers: Workers,
    environment: dict[str, str],
    fake_gitlab: FakeGitLab,  # noqa: F811
    fake_actions: FakeGitHubActions,
    inbox: NoticeInbox,
) -> None:
    """scan_logs on the workers: the rotate_key message says where in the log the leak is (as
    JSON through Redis, without the value), and a worker fetches the log again to rotate."""
    token_id, leaked = fake_gitlab.add_token("ci-deploy")
    entry = registry.add_key(
        NewKey(
            provider="gitlab",
            owner=Owner("owner@example.test"),
            key_id=str(token_id),
            consumers=(parse_consumer("github-actions:acme/leaky:GITLAB_TOKEN"),),
        ),
        secret=leaked,
    )
    origins.add("leaky")  # the repository holds nothing: only run 7's log shows the token
    log = f"2026-11-20T10:00:01.0000000Z GITLAB_TOKEN={leaked}\n".encode()
    fake_org.add_run("acme/leaky", 7, zip_of({"deploy/2_Push.txt": log}))
    queue = CeleryQueue(make_app(redis_url, settings, queue=queue_name))
    sweep_org("acme", settings, queue, sweep_id="s1")
    workers.start(redis_url, environment, rotate=True)
    workers.start(redis_url, environment, rotate=True)

    wait_for(lambda: _rotations(registry) == [(entry, "done")], "the rotation finishing", workers)
    # One scan_repo, one scan_logs and the rotation.
    wait_for(lambda: len(_done(registry)) == 3, "every task being marked done", workers)
    with registry.engine.connect() as connection:
        summaries = connection.execute(select(DoneTaskRow.summary)).scalars().all()
    assert leaked not in json.dumps(summaries)
    with registry.engine.connect() as connection:
        actions = connection.execute(select(RotationRow.actions)).scalar_one()
    assert "leaked key checked: live" in [a.split(" (")[0] for a in actions]
    assert fake_gitlab.tokens[token_id].revoked
    [live] = fake_gitlab.live_tokens("ci-deploy")
    assert fake_actions.opened(SCOPE, "GITLAB_TOKEN") == live.value
    assert len(inbox.received) == 1
