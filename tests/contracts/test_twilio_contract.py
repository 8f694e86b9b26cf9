"""Twilio: the rotator's requests and the fake's answers fit Twilio's OpenAPI documents.

Twilio publishes one document per host: the v1 Key resource (iam.twilio.com) and the 2010 API
(api.twilio.com, where a key is verified on its Account). The fake serves both, so each
exchange is checked against the document of the host it belongs to. Twilio's documents declare
no error schema, so undeclared error answers are checked for an error status only.
"""

from __future__ import annotations

from dataclasses import replace

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef
from leakward.rotators.providers.twilio import TwilioRotator
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.twilio import FakeTwilio

IAM = Contract.named("twilio_iam", error_schema=None)
API = Contract.named("twilio_api", error_schema=None)


def on_host(traffic: Traffic, prefix: str) -> Traffic:
    return Traffic([e for e in traffic.exchanges if e.request.url.path.startswith(prefix)])


def test_restricted_key_rotation_fits_the_spec(fake_twilio: FakeTwilio) -> None:
    sid, secret = fake_twilio.add_key("app", policy={"allow": ["/twilio/messaging/read"]})
    for n in range(120):  # more than a page of 100: the next page's query must fit too
        fake_twilio.add_key(f"other-{n}")
    traffic = Traffic()
    rotator = TwilioRotator(
        traffic.client(),
        account_sid=FakeTwilio.ACCOUNT,
        admin_secret=Secret(fake_twilio.auth_token),
        base_url=fake_twilio.url,
        api_url=fake_twilio.url,
    )
    leaked = Secret(f"{sid}:{secret}")
    rotator.verify(leaked)
    key = KeyRef("twilio", sid)
    key = replace(key, settings=rotator.read_settings(key))
    new = rotator.reissue(key, "rot-1")
    rotator.verify(new.secret)
    rotator.list_keys()
    rotator.revoke(key)
    rotator.revoke(key)  # gone: the documented 404
    rotator.verify(leaked)  # dead now: 401
    assert any("PageToken" in e.request.url.params for e in traffic.exchanges)
    assert_conforms(IAM, on_host(traffic, "/v1/"))
    assert_conforms(API, on_host(traffic, "/2010-04-01/"))
    assert len(on_host(traffic, "/v1/").exchanges) + len(
        on_host(traffic, "/2010-04-01/").exchanges
    ) == len(traffic.exchanges)
