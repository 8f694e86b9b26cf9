"""Datadog: the rotator's requests and the fake's answers fit Datadog's v1 OpenAPI document
(validate) and the v2 key-management operations (hand-written from the SDK's models)."""

from __future__ import annotations

from dataclasses import replace

from leakward.core.secret import Secret
from leakward.rotators.providers.datadog import DatadogRotator
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.datadog import FakeDatadog

V1 = Contract.named("datadog_v1", error_schema="APIErrorResponse")
V2 = Contract.named("datadog_v2", error_schema="APIErrorResponse")


def test_rotation_fits_the_spec(fake_datadog: FakeDatadog) -> None:
    _, value = fake_datadog.add_key("agent", remote_config=True)
    for n in range(3):
        fake_datadog.add_key(f"other-{n}")
    traffic = Traffic()
    rotator = DatadogRotator(
        traffic.client(),
        admin_key=Secret(fake_datadog.admin_key),
        app_key=Secret(fake_datadog.app_key),
        base_url=fake_datadog.url,
    )
    leaked = Secret(value)
    rotator.verify(leaked)
    key = rotator.find_key(leaked)
    assert key is not None
    key = replace(key, settings=rotator.read_settings(key))
    new = rotator.reissue(key, "rot-1")
    rotator.reissue(key, "rot-1")  # the same attempt again: deletes its first key
    rotator.verify(new.secret)
    rotator.revoke(key)
    rotator.revoke(key)  # gone: 404 in the documented error object
    rotator.verify(leaked)  # dead now: the documented 403
    v1 = [e for e in traffic.exchanges if e.request.url.path.startswith("/api/v1/")]
    v2 = [e for e in traffic.exchanges if e.request.url.path.startswith("/api/v2/")]
    assert len(v1) + len(v2) == len(traffic.exchanges)
    assert_conforms(V1, Traffic(v1))
    assert_conforms(V2, Traffic(v2))
    assert {e.response.status_code for e in traffic.exchanges} >= {200, 201, 204, 403, 404}
