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
from datetime import datetime

import httpx

from leakward.registry import Registry
from tests.fakes.git_http import GitHttpServer
from tests.fakes.github_webhooks import WebhookSender
from tests.webhooks.live_receiver import running_service
from tests.webhooks.serve_world import REPO, SCOPE, SECRET, ServeWorld, git

ENGINE = os.environ.get("LEAKWARD_E2E_ENGINE", "auto")


def test_a_pushed_live_key_is_rotated_delivered_revoked_and_reported(
    git_server: GitHttpServer, serve_world: ServeWorld
) -> None:
    db_url = serve_world.db_url
    key = serve_world.register_key()
    leaked = key.value
    # The leak lands on top of a first commit, so the push the receiver sees is a range.
    push = serve_world.push_leak(git_server, key)
    environ = serve_world.environ
    with running_service(environ, db_url, serve_world.mirrors, ENGINE) as (service, base_url):
        sender = WebhookSender(SECRET.encode(), base_url + "/webhooks/github")
        payload = sender.push_payload(
            push.work_tree, REPO, push.clone_url, push.before, public=False
        )
        delivery = sender.deliver("push", payload)
        assert delivery.status == 202
        assert service.queue.wait_idle(timeout=60)
        redelivered = sender.redeliver(delivery)
        assert redelivered.status == 200
        assert service.queue.wait_idle(timeout=60)
        metrics = httpx.get(base_url + "/metrics").text

    # The old token is dead at the provider and exactly one replacement lives, and it landed in
    # the repository's Actions secret (sealed; the fake opens it).
    replacement = serve_world.world.assert_replaced(key, SCOPE).value
    # The owner was told, with neither the leaked nor the new value in the notice.
    inbox = serve_world.world.inbox
    assert len(inbox.received) == 1
    notice = inbox.received[0].decode()
    assert "deploy.env" in notice
    assert leaked not in notice
    assert replacement not in notice
    # The registry holds the leak, its rotation and the closed exposure window.
    with Registry.open(db_url) as registry:
        leaks = registry.list_leaks(issued_key_id=key.entry)
        assert len(leaks) == 1
        leak = leaks[0]
        assert not leak.is_public
        assert leak.locations[0].commit == payload["after"]
        commit_time = datetime.fromisoformat(git(push.work_tree, "log", "-1", "--format=%cI"))
        assert leak.leaked_at == commit_time
        windows = registry.exposure_windows(issued_key_id=key.entry)
        assert [w.leak_id for w in windows] == [leak.id]
        assert windows[0].revoked_at is not None
        assert windows[0].duration == windows[0].revoked_at - commit_time
        assert registry.get_key(key.entry).status != "active"
    assert 'leakward_rotations_total{state="done"} 1' in metrics
    assert 'leakward_scans_total{kind="push"} 1' in metrics
    assert "leakward_exposure_window_seconds_count 1" in metrics
    # Nothing of either value reached the metrics.
    assert leaked not in metrics
    assert replacement not in metrics
