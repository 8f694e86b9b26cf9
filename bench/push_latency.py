"""Push-to-revoked latency, end to end on local fakes: median over N runs (target under 5 s).

For each run: a fresh bare repository over git's smart HTTP, a registered live GitLab token with
an Actions-secret consumer, `leakward serve`'s service on uvicorn. The clock starts at `git push`
of a commit carrying the token and stops when the fake GitLab reports the token revoked (the
signed push webhook, mirror clone, range scan, registry match, rotation, delivery in between).
Not part of the test suite. Run: .venv/bin/python -m bench.push_latency --runs 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from leakward.registry import Registry
from tests.fakes.git_http import GitHttpServer
from tests.fakes.github_actions import FakeGitHubActions
from tests.fakes.github_webhooks import NoticeInbox, WebhookSender
from tests.fakes.gitlab import FakeGitLab
from tests.org_world import SECRET_NAME, RotationWorld
from tests.webhooks.live_receiver import running_service
from tests.webhooks.serve_world import clone_with_a_first_commit, git

SECRET = "bench-webhook-secret"  # noqa: S105 - a throwaway secret for local fakes
REPO = "octo/app"
TARGET = 5.0


def one_run(root: Path, engine: str) -> float:
    os.environ["LEAKWARD_PEPPER_FILE"] = str(root / "pepper")
    db_url = f"sqlite:///{root / 'registry.db'}"
    with FakeGitLab() as gitlab, FakeGitHubActions() as actions, NoticeInbox() as inbox:
        # The tests' rotation world: a live GitLab token whose consumer is REPO's Actions secret.
        world = RotationWorld(gitlab, actions, inbox)  # type: ignore[arg-type]
        server = GitHttpServer(root / "served").start()
        try:
            return _push_to_revoked(world, server, root, db_url, engine)
        finally:
            server.stop()


def _push_to_revoked(
    world: RotationWorld, server: GitHttpServer, root: Path, db_url: str, engine: str
) -> float:
    with Registry.open(db_url) as registry:
        key = world.register_key(registry, REPO)
    server.create(REPO)
    url = server.url_of(REPO)
    work = root / "work"
    before = clone_with_a_first_commit(url, work)
    (work / "deploy.env").write_text(f"{SECRET_NAME}={key.value}\n")
    git(work, "add", "deploy.env")
    git(work, "commit", "-q", "-m", "deploy settings")
    environ = {"LEAKWARD_GITHUB_WEBHOOK_SECRET": SECRET, **world.environment}
    token = world.gitlab.tokens[key.token_id]
    with running_service(environ, db_url, root / "mirrors", engine) as (service, base):
        sender = WebhookSender(SECRET.encode(), base + "/webhooks/github")
        started = time.perf_counter()
        git(work, "push", "-q", "origin", "main")
        payload = sender.push_payload(work, REPO, url, before, public=False)
        if sender.deliver("push", payload).status != 202:
            raise SystemExit("the receiver did not accept the push delivery")
        while not token.revoked:
            if not service.queue.depth() and not token.revoked:
                raise SystemExit("the push was worked but the token is still live")
            time.sleep(0.005)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--engine", choices=["auto", "hyperscan", "regex"], default="auto")
    args = parser.parse_args()
    times = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as scratch:
            times.append(one_run(Path(scratch), args.engine))
    median = statistics.median(times)
    print(
        f"push-to-revoked over {args.runs} runs: median {median:.2f} s, "
        f"min {min(times):.2f} s, max {max(times):.2f} s; "
        f"target < {TARGET:.0f} s: {'met' if median < TARGET else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
