"""Azure AI account keys: the rotator's requests and the fake's answers fit ARM's published
operations (converted from Swagger 2.0) and the client credentials token request."""

from __future__ import annotations

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef
from leakward.rotators.providers.azure_ai import AzureAiRotator
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.azure_ai import ACCOUNT, CLIENT_ID, TENANT, FakeAzure

CONTRACT = Contract.named("azure_ai", error_schema="ErrorResponse")


def test_rotation_fits_the_spec(fake_azure: FakeAzure) -> None:
    keys = fake_azure.add_account()
    traffic = Traffic()
    rotator = AzureAiRotator(
        traffic.client(),
        admin_key=Secret(fake_azure.client_secret),
        base_url=fake_azure.url,
        tenant=TENANT,
        client_id=CLIENT_ID,
        login_url=fake_azure.url,
    )
    key = rotator.find_key(Secret(keys["key1"]), ACCOUNT)
    assert key is not None
    new = rotator.reissue(key, "rot-1")
    rotator.verify(new.secret, key)
    rotator.revoke(key)
    rotator.verify(Secret(keys["key1"]), key)
    # An account that does not exist: ARM's ErrorResponse with 404.
    gone = KeyRef("azure_ai", "key1", ACCOUNT.replace("acme-openai", "gone"))
    rotator.verify(Secret(keys["key1"]), gone)
    assert_conforms(CONTRACT, traffic)
    assert len(traffic.operations()) >= 5


def test_a_refused_service_principal_fits_the_token_errors(fake_azure: FakeAzure) -> None:
    keys = fake_azure.add_account()
    traffic = Traffic()
    rotator = AzureAiRotator(
        traffic.client(),
        admin_key=Secret("wrong-secret"),
        base_url=fake_azure.url,
        tenant=TENANT,
        client_id=CLIENT_ID,
        login_url=fake_azure.url,
    )
    rotator.verify(Secret(keys["key1"]), KeyRef("azure_ai", "key1", ACCOUNT))
    assert_conforms(CONTRACT, traffic)
    assert [op.split(" ")[0] for op in traffic.operations()] == ["POST"]
