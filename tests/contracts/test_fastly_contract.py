"""Fastly: the rotator's requests and the fake's answers fit the token operations of Fastly's API
(hand-written from its generated clients' models; see specs/fastly.yaml)."""

from __future__ import annotations

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef
from leakward.rotators.providers.fastly import FastlyRotator
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.fastly import FakeFastly

CONTRACT = Contract.named("fastly", error_schema="Error")


def test_revocation_fits_the_spec(fake_fastly: FakeFastly) -> None:
    leaked = fake_fastly.add_token("purge bot", scope="purge_all")
    other = fake_fastly.add_token("deploy")
    traffic = Traffic()
    rotator = FastlyRotator(
        traffic.client(), admin_key=Secret(fake_fastly.admin_token), base_url=fake_fastly.url
    )
    value = Secret(leaked.value)
    rotator.verify(value)
    key = rotator.find_key(value)
    assert key is not None
    rotator.list_keys()
    rotator.revoke(key)
    rotator.revoke(key)  # gone: 404 in the documented error object
    rotator.verify(value)  # dead now: 401
    FastlyRotator(traffic.client(), base_url=fake_fastly.url).revoke(
        KeyRef("fastly"), Secret(other.value)
    )
    assert_conforms(CONTRACT, traffic)
    assert {e.response.status_code for e in traffic.exchanges} >= {200, 204, 401, 404}
