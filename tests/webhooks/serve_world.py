"""What a webhook test pushes a leak into: the rotation world of tests/org_world.py (fake GitLab,
fake Actions secrets, notice inbox), a git server holding the pushed repository, and one test's
registry database, mirrors and serve log.

Stage: tests (webhooks). The serve tests (restart, busy retry, broker) and the in-process push
end to end all register the same GitLab token, push it in a commit over HTTP and ask afterwards
whether it was rotated exactly once; this module is that set-up, written once. The fixtures that
hand it out live in tests/webhooks/conftest.py.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from leakward.cli.serve import SECRET_VARIABLE
from leakward.registry import Registry
from tests.fakes.git_http import GitHttpServer
from tests.fakes.github_webhooks import WebhookSender
from tests.fakes.gitlab import Token
from tests.org_world import LeakedKey, RotationWorld, rotations
from tests.webhooks.serve_process import GitGate, serve_process

REPO = "octo/app"
SCOPE = f"/repos/{REPO}/actions/secrets"  # where the fake Actions API keeps REPO's secrets
SECRET = "serve-world-webhook-secret"  # the webhook secret the tests' serve is started with


def git(work_tree: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(work_tree), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def clone_with_a_first_commit(url: str, work_tree: Path) -> str:
    """Clone `url` into `work_tree` and push a first commit to main; returns that commit."""
    subprocess.run(["git", "clone", "-q", url, str(work_tree)], check=True, capture_output=True)
    git(work_tree, "config", "user.email", "dev@example.test")
    git(work_tree, "config", "user.name", "dev")
    git(work_tree, "checkout", "-q", "-b", "main")
    (work_tree / "README.md").write_text("app\n")
    git(work_tree, "add", "README.md")
    git(work_tree, "commit", "-q", "-m", "start")
    git(work_tree, "push", "-q", "origin", "main")
    return git(work_tree, "rev-parse", "HEAD")


@dataclass(frozen=True, slots=True)
class Push:
    """A commit pushed to REPO on the git server after a first one: where it was made, the URL
    it was pushed to, and the first commit (the push payload's `before`)."""

    work_tree: Path
    clone_url: str
    before: str


def push_file(git_server: GitHttpServer, work_tree: Path, name: str, text: str) -> Push:
    """Create REPO on `git_server`, push a first commit, then a second adding file `name`."""
    git_server.create(REPO)
    clone_url = git_server.url_of(REPO)
    before = clone_with_a_first_commit(clone_url, work_tree)
    (work_tree / name).write_text(text)
    git(work_tree, "add", name)
    git(work_tree, "commit", "-q", "-m", f"add {name}")
    git(work_tree, "push", "-q", "origin", "main")
    return Push(work_tree, clone_url, before)


@dataclass(frozen=True, slots=True)
class ServeWorld:
    """One test's registry database, mirrors and serve log under `directory`, and the rotation
    world a serve there reaches through its environment."""

    world: RotationWorld
    directory: Path

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.directory / 'registry.db'}"

    @property
    def mirrors(self) -> Path:
        return self.directory / "mirrors"

    @property
    def log_file(self) -> Path:
        return self.directory / "serve.log"

    @property
    def environ(self) -> dict[str, str]:
        """What serve reads besides the machine's environment: the webhook secret, and the
        world's provider, secret store and notifier."""
        return {**self.world.environment, SECRET_VARIABLE: SECRET}

    def process_environment(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment of a serve or worker process: this machine's, `environ`, `extra`."""
        return {**os.environ, **self.environ, **(extra or {})}

    def register_key(self) -> LeakedKey:
        """The world's live GitLab token, registered with REPO's Actions secret as consumer."""
        with Registry.open(self.db_url) as registry:
            return self.world.register_key(registry, REPO)

    def push_leak(self, git_server: GitHttpServer, key: LeakedKey) -> Push:
        """Push a commit that writes `key`'s value into deploy.env, from `directory`/work."""
        text = f"GITLAB_TOKEN={key.value}\n"
        return push_file(git_server, self.directory / "work", "deploy.env", text)

    @contextmanager
    def serve(
        self, *options: str, extra_env: Mapping[str, str] | None = None
    ) -> Iterator[tuple[subprocess.Popen[bytes], WebhookSender]]:
        """A real `leakward serve` process on this world, and a sender of signed deliveries to
        it; the process is SIGKILLed on exit if still up (tests/webhooks/serve_process.py)."""
        env = self.process_environment(extra_env)
        with serve_process(env, self.db_url, self.mirrors, self.log_file, *options) as running:
            process, base = running
            yield process, WebhookSender(SECRET.encode(), base + "/webhooks/github")

    def wait_for(self, check: Callable[[], bool], what: str) -> None:
        """Poll `check` until true; on a hang, fail with `what` and the end of serve's log."""
        deadline = time.monotonic() + 90  # only stops a hung test
        while not check():
            assert time.monotonic() < deadline, f"{what}; serve said:\n{self._log_end()}"
            time.sleep(0.2)

    def _log_end(self) -> str:
        return self.log_file.read_text()[-3000:] if self.log_file.exists() else ""

    def assert_rotated_once(self, key: LeakedKey) -> Token:
        """`key` was replaced once (world.assert_replaced) by its one rotation, which is done;
        returns the replacement."""
        replacement = self.world.assert_replaced(key, SCOPE)
        with Registry.open(self.db_url) as registry:
            assert rotations(registry) == [(key.entry, "done")]
        return replacement


def deliver_held_then_leak(sender: WebhookSender, push: Push, gate: GitGate) -> None:
    """Deliver a push whose fetch `gate` holds, then `push` (the leak): both accepted (202)."""
    held = sender.push_payload(
        push.work_tree, "octo/held", gate.url_of("octo/held"), push.before, public=False
    )
    leak = sender.push_payload(push.work_tree, REPO, push.clone_url, push.before, public=False)
    assert sender.deliver("push", held).status == 202
    assert sender.deliver("push", leak).status == 202
