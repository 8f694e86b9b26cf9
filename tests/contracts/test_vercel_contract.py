"""Vercel: the rotator's requests and the fake's answers fit the token operations of Vercel's API
(hand-written from the SDK's generated types; see specs/vercel.yaml)."""

from __future__ import annotations

from dataclasses import replace

from leakward.core.secret import Secret
from leakward.rotators.providers.vercel import VercelRotator
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.vercel import PAGE, FakeVercel

CONTRACT = Contract.named("vercel")


def test_rotation_fits_the_spec(fake_vercel: FakeVercel) -> None:
    leaked = fake_vercel.add_token("ci-deploy", expires_at=None)
    for n in range(PAGE + 1):  # two pages of tokens
        fake_vercel.add_token(f"other-{n}", teams=("team_acme",) if n % 2 else ())
    traffic = Traffic()
    rotator = VercelRotator(
        traffic.client(), admin_key=Secret(fake_vercel.admin_token), base_url=fake_vercel.url
    )
    value = Secret(leaked.value)
    rotator.verify(value)
    key = rotator.find_key(value)
    assert key is not None
    key = replace(key, settings=rotator.read_settings(key))
    new = rotator.reissue(key, "rot-1")
    rotator.reissue(key, "rot-1")  # the same attempt again: deletes its first token
    rotator.verify(new.secret)
    rotator.list_keys()
    rotator.revoke(key)
    rotator.revoke(key)  # gone: the documented 404 in the error envelope
    rotator.verify(value)  # dead now: 403 with invalidToken
    VercelRotator(traffic.client(), base_url=fake_vercel.url).revoke(key, new.secret)
    assert_conforms(CONTRACT, traffic)
    statuses = {e.response.status_code for e in traffic.exchanges}
    assert {200, 403, 404} <= statuses
    assert {op.split(" ")[0] for op in traffic.operations()} == {"GET", "POST", "DELETE"}
