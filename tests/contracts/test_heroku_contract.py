"""Heroku: the rotator's requests and the fake's answers fit the Platform API's hyper-schema
(its OAuth authorization and account links, converted to OpenAPI by hyper_schema.py)."""

from __future__ import annotations

from dataclasses import replace

from leakward.core.secret import Secret
from leakward.rotators.providers.heroku import HerokuRotator
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.heroku import FakeHeroku

CONTRACT = Contract.named("heroku", error_schema="Error")
CLIENT = "c0ffee00-0000-4000-8000-00000000c11e"  # an OAuth client's id (a uuid, as documented)


def test_rotation_fits_the_spec(fake_heroku: FakeHeroku) -> None:
    fake_heroku.page_size = 2  # several Range pages
    leaked = fake_heroku.add_authorization("deploy bot", ["read", "write"], expires_in=3600)
    for n in range(3):
        fake_heroku.add_authorization(f"other-{n}", client=CLIENT if n else None)
    traffic = Traffic()
    rotator = HerokuRotator(
        traffic.client(), admin_key=Secret(fake_heroku.admin_token), base_url=fake_heroku.url
    )
    value = Secret(leaked.token)
    rotator.verify(value)
    key = rotator.find_key(value)
    assert key is not None
    key = replace(key, settings=rotator.read_settings(key))
    new = rotator.reissue(key, "rot-1")
    rotator.reissue(key, "rot-1")  # the same attempt again: deletes its first authorization
    rotator.verify(new.secret)
    rotator.revoke(key)
    rotator.revoke(key)  # gone: the documented 404 `not_found`
    rotator.verify(value)  # dead now: 401 `unauthorized`
    assert rotator.read_settings(key) is None
    assert_conforms(CONTRACT, traffic)
    statuses = {e.response.status_code for e in traffic.exchanges}
    assert {200, 201, 206, 401, 404} <= statuses
