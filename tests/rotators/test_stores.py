"""Secret stores against real HTTP: a fake GitHub Actions API, a fake Vault KV v2, moto's server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import hvac
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import PermanentError, TransientError
from leakward.rotators.stores.aws_secrets_manager import AwsSecretsManagerStore
from leakward.rotators.stores.github_actions import (
    GitHubActionsStore,
    GitHubEnvironmentStore,
    GitHubOrganizationStore,
    github_client,
)
from leakward.rotators.stores.vault import VaultKvStore
from tests.fakes import github_actions, vault

VALUE = Secret("acme_live_NEWnew0123456789abcdefXYZ")


@pytest.mark.parametrize(
    ("store_class", "locator", "scope"),
    [
        (GitHubActionsStore, "octo/app:API_KEY", "/repos/octo/app/actions/secrets"),
        (
            GitHubEnvironmentStore,
            "octo/app:prod:API_KEY",
            "/repos/octo/app/environments/prod/secrets",
        ),
        (GitHubOrganizationStore, "octo:API_KEY", "/orgs/octo/actions/secrets"),
    ],
)
def test_github_secrets_are_sealed_to_the_scope_key(
    github: github_actions.FakeGitHubActions,
    gh_client: httpx.Client,
    store_class: type[GitHubActionsStore],
    locator: str,
    scope: str,
) -> None:
    store = store_class(gh_client)
    store.put(locator, VALUE, "token-1")
    store.put(locator, VALUE, "token-1")  # a repeat is harmless: last writer wins
    store.promote(locator, "token-1")
    assert github.opened(scope, "API_KEY") == VALUE.reveal()
    sent = [r.body for r in github.requests if r.method == "PUT"]
    assert all(VALUE.reveal().encode() not in body for body in sent)
    assert github.paths("PUT") == [f"PUT {scope}/API_KEY"] * 2


def test_github_org_secret_keeps_its_visibility(
    github: github_actions.FakeGitHubActions, gh_client: httpx.Client
) -> None:
    github.secrets["/orgs/octo/actions/secrets"] = {"API_KEY": {"visibility": "all"}}
    GitHubOrganizationStore(gh_client).put("octo:API_KEY", VALUE, "t")
    assert github.secrets["/orgs/octo/actions/secrets"]["API_KEY"]["visibility"] == "all"


@pytest.mark.parametrize(("status", "retry_after"), [(500, None), (429, "7"), (502, None)])
def test_github_overload_is_transient_with_the_retry_after_hint(
    github: github_actions.FakeGitHubActions,
    gh_client: httpx.Client,
    status: int,
    retry_after: str | None,
) -> None:
    github.fail_next(
        "/repos/octo/app/actions/secrets/API_KEY", status=status, retry_after=retry_after
    )
    store = GitHubActionsStore(gh_client)
    with pytest.raises(TransientError) as caught:
        store.put("octo/app:API_KEY", VALUE, "t")
    assert caught.value.retry_after == (float(retry_after) if retry_after else None)
    store.put("octo/app:API_KEY", VALUE, "t")
    assert github.opened("/repos/octo/app/actions/secrets", "API_KEY") == VALUE.reveal()


def test_github_timeout_is_transient(
    github: github_actions.FakeGitHubActions, gh_client: httpx.Client
) -> None:
    github.fail_next("/repos/octo/app/actions/secrets/public-key", hang=3)
    with pytest.raises(TransientError, match="Timeout"):
        GitHubActionsStore(gh_client).put("octo/app:API_KEY", VALUE, "t")


def test_github_bad_token_is_permanent_and_says_what_to_check(
    github: github_actions.FakeGitHubActions,
) -> None:
    env = {"GITHUB_API_URL": github.url, "GITHUB_TOKEN": "wrong"}
    with github_client(env) as client, pytest.raises(PermanentError, match="scope") as caught:
        GitHubActionsStore(client).put("octo/app:API_KEY", VALUE, "t")
    assert VALUE.reveal() not in str(caught.value)


@pytest.fixture
def fake_vault() -> Iterator[vault.FakeVault]:
    with vault.FakeVault() as server:
        yield server


@pytest.fixture
def vault_store(fake_vault: vault.FakeVault) -> VaultKvStore:
    env = {"VAULT_ADDR": fake_vault.url, "VAULT_TOKEN": vault.TOKEN}
    return VaultKvStore.from_environment(env)


def test_vault_writes_one_field_with_check_and_set(
    fake_vault: vault.FakeVault, vault_store: VaultKvStore
) -> None:
    fake_vault.secrets[("secret", "app")] = [{"api_key": "old", "db_url": "postgres://db"}]
    vault_store.put("secret/app#api_key", VALUE, "t")
    assert fake_vault.current("secret", "app") == {
        "api_key": VALUE.reveal(),
        "db_url": "postgres://db",
    }
    vault_store.put("secret/app#api_key", VALUE, "t")  # repeat: nothing new written
    assert len(fake_vault.secrets[("secret", "app")]) == 2
    vault_store.put("secret/new#token", VALUE, "t")  # absent: created with cas=0
    assert fake_vault.current("secret", "new") == {"token": VALUE.reveal()}


def test_vault_rereads_when_another_writer_got_in_between(fake_vault: vault.FakeVault) -> None:
    fake_vault.secrets[("secret", "app")] = [{"api_key": "old"}]
    client = hvac.Client(url=fake_vault.url, token=vault.TOKEN)

    class Interleaved:
        """Another writer changes the secret right after our first read."""

        def __init__(self) -> None:
            self.reads = 0

        def read_secret_version(self, path: str, **kwargs: Any) -> Any:
            answer = client.secrets.kv.v2.read_secret_version(path, **kwargs)
            self.reads += 1
            if self.reads == 1:
                fake_vault.secrets[("secret", "app")].append({"api_key": "old", "other": "x"})
            return answer

        def create_or_update_secret(self, path: str, secret: dict[str, Any], **kwargs: Any) -> Any:
            return client.secrets.kv.v2.create_or_update_secret(path, secret, **kwargs)

    interleaved = Interleaved()
    VaultKvStore(interleaved).put("secret/app#api_key", VALUE, "t")
    assert interleaved.reads == 2
    assert fake_vault.current("secret", "app") == {"api_key": VALUE.reveal(), "other": "x"}


def test_vault_errors_are_sorted(fake_vault: vault.FakeVault, vault_store: VaultKvStore) -> None:
    fake_vault.fail_next("/v1/secret/data/app", status=503)
    with pytest.raises(TransientError):
        vault_store.put("secret/app#api_key", VALUE, "t")
    denied = VaultKvStore.from_environment({"VAULT_ADDR": fake_vault.url, "VAULT_TOKEN": "no"})
    with pytest.raises(PermanentError, match="policy"):
        denied.put("secret/app#api_key", VALUE, "t")


def test_aws_stages_pending_then_promotes_to_current(moto_url: str) -> None:
    client = boto3.client("secretsmanager", endpoint_url=moto_url, region_name="us-east-1")
    client.create_secret(Name="prod/acme", SecretString="old-value")
    store = AwsSecretsManagerStore.from_environment({"AWS_ENDPOINT_URL": moto_url})
    store.put("prod/acme", VALUE, "rotation-token-g1")
    store.put("prod/acme", VALUE, "rotation-token-g1")  # same token: same version, no error
    assert client.get_secret_value(SecretId="prod/acme")["SecretString"] == "old-value"
    pending = client.get_secret_value(SecretId="prod/acme", VersionStage="AWSPENDING")
    assert pending["SecretString"] == VALUE.reveal()
    store.promote("prod/acme", "rotation-token-g1")
    store.promote("prod/acme", "rotation-token-g1")  # already current: nothing to do
    # Asked by stage: moto 5.2 does not move its default version on UpdateSecretVersionStage.
    current = client.get_secret_value(SecretId="prod/acme", VersionStage="AWSCURRENT")
    assert current["SecretString"] == VALUE.reveal()
    previous = client.get_secret_value(SecretId="prod/acme", VersionStage="AWSPREVIOUS")
    assert previous["SecretString"] == "old-value"
    stages = client.describe_secret(SecretId="prod/acme")["VersionIdsToStages"]
    assert not any("AWSPENDING" in labels for labels in stages.values())


def test_aws_missing_secret_is_permanent_with_a_hint(moto_url: str) -> None:
    store = AwsSecretsManagerStore.from_environment({"AWS_ENDPOINT_URL": moto_url})
    with pytest.raises(PermanentError, match="create the secret"):
        store.put("prod/missing", VALUE, "t")


def test_aws_unreachable_endpoint_is_transient() -> None:
    client = boto3.client(
        "secretsmanager",
        endpoint_url="http://127.0.0.1:9",
        region_name="us-east-1",
        config=__import__("botocore.config").config.Config(
            retries={"max_attempts": 0}, connect_timeout=1
        ),
    )
    with pytest.raises(TransientError):
        AwsSecretsManagerStore(client).put("prod/acme", VALUE, "t")
