"""`leakward serve` killed and started again loses nothing.

The real `leakward serve` process receives a signed push with a registered live GitLab token and
answers 202; its work is held in the git fetch of the pushed repository (a gate in front of the
git server) and the process is SIGKILLed there, its git with it. Started again, serve takes the
stored job over and the key is rotated exactly once, while GitHub's redelivery of that delivery
is still answered `duplicate`. Then: a rotation a killed `leakward rotate` left mid-pipeline is
finished by serve at start, through the same `pipeline.resume` as `leakward rotate --resume`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from registry import NewKey, Owner, Registry, parse_consumer
from registry import rotations as log
from registry.webhook_deliveries import DeliveryLog
from tests.fakes.git_http import GitHttpServer
from tests.fakes.github_actions import TOKEN, FakeGitHubActions
from tests.fakes.github_webhooks import NoticeInbox, WebhookSender
from tests.fakes.gitlab import FakeGitLab
from tests.webhooks.serve_process import ROOT, GitGate, kill, serve_process
from tests.webhooks.test_push_end_to_end import clone_with_a_first_commit, git

SECRET = "restart-webhook-secret"
REPO = "octo/app"
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


def environment(
    fake_gitlab: FakeGitLab, fake_actions: FakeGitHubActions, inbox: NoticeInbox
) -> dict[str, str]:
    return {
        **os.environ,
        "LEAKWARD_GITHUB_WEBHOOK_SECRET": SECRET,
        "GITLAB_URL": fake_gitlab.url,
        "GITLAB_ADMIN_TOKEN": fake_gitlab.admin_token,
        "GITHUB_API_URL": fake_actions.url,
        "GITHUB_TOKEN": TOKEN,
        "LEAKWARD_SLACK_WEBHOOK": inbox.url + "/services/T0/B0/x",
    }


def registered_token(fake_gitlab: FakeGitLab, db_url: str) -> tuple[int, str, int]:
    """A live GitLab token in the registry, deployed to the repository's Actions secret."""
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
    return token_id, leaked, entry


def wait_for(check: Callable[[], bool], what: str, log_file: Path) -> None:
    deadline = time.monotonic() + 90  # only stops a hung test
    while not check():
        assert time.monotonic() < deadline, f"{what}; serve said:\n{log_file.read_text()[-3000:]}"
        time.sleep(0.2)


def assert_rotated_once(
    fake_gitlab: FakeGitLab, fake_actions: FakeGitHubActions, token_id: int, db_url: str
) -> None:
    assert fake_gitlab.tokens[token_id].revoked
    [live] = fake_gitlab.live_tokens("ci-deploy")
    assert fake_actions.opened(SCOPE, "GITLAB_TOKEN") == live.value
    with Registry.open(db_url) as registry:
        [rotation] = log.list_rotations(registry.engine)
        assert rotation.status == "done"


def test_a_push_accepted_by_a_killed_serve_is_rotated_once_after_the_restart(
    tmp_path: Path,
    git_server: GitHttpServer,
    fake_gitlab: FakeGitLab,
    fake_actions: FakeGitHubActions,
    inbox: NoticeInbox,
) -> None:
    db_url = f"sqlite:///{tmp_path / 'registry.db'}"
    token_id, leaked, _ = registered_token(fake_gitlab, db_url)
    git_server.create(REPO)
    work_tree = tmp_path / "work"
    before = clone_with_a_first_commit(git_server.url_of(REPO), work_tree)
    (work_tree / "deploy.env").write_text(f"GITLAB_TOKEN={leaked}\n")
    git(work_tree, "add", "deploy.env")
    git(work_tree, "commit", "-q", "-m", "deploy settings")
    git(work_tree, "push", "-q", "origin", "main")
    gate = GitGate(git_server.url)
    env = environment(fake_gitlab, fake_actions, inbox)
    mirrors, log_file = tmp_path / "mirrors", tmp_path / "serve.log"
    try:
        with serve_process(env, db_url, mirrors, log_file) as (first, base):
            sender = WebhookSender(SECRET.encode(), base + "/webhooks/github")
            payload = sender.push_payload(work_tree, REPO, gate.url_of(REPO), before, public=False)
            delivery = sender.deliver("push", payload)
            assert delivery.status == 202
            assert gate.arrived.wait(60), log_file.read_text()[-3000:]  # the fetch is held
            kill(first)
        assert first.returncode == -signal.SIGKILL
        # Answered 202, then killed mid-work: nothing rotated, the job still stored.
        assert not fake_gitlab.tokens[token_id].revoked
        with Registry.open(db_url) as registry:
            assert log.list_rotations(registry.engine) == []
            [job] = DeliveryLog(registry.engine).list_jobs()
            assert (job.kind, job.state, job.delivery_id) == ("push", "pending", delivery.id)
            assert leaked not in str(job.payload)
        gate.open()

        with serve_process(env, db_url, mirrors, log_file) as (_, base):
            sender.receiver_url = base + "/webhooks/github"

            def job_done() -> bool:
                with Registry.open(db_url) as registry:
                    return DeliveryLog(registry.engine).list_jobs()[0].state == "done"

            wait_for(job_done, "the stored job did not finish after the restart", log_file)
            redelivered = sender.redeliver(delivery)
            assert redelivered.status == 200  # still a duplicate: it is not worked twice
    finally:
        gate.close()

    assert_rotated_once(fake_gitlab, fake_actions, token_id, db_url)
    with Registry.open(db_url) as registry:
        [job] = DeliveryLog(registry.engine).list_jobs()
        assert job.attempts == 2  # the attempt the kill cut short, and the one that finished
    assert len(inbox.received) == 1
    assert leaked not in log_file.read_text()


def test_serve_resumes_at_start_a_rotation_a_killed_process_left_running(
    tmp_path: Path,
    fake_gitlab: FakeGitLab,
    fake_actions: FakeGitHubActions,
    inbox: NoticeInbox,
) -> None:
    db_url = f"sqlite:///{tmp_path / 'registry.db'}"
    token_id, leaked, entry = registered_token(fake_gitlab, db_url)
    env = environment(fake_gitlab, fake_actions, inbox)
    killed = subprocess.run(
        [sys.executable, "-m", "leakward", "rotate", str(entry), "--secret-stdin", "--db", db_url],
        input=leaked + "\n",
        env={**env, "LEAKWARD_TEST_CRASH_AT": "after:issued"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    with Registry.open(db_url) as registry:
        [rotation] = log.list_rotations(registry.engine)
        assert (rotation.status, rotation.step) == ("running", "issued")

    log_file = tmp_path / "serve.log"
    with serve_process(env, db_url, tmp_path / "mirrors", log_file):

        def finished() -> bool:
            with Registry.open(db_url) as registry:
                return log.get(registry.engine, rotation.id).status == "done"

        wait_for(finished, "serve did not resume the rotation", log_file)

    assert_rotated_once(fake_gitlab, fake_actions, token_id, db_url)
    assert len(inbox.received) == 1
    assert f"resumed rotation {rotation.id}" in log_file.read_text()
