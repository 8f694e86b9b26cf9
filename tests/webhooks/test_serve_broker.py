"""`leakward serve --broker`: webhook jobs go to `leakward worker` processes on the real Redis.

A signed push to the real serve process is stored, sent to the Celery `push` task on this test's
own queue and marked done once sent; a real `leakward worker` scans the pushed repository in its
own mirror, matches the registry and rotates the key. The redelivery is answered duplicate.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

from registry import Registry
from registry import rotations as log
from registry.webhook_deliveries import DeliveryLog
from tests.fakes.git_http import GitHttpServer
from tests.fakes.github_actions import FakeGitHubActions
from tests.fakes.github_webhooks import NoticeInbox, WebhookSender
from tests.fakes.gitlab import FakeGitLab
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
    with open(worker_log, "wb") as output:
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "leakward", "worker", "--broker", REDIS_URL),
                *("--db", db_url, "--mirrors", str(tmp_path / "worker-mirrors")),
                *("--api-url", fake_actions.url, "--api-interval", "0", "--queue", queue),
                *("--pool", "solo", "--loglevel", "INFO"),
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
    serve_log = tmp_path / "serve.log"
    serve_args = ("--broker", REDIS_URL, "--queue", queue)
    try:
        with serve_process(env, db_url, tmp_path / "mirrors", serve_log, *serve_args) as (_, url):
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
    finally:
        kill(worker)

    assert_rotated_once(fake_gitlab, fake_actions, token_id, db_url)
    with Registry.open(db_url) as registry:
        [job] = DeliveryLog(registry.engine).list_jobs()
        assert (job.kind, job.state, job.attempts) == ("push", "done", 1)
    assert "webhook jobs go to" in serve_log.read_text()
    for text in (serve_log.read_text(), worker_log.read_text()):
        assert leaked not in text
