"""A rotation delivers its replacement to every real secret store a key's consumers name.

The pipeline and crash suites deliver to a file-backed double; here the stores are the ones
`leakward/response/pipeline_build.py` builds from the environment, each against its real protocol on
127.0.0.1: GitHub Actions secrets at repository, environment and organisation level (the fake
GitHub API, libsodium sealed boxes), AWS Secrets Manager on moto's server (AWSPENDING, then
AWSCURRENT), and Vault KV v2 (the fake Vault, check-and-set). The provider is SendGrid's fake.

Two runs: one rotation in this process (on SQLite and PostgreSQL), and `leakward rotate` killed
by SIGKILL after delivering a replacement to every store, then resumed: the lost replacement is
revoked and a second one written over it, and each store must end up holding the second one,
with no Secrets Manager version left staged as AWSPENDING.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from leakward.core.secret import Secret
from leakward.registry import NewKey, Owner, Registry, parse_consumer
from leakward.registry.rotation_state import RotationStatus
from leakward.response.pipeline_build import build_pipeline
from leakward.rotators.base import Liveness
from leakward.rotators.providers.sendgrid import SendGridRotator
from leakward.rotators.rotation.retry import RetryPolicy
from tests.fakes import github_actions, vault
from tests.fakes.sendgrid import FakeSendGrid
from tests.registry.conftest import _isolated_environment, db_url, postgres_url
from tests.rotators.fakes import FakeNotifier

__all__ = ["_isolated_environment", "db_url", "postgres_url"]

ROOT = Path(__file__).resolve().parents[2]
PEPPER = "pipeline-stores-pepper-0123456789abcdef"
SECRET_ID = "prod/mailer/sendgrid"
REPO_SCOPE = "/repos/octo/app/actions/secrets"
ENV_SCOPE = "/repos/octo/app/environments/prod/secrets"
ORG_SCOPE = "/orgs/octo/actions/secrets"
CONSUMERS = (
    "github-actions:octo/app:SENDGRID_KEY",
    "github-actions-env:octo/app:prod:SENDGRID_KEY",
    "github-actions-org:octo:SENDGRID_KEY",
    f"aws-secretsmanager:{SECRET_ID}",
    "vault:secret/mailer#sendgrid_key",
)


@pytest.fixture
def fake_actions() -> Iterator[github_actions.FakeGitHubActions]:
    server = github_actions.FakeGitHubActions()
    with server:
        yield server


@pytest.fixture
def fake_vault() -> Iterator[vault.FakeVault]:
    server = vault.FakeVault()
    with server:
        yield server


@dataclasses.dataclass
class World:
    sendgrid: FakeSendGrid
    actions: github_actions.FakeGitHubActions
    vault: vault.FakeVault
    moto_url: str
    key_id: str = ""
    leaked: str = ""

    def environment(self) -> dict[str, str]:
        """What `leakward rotate` reads: the provider's admin key and each store's endpoint."""
        return {
            "LEAKWARD_API_SENDGRID": self.sendgrid.url,
            "SENDGRID_API_KEY": self.sendgrid.admin_key,
            "GITHUB_API_URL": self.actions.url,
            "GITHUB_TOKEN": github_actions.TOKEN,
            "AWS_ENDPOINT_URL": self.moto_url,
            "AWS_ACCESS_KEY_ID": "admin-testing",
            "AWS_SECRET_ACCESS_KEY": "admin-testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "VAULT_ADDR": self.vault.url,
            "VAULT_TOKEN": vault.TOKEN,
        }

    def secretsmanager(self) -> Any:
        return boto3.client("secretsmanager", endpoint_url=self.moto_url, region_name="us-east-1")

    def plant(self, db: str) -> int:
        """A leaked SendGrid key, deployed (with its old value) in every store."""
        self.key_id, self.leaked = self.sendgrid.add_key("mailer", ["mail.send"])
        self.secretsmanager().create_secret(Name=SECRET_ID, SecretString=self.leaked)
        self.vault.secrets[("secret", "mailer")] = [{"sendgrid_key": self.leaked, "port": "587"}]
        # The org secret exists, shared with every repository: the rewrite must keep that.
        self.actions.secrets[ORG_SCOPE] = {"SENDGRID_KEY": {"visibility": "all"}}
        with Registry.open(db, pepper=PEPPER.encode()) as registry:
            consumers = tuple(parse_consumer(spec) for spec in CONSUMERS)
            new = NewKey("sendgrid", Owner("owner@example.test"), self.key_id, consumers=consumers)
            return registry.add_key(new, self.leaked)

    def assert_every_store_holds_the_one_replacement(self) -> str:
        # The leaked key is gone at SendGrid; exactly one other key lives, and it works.
        assert self.key_id not in self.sendgrid.keys
        (live,) = [k for k in self.sendgrid.keys.values() if k["value"] != self.sendgrid.admin_key]
        replacement = str(live["value"])
        rotator = SendGridRotator.from_environment(self.environment())
        assert rotator.verify(Secret(replacement)).liveness is Liveness.LIVE
        assert rotator.verify(Secret(self.leaked)).liveness is Liveness.DEAD
        # GitHub: each scope's sealed box opens, with that scope's private key, to the value.
        for scope in (REPO_SCOPE, ENV_SCOPE, ORG_SCOPE):
            assert self.actions.opened(scope, "SENDGRID_KEY") == replacement, scope
        assert self.actions.secrets[ORG_SCOPE]["SENDGRID_KEY"]["visibility"] == "all"
        # Secrets Manager: AWSCURRENT is the replacement, AWSPREVIOUS the leaked value (the
        # rollback point), and no version is left staged (a rotation would look unfinished).
        client = self.secretsmanager()
        current = client.get_secret_value(SecretId=SECRET_ID, VersionStage="AWSCURRENT")
        assert current["SecretString"] == replacement
        previous = client.get_secret_value(SecretId=SECRET_ID, VersionStage="AWSPREVIOUS")
        assert previous["SecretString"] == self.leaked
        stages = client.describe_secret(SecretId=SECRET_ID)["VersionIdsToStages"]
        assert not any("AWSPENDING" in labels for labels in stages.values()), stages
        # Vault: the field holds it in a version written with check-and-set (the fake refuses
        # any other write), and the secret's other field is kept.
        assert self.vault.current("secret", "mailer") == {
            "sendgrid_key": replacement,
            "port": "587",
        }
        return replacement


@pytest.fixture
def world(
    fake_sendgrid: FakeSendGrid,
    fake_actions: github_actions.FakeGitHubActions,
    fake_vault: vault.FakeVault,
    moto_url: str,
) -> World:
    return World(fake_sendgrid, fake_actions, fake_vault, moto_url)


def test_one_rotation_delivers_to_every_store_kind(
    world: World, db_url: str, tmp_path: Path
) -> None:
    entry = world.plant(db_url)
    with Registry.open(db_url, pepper=PEPPER.encode()) as registry:
        built = build_pipeline(registry, entry, world.environment())
        assert set(built.stores) == {parse_consumer(spec).kind for spec in CONSUMERS}
        notifier = FakeNotifier(tmp_path / "notices.json")
        pipeline = dataclasses.replace(
            built,
            notifiers=[notifier],
            retry=RetryPolicy(attempts=4, sleep=lambda _seconds: None),
        )
        rotation = pipeline.rotate(entry, secret=Secret(world.leaked)).rotation
        assert rotation.status is RotationStatus.DONE, rotation.last_error
        assert set(rotation.delivered) >= set(CONSUMERS)
        assert registry.get_key(entry).status == "revoked"
    world.assert_every_store_holds_the_one_replacement()
    assert len(world.vault.secrets[("secret", "mailer")]) == 2  # one new version, no repeats
    (notice,) = notifier.sent()
    assert str(notice["subject"]).endswith(" rotated")


def test_cli_killed_after_delivering_everywhere_then_resumed(world: World, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'registry.db'}"
    world.plant(db)
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("LEAKWARD_")}
    env = {**inherited, **world.environment(), "LEAKWARD_PEPPER": PEPPER}

    def leakward(*args: str, crash_at: str = "") -> subprocess.CompletedProcess[str]:
        # The crashing run is the real command line with a fault hook (tests/rotators/crashing_cli).
        command = ["tests.rotators.crashing_cli", crash_at] if crash_at else ["leakward"]
        return subprocess.run(
            # "--": SendGrid's key ids are base64url, and one may start with "-".
            [sys.executable, "-m", *command, "rotate", "--db", db, *args, "--", world.key_id],
            input=world.leaked + "\n",
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    killed = leakward("--secret-stdin", crash_at="after:delivered")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    # Every store got the first replacement before the kill; Secrets Manager staged it only.
    (lost,) = [k for k in world.sendgrid.keys.values() if str(k["name"]).startswith("leakward-")]
    assert world.vault.current("secret", "mailer")["sendgrid_key"] == lost["value"]
    assert world.actions.opened(REPO_SCOPE, "SENDGRID_KEY") == lost["value"]
    client = world.secretsmanager()
    pending = client.get_secret_value(SecretId=SECRET_ID, VersionStage="AWSPENDING")
    assert pending["SecretString"] == lost["value"]

    resumed = leakward("--resume", "--secret-stdin")
    # Every store is done; no notifier is configured here, so telling the owner is left to a
    # human and the exit code says the rotation is not complete.
    assert resumed.returncode == 1, resumed.stdout + resumed.stderr[-3000:]
    assert "not complete" in resumed.stdout, resumed.stdout
    assert "NOT notified: no notifier" in resumed.stdout, resumed.stdout
    replacement = world.assert_every_store_holds_the_one_replacement()
    assert replacement != lost["value"]
    assert lost["api_key_id"] not in world.sendgrid.keys  # the lost one was revoked
