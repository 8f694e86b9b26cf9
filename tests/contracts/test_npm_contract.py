"""npm: the rotator's requests and the fake's answers fit the token operations the npm CLI uses
(written by hand from the npm and npm-profile packages; see specs/npm.yaml)."""

from __future__ import annotations

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef
from leakward.rotators.providers.npm import NpmRotator
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.npm import PAGE, FakeNpm

CONTRACT = Contract.named("npm", error_schema=None)


def test_revocation_fits_the_spec(fake_npm: FakeNpm) -> None:
    leaked = fake_npm.add_token()
    for _ in range(PAGE + 1):
        fake_npm.add_token()
    traffic = Traffic()
    rotator = NpmRotator(
        traffic.client(), admin_key=Secret(fake_npm.admin_token), base_url=fake_npm.url
    )
    value = Secret(leaked.value)
    rotator.verify(value)
    rotator.revoke(KeyRef("npm"), value)
    rotator.verify(value)  # dead now: 401 with a Bearer challenge
    rotator.revoke(KeyRef("npm", leaked.key))  # by key, already gone: 404
    assert_conforms(CONTRACT, traffic)
    assert {e.response.status_code for e in traffic.exchanges} >= {200, 204, 401, 404}
