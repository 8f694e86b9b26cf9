"""xAI: the rotator's requests and the fake's answers fit the operations of specs/xai.yaml
(hand-written from xAI's references; the file's header names each source)."""

from __future__ import annotations

from dataclasses import replace

from leakward.core.secret import Secret
from leakward.rotators.providers.xai import XaiRotator
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.xai import FakeXai

CONTRACT = Contract.named("xai", error_schema="XaiError")


def test_rotation_fits_the_spec(fake_xai: FakeXai) -> None:
    leaked = fake_xai.add_key("prod", qps=5, qpm=100, expire_time="2099-01-01T00:00:00Z")
    for n in range(120):  # a second page
        fake_xai.add_key(f"other-{n}")
    traffic = Traffic()
    rotator = XaiRotator(
        traffic.client(),
        admin_key=Secret(fake_xai.management_key),
        base_url=fake_xai.url,
        api_url=fake_xai.url,
    )
    rotator.verify(Secret(leaked.value))
    key = rotator.find_key(Secret(leaked.value))
    assert key is not None
    key = replace(key, settings=rotator.read_settings(key))
    new = rotator.reissue(key, "rot-1")
    rotator.reissue(key, "rot-1")  # the same attempt again: deletes the first, creates one
    rotator.verify(new.secret)
    rotator.revoke(key)
    rotator.revoke(key)  # gone: 404
    rotator.verify(Secret(leaked.value))  # dead now: 400 "Incorrect API key provided"
    assert_conforms(CONTRACT, traffic)
    assert {op.split(" ")[0] for op in traffic.operations()} == {"GET", "POST", "DELETE"}
