"""Leak to revoked, end to end, on local parts only.

A bare repository served over git's smart HTTP, a fake GitHub (Actions secrets), the fake GitLab
as the provider, a notice inbox as the owner's Slack, and `leakward serve`'s service on uvicorn.
A commit with a registered live GitLab token is pushed over HTTP and GitHub's signed `push`
webhook delivered; the receiver queues it and the worker scans exactly the pushed range, matches
the registry, rotates reissue-first (the repository is private), delivers the replacement to the
Actions secret, confirms the old token dead and tells the owner; the exposure window is recorded.
Private, because GitLab's only way to mint a replacement is `…/rotate` on the still-active token
(which revokes it in the same call), so revoke-first cannot reissue for GitLab at all.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from registry import NewKey, Owner, Registry, parse_consumer
from tests.fakes.git_http import GitHttpServer
from tests.fakes.github_actions import TOKEN, FakeGitHubActions
from tests.fakes.github_webhooks import NoticeInbox, WebhookSender
from tests.fakes.gitlab import FakeGitLab
from tests.webhooks.live_receiver import running_service

SECRET = "e2e-webhook-secret"
REPO = "octo/app"
ENGINE = os.environ.get("LEAKWARD_E2E_ENGINE", "auto")
SCOPE = f"/repos/{REPO}/actions/secrets"


@pytest.fixture
def git_server(tmp_path: Path) -> Iterator[GitHttpServer]:
    server = GitHttpServer(tmp_path / "served").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_actions() -> Iterator[FakeGitHubActions]:
    with FakeGitHubActions() as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture
def inbox() -> Iterator[NoticeInbox]:
    with NoticeInbox() as fake:
        yield fake  # type: ignore[misc]


def git(work_tree: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(work_tree), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def clone_with_a_first_commit(url: str, work_tree: Path) -> str:
    subprocess.run(["git", "clone", "-q", url, str(work_tree)], check=True, capture_output=True)
    git(work_tree, "config", "user.email", "dev@example.test")
    git(work_tree, "config", "user.name", "dev")
    git(work_tree, "checkout", "-q", "-b", "main")
    (work_tree / "README.md").write_text("app\n")
    git(work_tree, "add", "README.md")
    git(work_tree, "commit", "-q", "-m", "start")
    git(work_tree, "push", "-q", "origin", "main")
    return git(work_tree, "rev-parse", "HEAD")


def test_a_pushed_live_key_is_rotated_delivered_revoked_and_reported(
    tmp_path: Path,
    git_server: GitHttpServer,
    fake_gitlab: FakeGitLab,
    fake_actions: FakeGitHubActions,
    inbox: NoticeInbox,
) -> None:
    db_url = f"sqlite:///{tmp_path / 'registry.db'}"
    token_id, leaked = fake_gitlab.add_token("ci-deploy")
    with Registry.open(db_url) as registry:
        entry = registry.add_key(
            NewKey(
                provider="gitlab",
                owner=Owner("owner@example.test"),
                key_id=str(token_id),
                consumers=(parse_consumer(f"github-actions:{REPO}:GITLAB_TOKEN"),),
            ),
            secret=leaked,
        )
    git_server.create(REPO)
    clone_url = git_server.url_of(REPO)
    work_tree = tmp_path / "work"
    before = clone_with_a_first_commit(clone_url, work_tree)
    # A first push the receiver sees, so the mirror exists and the leak push is incremental.
    (work_tree / "deploy.env").write_text(f"GITLAB_TOKEN={leaked}\n")
    git(work_tree, "add", "deploy.env")
    git(work_tree, "commit", "-q", "-m", "deploy settings")
    git(work_tree, "push", "-q", "origin", "main")
    environ = {
        "LEAKWARD_GITHUB_WEBHOOK_SECRET": SECRET,
        "GITLAB_URL": fake_gitlab.url,
        "GITLAB_ADMIN_TOKEN": fake_gitlab.admin_token,
        "GITHUB_API_URL": fake_actions.url,
        "GITHUB_TOKEN": TOKEN,
        "LEAKWARD_SLACK_WEBHOOK": inbox.url + "/services/T0/B0/x",
    }
    with running_service(environ, db_url, tmp_path / "mirrors", ENGINE) as (service, base_url):
        sender = WebhookSender(SECRET.encode(), base_url + "/webhooks/github")
        payload = sender.push_payload(work_tree, REPO, clone_url, before, public=False)
        delivery = sender.deliver("push", payload)
        assert delivery.status == 202
        assert service.queue.wait_idle(timeout=60)
        redelivered = sender.redeliver(delivery)
        assert redelivered.status == 200
        assert service.queue.wait_idle(timeout=60)
        metrics = httpx.get(base_url + "/metrics").text

    # The old token is dead at the provider and exactly one replacement lives.
    assert fake_gitlab.tokens[token_id].revoked
    live = fake_gitlab.live_tokens("ci-deploy")
    assert len(live) == 1
    replacement = live[0].value
    assert replacement != leaked
    # The replacement landed in the repository's Actions secret (sealed; the fake opens it).
    assert fake_actions.opened(SCOPE, "GITLAB_TOKEN") == replacement
    # The owner was told, with neither the leaked nor the new value in the notice.
    assert len(inbox.received) == 1
    notice = inbox.received[0].decode()
    assert "deploy.env" in notice
    assert leaked not in notice
    assert replacement not in notice
    # The registry holds the leak, its rotation and the closed exposure window.
    with Registry.open(db_url) as registry:
        leaks = registry.list_leaks(issued_key_id=entry)
        assert len(leaks) == 1
        leak = leaks[0]
        assert not leak.is_public
        assert leak.locations[0].commit == payload["after"]
        commit_time = datetime.fromisoformat(git(work_tree, "log", "-1", "--format=%cI"))
        assert leak.leaked_at == commit_time
        windows = registry.exposure_windows(issued_key_id=entry)
        assert [w.leak_id for w in windows] == [leak.id]
        assert windows[0].revoked_at is not None
        assert windows[0].duration == windows[0].revoked_at - commit_time
        assert registry.get_key(entry).status != "active"
    assert 'leakward_rotations_total{state="done"} 1' in metrics
    assert 'leakward_scans_total{kind="push"} 1' in metrics
    assert "leakward_exposure_window_seconds_count 1" in metrics
    # Nothing of either value reached the metrics.
    assert leaked not in metrics
    assert replacement not in metrics
