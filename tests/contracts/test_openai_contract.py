"""OpenAI: the rotator's requests and the fake's answers fit OpenAI's OpenAPI document."""

from __future__ import annotations

from dataclasses import replace

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef
from leakward.rotators.providers.openai import OpenAIRotator
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.openai import FakeOpenAI

CONTRACT = Contract.named("openai")


def test_service_account_rotation_fits_the_spec(fake_openai: FakeOpenAI) -> None:
    leaked = fake_openai.add_key(owner="service_account")
    fake_openai.service_accounts[leaked.owner_id].role = "owner"
    for n in range(3):
        fake_openai.add_key(name=f"other-{n}")
    traffic = Traffic()
    rotator = OpenAIRotator(
        traffic.client(), admin_key=Secret(fake_openai.admin_key), base_url=fake_openai.url
    )
    secret = Secret(leaked.value)
    rotator.verify(secret)
    key = rotator.find_key(secret, "proj_1")
    assert key is not None
    key = replace(key, settings=rotator.read_settings(key))
    rotator.reissue(key, "rot-1")
    new = rotator.reissue(key, "rot-1")  # retires the first attempt's account
    rotator.revoke(key)
    rotator.verify(secret)  # dead now: the documented invalid-key answer
    rotator.verify(new.secret)
    rotator.verify(Secret(fake_openai.admin_key))  # on the Admin API
    assert_conforms(CONTRACT, traffic)
    assert {op.split(" ")[0] for op in traffic.operations()} == {"GET", "POST", "DELETE"}


def test_user_key_revoke_and_paged_listing_fit_the_spec(fake_openai: FakeOpenAI) -> None:
    user_keys = [fake_openai.add_key(name=f"app-{n}") for n in range(101)]
    traffic = Traffic()
    rotator = OpenAIRotator(
        traffic.client(), admin_key=Secret(fake_openai.admin_key), base_url=fake_openai.url
    )
    rotator.revoke(KeyRef("openai", user_keys[0].id, "proj_1"))
    rotator.revoke(KeyRef("openai", user_keys[0].id, "proj_1"))  # gone: nothing sent but lists
    rotator.verify(Secret("sk-admin-" + "Q" * 40))
    assert_conforms(CONTRACT, traffic)
    assert any("after" in e.request.url.params for e in traffic.exchanges)
