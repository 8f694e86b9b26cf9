"""OpenRouter: the rotator's requests and the fake's answers fit OpenRouter's OpenAPI document."""

from __future__ import annotations

from dataclasses import replace

from leakward.core.secret import Secret
from leakward.rotators.providers.openrouter import OpenRouterRotator
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.openrouter import PAGE, FakeOpenRouter

# Every error the document declares is `{"error": {"code", "message"}}`; the 402 of a key
# without credits (errors guide) is not declared on `/key`, so it is checked against the same.
CONTRACT = Contract.named("openrouter", error_schema="UnauthorizedResponse")


def test_rotation_fits_the_spec(fake_openrouter: FakeOpenRouter) -> None:
    leaked = fake_openrouter.add_key(
        "prod", limit=25.0, limit_reset="weekly", expires_at="2099-01-01T00:00:00Z"
    )
    for n in range(PAGE):  # a second page
        fake_openrouter.add_key(f"other-{n}")
    spent = fake_openrouter.add_key("spent", exhausted=True)
    traffic = Traffic()
    rotator = OpenRouterRotator(
        traffic.client(),
        admin_key=Secret(fake_openrouter.management_key),
        base_url=fake_openrouter.url,
    )
    rotator.verify(Secret(leaked.value))
    rotator.verify(Secret(spent.value))  # 402
    rotator.verify(Secret(fake_openrouter.management_key))
    key = rotator.find_key(Secret(leaked.value))
    assert key is not None
    key = replace(key, settings=rotator.read_settings(key))
    new = rotator.reissue(key, "rot-1")
    rotator.reissue(key, "rot-1")  # the same attempt again: deletes the first, creates one
    rotator.verify(new.secret)
    rotator.contain(key)
    rotator.revoke(key)
    rotator.revoke(key)  # gone: the documented 404
    rotator.verify(Secret(leaked.value))  # dead now: 401 with the documented error body
    assert_conforms(CONTRACT, traffic)
    methods = {op.split(" ")[0] for op in traffic.operations()}
    assert methods == {"GET", "POST", "PATCH", "DELETE"}
