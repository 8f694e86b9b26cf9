"""`leakward serve --broker`: webhook jobs go to `leakward worker` processes on the real Redis.

A signed push to the real serve process is stored, sent to the Celery `push` task on this test's
own queue and marked done once sent; a real `leakward worker` scans the pushed repository in its
own mirror, matches the registry and rotates the key. The redelivery is answered duplicate.
And serve's --public-policy travels with the job: the worker, started with no policy of its own,
rotates a key leaked in a public repository the way serve's operator said.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

from leakward.errors import UsageError
from leakward.task_work import perform
from leakward.work_settings import WorkSettings
from registry import NewKey, Owner, Registry, parse_consumer
from registry import rotations as log
from registry.webhook_deliveries import DeliveryLog
from tests.fakes.git_http import GitHttpServer
from tests.fakes.github_actions import FakeGitHubActions
from tests.fakes.github_webhooks import NoticeInbox, WebhookSender
from tests.fakes.gitlab import FakeGitLab
from tests.fakes.sendgrid import FakeSendGrid
from tests.webhooks.serve_process import ROOT, kill, serve_process
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
from tests.workers.conftest import REDIS_URL, require_redis

__all__ = ["fake_actions", "git_server", "inbox"]


@contextmanager
def celery_worker(
    env: Mapping[str, str], db_url: str, tmp_path: Path, api_url: str, queue: str, log_file: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """A real `leakward worker` (solo pool, no policy options) on `queue`; killed on exit."""
    with open(log_file, "wb") as output:
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "leakward", "worker", "--broker", REDIS_URL),
                *("--db", db_url, "--mirrors", str(tmp_path / "worker-mirrors")),
                *("--api-url", api_url, "--api-interval", "0", "--queue", queue),
                *("--pool", "solo", "--loglevel", "INFO"),
            ],
            cwd=ROOT,
            env=dict(env),
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
    try:
        yield worker
    finally:
        kill(worker)


def test_a_push_to_serve_with_a_broker_is_scanned_and_rotated_by_a_worker(
    tmp_path: Path,
    git_server: GitHttpServer,
    fake_gitlab: FakeGitLab,
    fake_actions: FakeGitHubActions,
    inbox: NoticeInbox,
) -> None:
    require_redis()
    db_url = f"sqlite:///{tmp_path / 'registry.db'}"
    token_id, leaked, _ = registered_token(fake_gitlab, db_url)
    git_server.create(REPO)
    clone_url = git_server.url_of(REPO)
    work_tree = tmp_path / "work"
    before = clone_with_a_first_commit(clone_url, work_tree)
    (work_tree / "deploy.env").write_text(f"GITLAB_TOKEN={leaked}\n")
    git(work_tree, "add", "deploy.env")
    git(work_tree, "commit", "-q", "-m", "deploy settings")
    git(work_tree, "push", "-q", "origin", "main")
    env = environment(fake_gitlab, fake_actions, inbox)
    queue = f"leakward-test-{uuid.uuid4().hex[:12]}"  # no other test's worker takes these
    worker_log = tmp_path / "worker.log"
    serve_log = tmp_path / "serve.log"
    serve_args = ("--broker", REDIS_URL, "--queue", queue)
    with (
        celery_worker(env, db_url, tmp_path, fake_actions.url, queue, worker_log),
        serve_process(env, db_url, tmp_path / "mirrors", serve_log, *serve_args) as (_, url),
    ):
        sender = WebhookSender(SECRET.encode(), url + "/webhooks/github")
        payload = sender.push_payload(work_tree, REPO, clone_url, before, public=False)
        delivery = sender.deliver("push", payload)
        assert delivery.status == 202

        def rotated() -> bool:
            with Registry.open(db_url) as registry:
                done = log.list_rotations(registry.engine)
                return bool(done) and done[0].status == "done"

        wait_for(rotated, f"no rotation; worker said:\n{worker_log.read_text()}", serve_log)
        assert sender.redeliver(delivery).status == 200
        # serve did not do the work itself: it sent the job, the worker scanned its mirror.
        assert not (tmp_path / "mirrors" / "octo").exists()
        assert (tmp_path / "worker-mirrors" / "octo" / "app.git").is_dir()

    assert_rotated_once(fake_gitlab, fake_actions, token_id, db_url)
    with Registry.open(db_url) as registry:
        [job] = DeliveryLog(registry.engine).list_jobs()
        assert (job.kind, job.state, job.attempts) == ("push", "done", 1)
    assert "webhook jobs go to" in serve_log.read_text()
    for text in (serve_log.read_text(), worker_log.read_text()):
        assert leaked not in text


def test_serve_public_policy_reaches_the_worker_that_rotates_a_public_leak(
    tmp_path: Path,
    git_server: GitHttpServer,
    fake_gitlab: FakeGitLab,
    fake_sendgrid: FakeSendGrid,
    fake_actions: FakeGitHubActions,
    inbox: NoticeInbox,
) -> None:
    require_redis()
    db_url = f"sqlite:///{tmp_path / 'registry.db'}"
    # SendGrid, not GitLab: GitLab rotates in place, so its steps come in one order whatever
    # the policy; a SendGrid key is issued, delivered and revoked as separate steps.
    key_id, leaked = fake_sendgrid.add_key("mailer", ["mail.send"])
    with Registry.open(db_url) as registry:
        consumer = parse_consumer(f"github-actions:{REPO}:SENDGRID_KEY")
        new = NewKey("sendgrid", Owner("owner@example.test"), key_id, consumers=(consumer,))
        registry.add_key(new, secret=leaked)
    git_server.create(REPO)
    clone_url = git_server.url_of(REPO)
    work_tree = tmp_path / "work"
    before = clone_with_a_first_commit(clone_url, work_tree)
    (work_tree / "mail.env").write_text(f"SENDGRID_API_KEY={leaked}\n")
    git(work_tree, "add", "mail.env")
    git(work_tree, "commit", "-q", "-m", "mail settings")
    git(work_tree, "push", "-q", "origin", "main")
    env = {
        **environment(fake_gitlab, fake_actions, inbox),
        "SENDGRID_BASE_URL": fake_sendgrid.url,
        "SENDGRID_API_KEY": fake_sendgrid.admin_key,
    }
    queue = f"leakward-test-{uuid.uuid4().hex[:12]}"
    worker_log, serve_log = tmp_path / "worker.log", tmp_path / "serve.log"
    serve_args = ("--broker", REDIS_URL, "--queue", queue, "--public-policy", "reissue-first")
    with (
        celery_worker(env, db_url, tmp_path, fake_actions.url, queue, worker_log),
        serve_process(env, db_url, tmp_path / "mirrors", serve_log, *serve_args) as (_, url),
    ):
        sender = WebhookSender(SECRET.encode(), url + "/webhooks/github")
        payload = sender.push_payload(work_tree, REPO, clone_url, before, public=True)
        assert sender.deliver("push", payload).status == 202

        def finished() -> bool:
            with Registry.open(db_url) as registry:
                done = log.list_rotations(registry.engine)
                return bool(done) and done[0].is_finished

        wait_for(finished, f"no rotation; worker said:\n{worker_log.read_text()}", serve_log)

    with Registry.open(db_url) as registry:
        [rotation] = log.list_rotations(registry.engine)
        [leak] = registry.list_leaks()
    assert leak.is_public
    assert rotation.status == "done", rotation.last_error
    # Public, yet reissue-first as serve was told: the replacement was delivered before the
    # leaked key was revoked (the worker's own default would have revoked first).
    assert rotation.policy == "reissue-first"
    times = rotation.step_times
    assert times["issued"] < times["delivered"] < times["old_revoked"]
    assert "contained" not in times
    assert key_id not in fake_sendgrid.keys
    [live] = [k for k in fake_sendgrid.keys.values() if k["value"] != fake_sendgrid.admin_key]
    assert fake_actions.opened(f"/repos/{REPO}/actions/secrets", "SENDGRID_KEY") == live["value"]
    for text in (serve_log.read_text(), worker_log.read_text()):
        assert leaked not in text


def test_a_task_with_an_unknown_policy_is_refused_before_any_work() -> None:
    payload: dict[str, object] = {"issued_key_id": 1, "leak_id": 1, "policy": "revoke-never"}
    with pytest.raises(UsageError, match="unknown rotation policy"):
        perform("rotate_key", payload, WorkSettings())


def test_scheduled_sweep_settings_keep_both_policies() -> None:
    settings = WorkSettings(policy="revoke-first", public_policy="reissue-first")
    again = WorkSettings.from_json(settings.to_json())
    assert (again.policy_for(True), again.policy_for(False)) == ("reissue-first", "revoke-first")
