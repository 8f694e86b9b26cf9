"""SendGrid: the rotator's requests and the fake's answers fit SendGrid's OpenAPI document."""

from __future__ import annotations

from dataclasses import replace

from leakward.core.secret import Secret
from leakward.rotators.providers.sendgrid import SendGridRotator
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.sendgrid import FakeSendGrid

CONTRACT = Contract.named("sendgrid", error_schema="global_error_response_schema")


def test_rotation_fits_the_spec(fake_sendgrid: FakeSendGrid) -> None:
    _, value = fake_sendgrid.add_key("newsletter", ["mail.send", "stats.read"])
    for n in range(3):
        fake_sendgrid.add_key(f"other-{n}", ["mail.send"])
    traffic = Traffic()
    rotator = SendGridRotator(
        traffic.client(), admin_key=Secret(fake_sendgrid.admin_key), base_url=fake_sendgrid.url
    )
    leaked = Secret(value)
    rotator.verify(leaked)
    key = rotator.find_key(leaked)
    assert key is not None
    key = replace(key, settings=rotator.read_settings(key))
    new = rotator.reissue(key, "rot-1")
    rotator.reissue(key, "rot-1")  # the same attempt again: finds the first, creates nothing
    rotator.verify(new.secret)
    rotator.revoke(key)
    rotator.revoke(key)  # gone: the documented 404
    rotator.verify(leaked)  # dead now: 401 with the documented error body
    assert_conforms(CONTRACT, traffic)
    assert {op.split(" ")[0] for op in traffic.operations()} == {"GET", "POST", "DELETE"}
