"""A pushed key whose rotation another worker holds is rotated once that worker is gone.

The webhook work used to drop such a key (the pipeline answered "busy"); if the holder then died,
nothing resumed its rotation. Here the holder is a live process on this host named in the
rotation's lease; the push's response finds it busy, the holder is SIGKILLed, and the retry on a
timer takes the dead holder's lease over and finishes the rotation with the value it found.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from leakward.leak_response import Exposure, ResponsePolicy, respond
from registry import NewKey, Owner, Registry, parse_consumer
from registry import rotations as log
from rotators.locks import is_stale
from rules.loader import load_rules
from scanner.models import Chunk, Origin
from scanner.scan import ScanOptions, scan_chunks
from tests.fakes.github_actions import TOKEN, FakeGitHubActions
from tests.fakes.github_webhooks import NoticeInbox
from tests.fakes.gitlab import FakeGitLab
from webhooks.metrics import Metrics

SCOPE = "/repos/octo/app/actions/secrets"


@pytest.fixture
def fake_actions() -> Iterator[FakeGitHubActions]:
    with FakeGitHubActions() as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture
def inbox() -> Iterator[NoticeInbox]:
    with NoticeInbox() as fake:
        yield fake  # type: ignore[misc]


def test_a_busy_rotation_of_a_pushed_key_is_finished_when_its_holder_dies(
    tmp_path: Path,
    fake_gitlab: FakeGitLab,
    fake_actions: FakeGitHubActions,
    inbox: NoticeInbox,
) -> None:
    token_id, leaked = fake_gitlab.add_token("ci-deploy")
    environ = {
        "GITLAB_URL": fake_gitlab.url,
        "GITLAB_ADMIN_TOKEN": fake_gitlab.admin_token,
        "GITHUB_API_URL": fake_actions.url,
        "GITHUB_TOKEN": TOKEN,
        "LEAKWARD_SLACK_WEBHOOK": inbox.url + "/services/T0/B0/x",
    }
    with Registry.open(f"sqlite:///{tmp_path / 'registry.db'}") as registry:
        entry = registry.add_key(
            NewKey(
                provider="gitlab",
                owner=Owner("owner@example.test"),
                key_id=str(token_id),
                consumers=(parse_consumer("github-actions:octo/app:GITLAB_TOKEN"),),
            ),
            secret=leaked,
        )
        holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        try:
            rotation, _ = log.start(registry.engine, entry, policy="reissue-first")
            name = f"{socket.gethostname()}:{holder.pid}:test"
            lease = timedelta(minutes=10)
            assert log.claim(registry.engine, rotation.id, name, lease=lease, is_stale=is_stale)
            chunk = Chunk(f"GITLAB_TOKEN={leaked}\n".encode(), Origin(kind="git", path="a.env"))
            scanned = scan_chunks([chunk], load_rules().select(), ScanOptions(jobs=1))
            exposure = Exposure("git", "octo/app", is_public=False)
            report = respond(
                registry, scanned.findings, exposure, ResponsePolicy(), environ, Metrics()
            )
            assert [r.status for r in report.rotations] == ["busy"]
            assert not fake_gitlab.tokens[token_id].revoked
        finally:
            holder.kill()
            holder.wait()

        deadline = time.monotonic() + 60  # only stops a hung test
        while log.get(registry.engine, rotation.id).status != "done":
            assert time.monotonic() < deadline, log.get(registry.engine, rotation.id)
            time.sleep(0.2)
        actions = log.get(registry.engine, rotation.id).actions
        # The retry still had the found value: it checked the leaked key live before rotating.
        assert "leaked key checked: live" in [a.split(" (")[0] for a in actions]
        assert fake_gitlab.tokens[token_id].revoked
        [live] = fake_gitlab.live_tokens("ci-deploy")
        assert fake_actions.opened(SCOPE, "GITLAB_TOKEN") == live.value
        assert [r.id for r in log.list_rotations(registry.engine)] == [rotation.id]
