"""`leakward rotate` through click: plan, run, approval and resume against a real registry."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest
from click.testing import CliRunner

from leakward.cli.main import cli
from leakward.core.errors import UsageError
from leakward.registry import NewKey, Owner, Registry, parse_consumer
from leakward.registry import rotations as log
from leakward.registry.operator_actions import list_actions
from leakward.registry.rotations import Rotation
from tests.registry.conftest import _isolated_environment

__all__ = ["_isolated_environment"]


def registry_rotation(registry: Registry) -> Rotation:
    (rotation,) = log.list_rotations(registry.engine)
    return rotation


def registry_with_key(
    tmp_path: Path, key_id: str = "nsp-1", provider: str = "nosuchprovider", *consumers: str
) -> str:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    with Registry.open(url) as registry:
        registry.add_key(
            NewKey(
                provider=provider,
                owner=Owner("owner@example.test"),
                key_id=key_id,
                consumers=tuple(
                    parse_consumer(c) for c in consumers or ("manual:the billing cron on host x",)
                ),
            )
        )
    return url


def test_plan_lists_steps_and_a_run_hands_unknown_providers_to_the_owner(tmp_path: Path) -> None:
    url = registry_with_key(tmp_path)
    runner = CliRunner()
    planned = runner.invoke(cli, ["rotate", "nsp-1", "--plan", "--db", url])
    assert planned.exit_code == 0, planned.output
    assert "manual old_revoked" in planned.output
    assert "auto   verified" in planned.output
    done = runner.invoke(cli, ["rotate", "nsp-1", "--db", url], env={"LEAKWARD_DB": url})
    assert "left to the owner" in done.output


def test_nothing_done_and_nobody_told_is_reported_as_such_and_exits_nonzero(
    tmp_path: Path,
) -> None:
    url = registry_with_key(tmp_path)
    done = CliRunner().invoke(cli, ["rotate", "nsp-1", "--db", url])
    assert done.exit_code == 1, done.output
    assert "not complete" in done.output
    assert "NOT notified" in done.output
    assert " notified by" not in done.output
    assert "a human must still:" in done.output
    with Registry.open(url) as registry:
        rotation = registry_rotation(registry)
        assert rotation.manual_steps is not None
        assert "no notifier is configured" in rotation.manual_steps
        assert registry.get_key(1).status == "active"


def test_approval_then_approve(tmp_path: Path) -> None:
    url = registry_with_key(tmp_path)
    runner = CliRunner()
    waiting = runner.invoke(cli, ["rotate", "1", "--require-approval", "--db", url])
    assert waiting.exit_code == 0, waiting.output
    assert "pending-approval" in waiting.output
    assert "--approve" in waiting.output
    approved = runner.invoke(cli, ["rotate", "1", "--approve", "--db", url])
    assert approved.exit_code == 1, approved.output  # nothing could be done automatically
    assert "not complete" in approved.output
    missing = runner.invoke(cli, ["rotate", "1", "--resume", "--db", url])
    assert missing.exit_code != 0
    # A person's word is recorded as it is from `leakward rotations approve` or the dashboard.
    with Registry.open(url) as registry:
        [action] = list_actions(registry.engine)
        rotation = registry_rotation(registry)
    assert (action.channel, action.action, action.rotation_id) == ("cli", "approve", rotation.id)
    assert action.actor == getpass.getuser()
    unknown = runner.invoke(cli, ["rotate", "no-such-key", "--db", url])
    assert unknown.exit_code != 0


def test_a_key_id_that_starts_with_a_dash_is_named_after_double_dash(tmp_path: Path) -> None:
    """Provider key ids are often base64url (SendGrid's), so one in 64 starts with "-"."""
    url = registry_with_key(tmp_path, key_id="-8O8Sr8wm5TnS7yW040Z-w")
    planned = CliRunner().invoke(
        cli, ["rotate", "--plan", "--db", url, "--", "-8O8Sr8wm5TnS7yW040Z-w"]
    )
    assert planned.exit_code == 0, planned.output
    assert "manual old_revoked" in planned.output


AWS_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
)


def test_plan_of_an_aws_key_builds_no_client_and_names_what_a_human_must_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No region, no credentials, no notifier: `--plan` still answers (it used to crash with
    NoRegionError building the Secrets Manager client it never needed)."""
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    url = registry_with_key(
        tmp_path,
        "AKIAEXAMPLEEXAMPLE12",
        "aws",
        "aws-secretsmanager:prod/app",
        "github-actions:acme/app:AWS_KEY",
    )
    planned = CliRunner().invoke(cli, ["rotate", "AKIAEXAMPLEEXAMPLE12", "--plan", "--db", url])
    assert planned.exit_code == 0, planned.output
    lines = {line.split()[1]: line for line in planned.output.splitlines()}
    for step in ("issued", "old_revoked"):
        assert lines[step].startswith("manual"), planned.output
        assert "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY are not set" in lines[step]
    assert lines["notified"].startswith("manual")
    assert "no notifier is configured" in lines["notified"]
    assert lines["delivered"].startswith("auto")

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAADMINEXAMPLE0001")
    monkeypatch.setenv("LEAKWARD_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    half = CliRunner().invoke(cli, ["rotate", "AKIAEXAMPLEEXAMPLE12", "--plan", "--db", url])
    # The key id without its secret signs nothing: the plan names the variable still missing.
    assert "AWS_SECRET_ACCESS_KEY is not set" in half.output, half.output
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "admin-secret-example")
    ready = CliRunner().invoke(cli, ["rotate", "AKIAEXAMPLEEXAMPLE12", "--plan", "--db", url])
    assert ready.exit_code == 0, ready.output
    assert "manual" not in ready.output


@pytest.mark.parametrize(
    ("provider", "attributes", "environment", "missing"),
    [
        ("twilio", (), {"TWILIO_ACCOUNT_SID": "AC" + "0" * 32}, "TWILIO_AUTH_TOKEN is not set"),
        (
            "github",
            (("kind", "installation"),),
            {"GITHUB_TOKEN": "ghp_example", "GITHUB_APP_ID": "12"},
            "GITHUB_APP_PRIVATE_KEY is not set",
        ),
        ("gitlab", (), {}, "GITLAB_ADMIN_TOKEN is not set"),
        ("openrouter", (), {}, "OPENROUTER_MANAGEMENT_KEY is not set"),
        ("xai", (), {}, "XAI_MANAGEMENT_KEY is not set"),
        ("azure_ai", (), {"AZURE_TENANT_ID": "t"}, "AZURE_CLIENT_SECRET, AZURE_CLIENT_ID are not"),
        ("aws_bedrock", (), {"AWS_ACCESS_KEY_ID": "AKIAADMIN"}, "AWS_SECRET_ACCESS_KEY is not set"),
    ],
)
def test_plan_names_every_credential_the_key_needs_that_is_not_set(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    provider: str,
    attributes: tuple[tuple[str, str], ...],
    environment: dict[str, str],
    missing: str,
) -> None:
    """Not only the first of a provider's variables: a Twilio SID without its Auth Token, or an
    installation token's App id without the App's private key, cannot issue anything."""
    unset = ("TWILIO_AUTH_TOKEN", "GITHUB_APP_PRIVATE_KEY", "GITLAB_ADMIN_TOKEN")
    unset += ("OPENROUTER_MANAGEMENT_KEY", "XAI_MANAGEMENT_KEY", "AZURE_CLIENT_SECRET")
    unset += ("AZURE_CLIENT_ID", "AWS_SECRET_ACCESS_KEY")
    for name in unset:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with Registry.open(f"sqlite:///{tmp_path / 'r.db'}") as registry:
        new = NewKey(provider, Owner("o@example.test"), key_id="k-1", attributes=attributes)
        registry.add_key(new)
    url = f"sqlite:///{tmp_path / 'r.db'}"
    planned = CliRunner().invoke(cli, ["rotate", "k-1", "--plan", "--db", url])
    assert planned.exit_code == 0, planned.output
    lines = {line.split()[1]: line for line in planned.output.splitlines()}
    assert lines["issued"].startswith("manual"), planned.output
    assert missing in lines["issued"], planned.output


def test_an_unknown_key_that_looks_like_a_value_is_never_echoed(tmp_path: Path) -> None:
    url = registry_with_key(tmp_path)
    value = "sk-proj-" + "Zq8w7E6r5T4y3U2i1O0pAs9D8f7G6h5J4k3L2"
    done = CliRunner().invoke(cli, ["rotate", value, "--db", url])
    assert isinstance(done.exception, UsageError), done.output
    message = str(done.exception)
    assert "no registry entry matches" in message
    assert value not in message + done.output
    assert value[8:20] not in message
    assert "leakward scan - --match" in message


def test_plan_of_a_slack_token_answers_without_a_client(tmp_path: Path) -> None:
    """`--plan` builds no rotator client; Slack's capability used to need one (AttributeError)."""
    url = f"sqlite:///{tmp_path / 'r.db'}"
    with Registry.open(url) as registry:
        attributes = (("kind", "rotating"),)
        registry.add_key(NewKey("slack", Owner("o@example.test"), "s-1", attributes=attributes))
    planned = CliRunner().invoke(cli, ["rotate", "s-1", "--plan", "--db", url])
    assert planned.exit_code == 0, repr(planned.exception)
    lines = {line.split()[1]: line for line in planned.output.splitlines()}
    assert lines["old_revoked"].startswith("auto"), planned.output  # with the leaked value
