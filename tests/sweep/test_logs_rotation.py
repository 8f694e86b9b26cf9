"""A registered live key printed in an Actions run log is rotated by a worker: the sweep's
rotate_key task says where in which run's log the leak is (never the value), and the worker
downloads that log again from the fake GitHub API, re-scans the step and keeps the value whose
keyed fingerprint is the leak's. There is no mirror to read it from: the repository is clean.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import select

from leakward.sweep import run_local_sweep
from leakward.task_work import perform
from leakward.work_settings import WorkSettings
from registry import NewKey, Owner, Registry, parse_consumer
from registry.models import RotationRow
from tests.fakes.fixtures import fake_gitlab  # noqa: F401 (a fixture, used by name)
from tests.fakes.github_actions import TOKEN, FakeGitHubActions
from tests.fakes.github_webhooks import NoticeInbox
from tests.fakes.gitlab import FakeGitLab
from tests.sources.builders import zip_of
from tests.sweep.fake_org import FakeOrgGitHub
from tests.sweep.fixtures import Origins

SCOPE = "/repos/acme/app/actions/secrets"
STEP = "deploy/3_Push image.txt"


@pytest.fixture
def fake_actions() -> Iterator[FakeGitHubActions]:
    with FakeGitHubActions() as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture
def inbox() -> Iterator[NoticeInbox]:
    with NoticeInbox() as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture
def leaked_in_a_log(
    monkeypatch: pytest.MonkeyPatch,
    fake_gitlab: FakeGitLab,  # noqa: F811
    fake_actions: FakeGitHubActions,
    inbox: NoticeInbox,
    fake_org: FakeOrgGitHub,
    origins: Origins,
    registry: Registry,
) -> tuple[int, str, int]:
    """A live GitLab token, registered with its Actions secret, printed by run 42 of acme/app."""
    for name, value in {
        "GITLAB_URL": fake_gitlab.url,
        "GITLAB_ADMIN_TOKEN": fake_gitlab.admin_token,
        "GITHUB_API_URL": fake_actions.url,
        "GITHUB_TOKEN": TOKEN,
        "LEAKWARD_SLACK_WEBHOOK": inbox.url + "/services/T0/B0/x",
    }.items():
        monkeypatch.setenv(name, value)
    token_id, leaked = fake_gitlab.add_token("ci-deploy")
    entry = registry.add_key(
        NewKey(
            provider="gitlab",
            owner=Owner("owner@example.test"),
            key_id=str(token_id),
            consumers=(parse_consumer("github-actions:acme/app:GITLAB_TOKEN"),),
        ),
        secret=leaked,
    )
    origins.add("app")  # the repository itself holds no secret
    lines = [
        "2026-11-20T10:00:00.0000000Z ##[group]Run ./push.sh",
        "2026-11-20T10:00:00.1000000Z ##[endgroup]",
        f"2026-11-20T10:00:01.0000000Z debug: GITLAB_TOKEN={leaked}",
    ]
    log = "\n".join(lines).encode() + b"\n"
    fake_org.add_run("acme/app", 42, zip_of({STEP: log, "build/1_Set up job.txt": b"ok\n"}))
    return token_id, leaked, entry


def test_a_key_printed_in_a_run_log_is_rotated_by_the_worker(
    settings: WorkSettings,
    registry: Registry,
    leaked_in_a_log: tuple[int, str, int],
    fake_gitlab: FakeGitLab,  # noqa: F811
    fake_actions: FakeGitHubActions,
    fake_org: FakeOrgGitHub,
    inbox: NoticeInbox,
) -> None:
    token_id, leaked, entry = leaked_in_a_log
    report = run_local_sweep("acme", replace(settings, rotate=True), processes=False)
    assert report.failed == []
    [logs] = [t for t in report.tasks if t.kind == "scan_logs"]
    [payload] = logs.summary["rotate"]  # type: ignore[misc]
    assert payload["log"] == {
        "repository": "acme/app",
        "run_id": 42,
        "job": "deploy",
        "step": "Push image",
        "fingerprint": registry.fingerprint(leaked),
    }
    assert leaked not in json.dumps(logs.summary)  # nothing the broker carries holds the value
    [rotated] = [t for t in report.tasks if t.kind == "rotate_key"]
    assert rotated.summary["status"] == "done"

    # The worker fetched run 42's log again: the leaked value was checked live at GitLab.
    fetched = [p for p in fake_org.paths("GET") if "/actions/runs/42" in p]
    assert "GET /repos/acme/app/actions/runs/42" in fetched
    with registry.engine.connect() as connection:
        actions = connection.execute(select(RotationRow.actions)).scalar_one()
    assert "leaked key checked: live" in [a.split(" (")[0] for a in actions]
    assert fake_gitlab.tokens[token_id].revoked
    [live] = fake_gitlab.live_tokens("ci-deploy")
    assert live.value != leaked
    assert fake_actions.opened(SCOPE, "GITLAB_TOKEN") == live.value
    assert registry.get_key(entry).status == "revoked"
    assert len(inbox.received) == 1
    assert leaked not in inbox.received[0].decode()


def test_a_log_place_whose_fingerprint_is_not_the_leaks_gives_no_value(
    settings: WorkSettings,
    registry: Registry,
    leaked_in_a_log: tuple[int, str, int],
) -> None:
    """The value goes to the key's provider: a task naming another fingerprint gets none."""
    from leakward.leaked_value import leaked_log_value
    from leakward.logs_sweep import log_client
    from rules.loader import load_rules

    _, leaked, entry = leaked_in_a_log
    perform("scan_logs", {"repository": "acme/app", "dedupe": "logs-1"}, settings)
    [leak] = registry.list_leaks(issued_key_id=entry)
    ruleset = load_rules().select()
    github = log_client(settings)
    place: dict[str, object] = {
        "repository": "acme/app",
        "run_id": 42,
        "job": "deploy",
        "step": "Push image",
        "fingerprint": leak.fingerprint,
    }
    found = leaked_log_value(registry, ruleset, github, entry, leak.id, place)
    assert found is not None
    assert found.reveal() == leaked
    for wrong in ({"fingerprint": "0" * 64}, {"step": "Set up job"}, {"run_id": 41}):
        assert leaked_log_value(registry, ruleset, github, entry, leak.id, place | wrong) is None
