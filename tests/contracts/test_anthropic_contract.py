"""Anthropic: the rotator's requests and the fake's answers fit the Admin API's spec (derived
from the SDK's generated types, see the header of specs/anthropic.yaml)."""

from __future__ import annotations

from leakward.core.secret import Secret
from leakward.rotators.providers.anthropic import AnthropicRotator
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.anthropic import FakeAnthropic

CONTRACT = Contract.named("anthropic")


def test_contain_revoke_and_verify_fit_the_spec(fake_anthropic: FakeAnthropic) -> None:
    leaked = fake_anthropic.add_key()
    for n in range(150):
        fake_anthropic.add_key(f"other-{n}")
    traffic = Traffic()
    rotator = AnthropicRotator(
        traffic.client(), admin_key=Secret(fake_anthropic.admin_key), base_url=fake_anthropic.url
    )
    secret = Secret(leaked.value)
    rotator.verify(secret)
    key = rotator.find_key(secret)
    assert key is not None
    rotator.contain(key)
    rotator.verify(secret)  # inactive: the documented authentication_error
    rotator.revoke(key)
    rotator.revoke(key)  # archived already: read, nothing changed
    rotator.verify(Secret(fake_anthropic.admin_key))  # on the Admin API
    rotator.verify(Secret("sk-ant-admin01-" + "Q" * 40))
    assert_conforms(CONTRACT, traffic)
    assert any("after_id" in e.request.url.params for e in traffic.exchanges)
