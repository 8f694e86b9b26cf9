"""Azure AI account keys: blue-green over key1/key2 as Microsoft's rotation procedure says, an
Entra token from the service principal, and verify read from the account's own keys."""

from __future__ import annotations

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness, PermanentError
from leakward.rotators.providers.azure_ai import AzureAiRotator
from tests.fakes.azure_ai import ACCOUNT, CLIENT_ID, TENANT, FakeAzure


def on(fake: FakeAzure, client: httpx.Client, secret: str | None = None) -> AzureAiRotator:
    return AzureAiRotator(
        client,
        admin_key=Secret(secret or fake.client_secret),
        base_url=fake.url,
        tenant=TENANT,
        client_id=CLIENT_ID,
        login_url=fake.url,
    )


def test_blue_green_rotation(fake_azure: FakeAzure, http_client: httpx.Client) -> None:
    keys = fake_azure.add_account()
    leaked, standby = keys["key1"], keys["key2"]
    rotator = on(fake_azure, http_client)
    key = rotator.find_key(Secret(leaked), ACCOUNT)
    assert key == KeyRef("azure_ai", "key1", ACCOUNT)
    assert rotator.verify(Secret(leaked), key).liveness is Liveness.LIVE
    new = rotator.reissue(key, "rot-1")
    # The other slot was regenerated first, so the replacement is fresh, never the old key2.
    assert new.key_id == "key2"
    assert new.secret.reveal() == fake_azure.accounts[ACCOUNT]["key2"] != standby
    assert rotator.verify(Secret(leaked), key).liveness is Liveness.LIVE  # not revoked yet
    rotator.revoke(key)
    assert rotator.verify(Secret(leaked), key).liveness is Liveness.DEAD
    assert rotator.verify(new.secret, key).liveness is Liveness.LIVE
    assert fake_azure.regenerated == [(ACCOUNT, "key2"), (ACCOUNT, "key1")]
    assert len(fake_azure.tokens) == 1  # one Entra token served every call


def test_verify_needs_the_account(fake_azure: FakeAzure, http_client: httpx.Client) -> None:
    keys = fake_azure.add_account()
    verdict = on(fake_azure, http_client).verify(Secret(keys["key1"]))
    assert verdict.liveness is Liveness.UNKNOWN
    assert "resource id" in verdict.reason
    assert fake_azure.requests == []


def test_a_refused_service_principal_is_unknown_for_verify_and_permanent_for_rotation(
    fake_azure: FakeAzure, http_client: httpx.Client
) -> None:
    keys = fake_azure.add_account()
    rotator = on(fake_azure, http_client, secret="not-the-secret")
    key = KeyRef("azure_ai", "key1", ACCOUNT)
    verdict = rotator.verify(Secret(keys["key1"]), key)
    assert verdict.liveness is Liveness.UNKNOWN
    assert "invalid_client" in verdict.reason
    with pytest.raises(PermanentError, match="AZURE_CLIENT_SECRET"):
        rotator.revoke(key)
    assert fake_azure.regenerated == []


def test_an_unknown_account_stops_with_its_id(
    fake_azure: FakeAzure, http_client: httpx.Client
) -> None:
    fake_azure.add_account()
    other = ACCOUNT.replace("acme-openai", "gone")
    with pytest.raises(PermanentError, match="404"):
        on(fake_azure, http_client).revoke(KeyRef("azure_ai", "key1", other))


def test_a_slot_that_is_not_key1_or_key2_is_refused(
    fake_azure: FakeAzure, http_client: httpx.Client
) -> None:
    fake_azure.add_account()
    with pytest.raises(PermanentError, match="slot"):
        on(fake_azure, http_client).reissue(KeyRef("azure_ai", None, ACCOUNT), "rot-1")
    assert fake_azure.regenerated == []


def test_without_a_service_principal_rotation_says_what_to_set(
    fake_azure: FakeAzure, http_client: httpx.Client
) -> None:
    rotator = AzureAiRotator(http_client, base_url=fake_azure.url, login_url=fake_azure.url)
    with pytest.raises(PermanentError, match="AZURE_TENANT_ID"):
        rotator.revoke(KeyRef("azure_ai", "key1", ACCOUNT))


@pytest.mark.parametrize(
    "failure", [{"status": 500}, {"status": 429, "retry_after": "1"}, {"hang": 5.0}]
)
def test_verify_unknown_on_trouble(
    fake_azure: FakeAzure, http_client: httpx.Client, failure: dict
) -> None:
    keys = fake_azure.add_account()
    fake_azure.fail_next(ACCOUNT + "/listKeys", **failure)
    verdict = on(fake_azure, http_client).verify(
        Secret(keys["key1"]), KeyRef("azure_ai", "key1", ACCOUNT)
    )
    assert verdict.liveness is Liveness.UNKNOWN
