"""A push whose key's rotation is held by a live worker is rotated once, after a serve restart.

The test process itself is the live holder: it starts the key's rotation and takes its lease
through the registry calls the pipeline uses (`rotations.start`, `rotations.claim`). A signed
push with the key reaches the real `leakward serve`; the rotation is busy, so the push's job
stores a `rotate_key` job (ids only) that serve retries. serve is SIGKILLed and started again:
the stored retry is still there and the new serve keeps trying it. Once the lease is released,
the retry finishes the rotation, exactly once.
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from pathlib import Path

from registry import Registry
from registry import rotations as log
from registry.webhook_deliveries import DeliveryLog, StoredJob
from rotators.locks import is_stale
from tests.fakes.git_http import GitHttpServer
from tests.fakes.github_actions import FakeGitHubActions
from tests.fakes.github_webhooks import NoticeInbox, WebhookSender
from tests.fakes.gitlab import FakeGitLab
from tests.webhooks.serve_process import serve_process
from tests.webhooks.test_push_end_to_end import clone_with_a_first_commit, git
from tests.webhooks.test_serve_restart import (
    REPO,
    SECRET,
    assert_rotated_once,
    environment,
    fake_actions,
    git_server,
    inbox,
    registered_token,
    wait_for,
)

__all__ = ["fake_actions", "git_server", "inbox"]


def rotate_key_job(db_url: str) -> StoredJob | None:
    with Registry.open(db_url) as registry:
        jobs = DeliveryLog(registry.engine).list_jobs()
    return next((job for job in jobs if job.kind == "rotate_key"), None)


def busy_retries(db_url: str) -> int:
    job = rotate_key_job(db_url)
    return job.busy_retries if job is not None else -1


def test_a_stored_busy_rotation_is_retried_across_a_restart_and_finished_once(
    tmp_path: Path,
    git_server: GitHttpServer,
    fake_gitlab: FakeGitLab,
    fake_actions: FakeGitHubActions,
    inbox: NoticeInbox,
) -> None:
    db_url = f"sqlite:///{tmp_path / 'registry.db'}"
    token_id, leaked, entry = registered_token(fake_gitlab, db_url)
    holder = f"{socket.gethostname()}:{os.getpid()}:test"  # this process: alive, so not stale
    with Registry.open(db_url) as registry:
        rotation, _ = log.start(registry.engine, entry, policy="reissue-first")
        lease = timedelta(minutes=10)
        assert log.claim(registry.engine, rotation.id, holder, lease=lease, is_stale=is_stale)
    git_server.create(REPO)
    clone_url = git_server.url_of(REPO)
    work_tree = tmp_path / "work"
    before = clone_with_a_first_commit(clone_url, work_tree)
    (work_tree / "deploy.env").write_text(f"GITLAB_TOKEN={leaked}\n")
    git(work_tree, "add", "deploy.env")
    git(work_tree, "commit", "-q", "-m", "deploy settings")
    git(work_tree, "push", "-q", "origin", "main")
    env = environment(fake_gitlab, fake_actions, inbox)
    mirrors, log_file = tmp_path / "mirrors", tmp_path / "serve.log"

    with serve_process(env, db_url, mirrors, log_file) as (_, base):
        sender = WebhookSender(SECRET.encode(), base + "/webhooks/github")
        payload = sender.push_payload(work_tree, REPO, clone_url, before, public=False)
        assert sender.deliver("push", payload).status == 202
        wait_for(lambda: busy_retries(db_url) >= 1, "no retry stored and tried", log_file)
    # Killed (SIGKILL) while the holder still runs: the retry is stored, nothing rotated.
    job = rotate_key_job(db_url)
    assert job is not None
    assert job.state == "pending"
    assert leaked not in str(job.payload)
    assert not fake_gitlab.tokens[token_id].revoked

    with serve_process(env, db_url, mirrors, log_file):
        tried = busy_retries(db_url)
        wait_for(
            lambda: busy_retries(db_url) > tried, "the restarted serve did not retry", log_file
        )
        with Registry.open(db_url) as registry:
            assert log.get(registry.engine, rotation.id).status == "running"
            log.release(registry.engine, rotation.id, holder)

        def retry_done() -> bool:
            job = rotate_key_job(db_url)
            return job is not None and job.state == "done"

        wait_for(retry_done, "the stored retry did not finish the rotation", log_file)

    assert_rotated_once(fake_gitlab, fake_actions, token_id, db_url)
    with Registry.open(db_url) as registry:
        jobs = DeliveryLog(registry.engine).list_jobs()
        assert [(j.kind, j.state) for j in jobs] == [("push", "done"), ("rotate_key", "done")]
        [done] = log.list_rotations(registry.engine)
        assert done.id == rotation.id
    # The retry read the leaked value again from the mirror, and checked it live before rotating.
    assert "leaked key checked: live" in [action.split(" (")[0] for action in done.actions]
    assert len(inbox.received) == 1
    assert leaked not in log_file.read_text()
