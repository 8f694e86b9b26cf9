"""`leakward rotate KEY` killed mid-rotation, then `leakward rotate KEY --resume`, as processes.

The provider crash matrix (tests/rotators/test_provider_crash_matrix.py) resumes through
`pipeline.resume` with file-backed doubles; this drives the command line end to end instead:
the pipeline is the one `leakward/response/pipeline_build.py` builds from the environment, so the
rotator is SendGrid's `from_environment` against its fake, the consumer is a Vault KV field in
the fake Vault (check-and-set writes), and the notifier is the signed JSON webhook posting to a
local receiver. The first process dies by SIGKILL at a step boundary (the same command line run
through tests/rotators/crashing_cli.py, which gives its pipeline a fault hook); a second process
resumes. Afterwards, in the fakes' own state: the
leaked key is gone, exactly one other key lives and Vault holds it, and exactly one notice arrived.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from leakward.core.secret import Secret
from leakward.registry import NewKey, Owner, Registry, parse_consumer
from leakward.rotators.base import Liveness
from leakward.rotators.providers.sendgrid import SendGridRotator
from leakward.webhooks.notify.webhook import verify_signature
from tests.fakes.sendgrid import FakeSendGrid
from tests.fakes.server import FakeServer, Reply
from tests.fakes.vault import TOKEN, FakeVault

ROOT = Path(__file__).resolve().parents[2]
PEPPER = "cli-crash-pepper-0123456789abcdef"
HOOK_SECRET = "cli-crash-webhook-secret"
CONSUMER = "vault:secret/mailer#sendgrid_key"


class Receiver(FakeServer):
    """The owner's webhook endpoint: records each delivery."""

    def __init__(self) -> None:
        super().__init__()
        self.route("POST", r"/hook", lambda request, match: Reply(200, "ok"))

    def deliveries(self) -> list[dict[str, object]]:
        with self.lock:
            posted = [r for r in self.requests if r.method == "POST"]
        for request in posted:
            stamp = request.headers["x-leakward-timestamp"]
            signed = request.headers["x-leakward-signature"]
            assert verify_signature(HOOK_SECRET.encode(), request.body, stamp, signed)
        return [json.loads(r.body) for r in posted]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    with server:
        yield server


@pytest.fixture
def fake_vault() -> Iterator[FakeVault]:
    server = FakeVault()
    with server:
        yield server


def environment(sendgrid: FakeSendGrid, vault: FakeVault, receiver: Receiver) -> dict[str, str]:
    """What an operator would export: provider admin key, Vault, webhook; nothing else leaks in."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("LEAKWARD_", "VAULT_"))}
    return {
        **inherited,
        "LEAKWARD_PEPPER": PEPPER,
        "LEAKWARD_API_SENDGRID": sendgrid.url,
        "SENDGRID_API_KEY": sendgrid.admin_key,
        "VAULT_ADDR": vault.url,
        "VAULT_TOKEN": TOKEN,
        "LEAKWARD_WEBHOOK_URL": f"{receiver.url}/hook",
        "LEAKWARD_WEBHOOK_SECRET": HOOK_SECRET,
    }


def leakward(
    args: list[str], env: dict[str, str], stdin: str = "", crash_at: str = ""
) -> subprocess.CompletedProcess[str]:
    command = ["tests.rotators.crashing_cli", crash_at] if crash_at else ["leakward"]
    return subprocess.run(
        [sys.executable, "-m", *command, *args],
        input=stdin,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# Two boundaries (each case costs two interpreter start-ups, ~5 s): a replacement issued but
# lost with the process before it reached Vault (the resume revokes it as an orphan and issues
# another; tests/rotators/test_pipeline_stores.py kills after delivery, with every store kind),
# and the leaked key revoked but not yet confirmed dead. The second resume is not handed the
# leaked value: the old key is then confirmed dead from SendGrid's key listing. Every boundary
# is covered by the provider crash matrix.
CASES = [
    pytest.param("after:issued", True, id="after-issued"),
    pytest.param("before:old_dead", False, id="before-old-dead-no-secret"),
]


@pytest.mark.parametrize(("crash_at", "resume_with_secret"), CASES)
def test_cli_rotation_killed_then_resumed_leaves_one_live_replacement_in_vault(
    tmp_path: Path,
    fake_sendgrid: FakeSendGrid,
    fake_vault: FakeVault,
    receiver: Receiver,
    crash_at: str,
    resume_with_secret: bool,
) -> None:
    key_id, leaked = fake_sendgrid.add_key("newsletter", ["mail.send"])
    fake_vault.secrets[("secret", "mailer")] = [{"sendgrid_key": leaked, "from": "news@x.test"}]
    db = f"sqlite:///{tmp_path / 'registry.db'}"
    with Registry.open(db, pepper=PEPPER.encode()) as registry:
        new = NewKey(
            "sendgrid",
            Owner("owner@example.test"),
            key_id=key_id,
            consumers=(parse_consumer(CONSUMER),),
        )
        registry.add_key(new, leaked)
    env = environment(fake_sendgrid, fake_vault, receiver)

    killed = leakward(
        # "--": SendGrid's key ids are base64url, and one may start with "-".
        ["rotate", "--secret-stdin", "--db", db, "--", key_id],
        env,
        stdin=leaked + "\n",
        crash_at=crash_at,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    assert receiver.deliveries() == []  # killed before the owner was told

    resume = ["rotate", "--resume", "--db", db]
    resumed = leakward(
        [*resume, *(["--secret-stdin"] if resume_with_secret else []), "--", key_id],
        env,
        stdin=leaked + "\n" if resume_with_secret else "",
    )
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr[-3000:]
    assert ": done, last step notified" in resumed.stdout, resumed.stdout

    # The leaked key is gone at SendGrid and answers 401.
    assert key_id not in fake_sendgrid.keys
    rotator = SendGridRotator.from_environment(env)
    assert rotator.verify(Secret(leaked)).liveness is Liveness.DEAD
    # Exactly one other key lives (besides the managing one), with the leaked key's scopes ...
    (live,) = [k for k in fake_sendgrid.keys.values() if k["value"] != fake_sendgrid.admin_key]
    assert live["scopes"] == ["mail.send"]
    # ... and the consumer holds it; the field next to it survived the check-and-set writes.
    assert fake_vault.current("secret", "mailer") == {
        "sendgrid_key": live["value"],
        "from": "news@x.test",
    }
    assert rotator.verify(Secret(str(live["value"]))).liveness is Liveness.LIVE
    # Exactly one notice, the "rotated" one, and no value in it.
    (notice,) = receiver.deliveries()
    assert str(notice["subject"]).endswith(" rotated"), notice
    assert notice["recipient"] == "owner@example.test"
    assert leaked not in json.dumps(notice)
    assert str(live["value"]) not in json.dumps(notice)
    with Registry.open(db, pepper=PEPPER.encode()) as registry:
        assert registry.get_key(1).status == "revoked"
