"""Cloudflare account-owned tokens: the rotator's requests and the fake's answers fit the
operations written from the Cloudflare SDK's generated types (specs/cloudflare_account.yaml)."""

from __future__ import annotations

from leakward.core.secret import Secret
from leakward.rotators.providers.cloudflare_account import CloudflareAccountTokenRotator
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.cloudflare_account import ACCOUNT, FakeCloudflareAccount

CONTRACT = Contract.named("cloudflare_account", error_schema="Failure")


def test_roll_and_delete_fit_the_spec(fake_cloudflare_account: FakeCloudflareAccount) -> None:
    _, value = fake_cloudflare_account.add_token("dns-edit")
    traffic = Traffic()
    rotator = CloudflareAccountTokenRotator(
        traffic.client(),
        admin_key=Secret(fake_cloudflare_account.admin_token),
        base_url=fake_cloudflare_account.url + "/client/v4",
    )
    key = rotator.find_key(Secret(value), ACCOUNT)
    assert key is not None
    new = rotator.reissue(key, "rot-1")
    rotator.verify(Secret(value), key)  # rolled: 401 in the documented envelope
    rotator.verify(new.secret, key)
    rotator.revoke(key)
    rotator.revoke(key)  # gone: 404
    assert_conforms(CONTRACT, traffic)
    assert {e.response.status_code for e in traffic.exchanges} >= {200, 401, 404}
