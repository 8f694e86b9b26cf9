"""Pushes merged into one job are scanned as one range that holds every pushed commit: a leak
in the first of two pushes that waited behind a slow job is found and rotated once (real git
over HTTP, the service on a real uvicorn, one job worker)."""

from __future__ import annotations

from leakward.registry import Registry
from leakward.registry.webhook_deliveries import DeliveryLog
from tests.fakes.git_http import GitHttpServer
from tests.fakes.github_webhooks import WebhookSender
from tests.webhooks.live_receiver import running_service
from tests.webhooks.serve_process import GitGate
from tests.webhooks.serve_world import REPO, SECRET, ServeWorld, git


def test_a_leak_in_a_merged_push_is_found_and_rotated_once(
    git_server: GitHttpServer, serve_world: ServeWorld
) -> None:
    key = serve_world.register_key()
    leak = serve_world.push_leak(git_server, key)  # main: start -> leak
    leaked_commit = git(leak.work_tree, "rev-parse", "HEAD")
    git_server.create("octo/held")
    # The held repository has the first commit only: nothing leaked there.
    git(
        leak.work_tree,
        "push",
        "-q",
        git_server.url_of("octo/held"),
        f"{leak.before}:refs/heads/main",
    )
    gate = GitGate(git_server.url)
    try:
        with running_service(
            serve_world.environ, serve_world.db_url, serve_world.mirrors, job_workers=1
        ) as (service, base):
            sender = WebhookSender(SECRET.encode(), base + "/webhooks/github")
            work_tree, before = leak.work_tree, leak.before
            held = sender.push_payload(
                work_tree, "octo/held", gate.url_of("octo/held"), "0" * 40, public=False
            )
            held |= {"after": before, "head_commit": None}
            assert sender.deliver("push", held).status == 202
            assert gate.arrived.wait(60)  # the one worker is busy with it
            first = sender.push_payload(work_tree, REPO, leak.clone_url, before, public=False)
            (work_tree / "NOTES.md").write_text("notes\n")
            git(work_tree, "add", "NOTES.md")
            git(work_tree, "commit", "-q", "-m", "notes")
            git(work_tree, "push", "-q", "origin", "main")
            second = sender.push_payload(
                work_tree, REPO, leak.clone_url, leaked_commit, public=False
            )
            assert [sender.deliver("push", p).status for p in (first, second)] == [202, 202]
            gate.open()
            assert service.queue.wait_idle(timeout=90), "a job is still pending"
    finally:
        gate.close()
    serve_world.assert_rotated_once(key)
    with Registry.open(serve_world.db_url) as registry:
        jobs = DeliveryLog(registry.engine).list_jobs()
        [leak_row] = registry.list_leaks(issued_key_id=key.entry)
    assert {job.state for job in jobs} == {"done"}
    merged = [job for job in jobs if job.payload["repository"] == REPO]
    # One job, merged: the second push joined the first's while it waited.
    assert [(j.payload["before"], j.payload["after"], j.merges, j.state) for j in merged] == [
        (before, second["after"], 1, "done")
    ]
    # Found in the first push's commit, though the job ended at the second push's tip.
    assert [(loc.repository, loc.commit) for loc in leak_row.locations] == [(REPO, leaked_commit)]
