"""The discovery harness itself: it reports what breaks a document, so green means something."""

from __future__ import annotations

from tests.contracts.discovery_contract import DiscoveryContract
from tests.contracts.openapi_contract import Traffic
from tests.fakes.google import FakeGoogle

CONTRACT = DiscoveryContract.named("google_apikeys")
KEYS = "/v2/projects/123/locations/global/keys"


def test_requests_that_break_the_document_are_reported(fake_google: FakeGoogle) -> None:
    admin = {"Authorization": f"Bearer {fake_google.admin_token}"}
    traffic = Traffic()
    with traffic.client() as client:
        client.get(fake_google.url + KEYS, params={"pageSize": "ten"}, headers=admin)
        client.get(fake_google.url + KEYS, params={"owner": "me"}, headers=admin)
        client.post(fake_google.url + KEYS, json={"displayName": 7}, headers=admin)
        client.get(fake_google.url + "/v2/projects/123/keys", headers=admin)
        client.get(fake_google.url + KEYS)  # no credential at all
    problems = CONTRACT.check(traffic.exchanges)
    assert any("pageSize='ten' is not a integer" in p for p in problems), problems
    assert any("'owner' is not in the document" in p for p in problems), problems
    assert any("request: $.displayName: 7 is not of type 'string'" in p for p in problems)
    assert any("no method of the document" in p for p in problems), problems
    assert any("neither an OAuth token nor an API key" in p for p in problems), problems


def test_an_error_outside_googles_envelope_is_reported(fake_google: FakeGoogle) -> None:
    fake_google.fail_next(KEYS, status=503)  # body {"error": "injected failure"}
    admin = {"Authorization": f"Bearer {fake_google.admin_token}"}
    traffic = Traffic()
    with traffic.client() as client:
        client.get(fake_google.url + KEYS, headers=admin)
        client.get(fake_google.url + KEYS + "/nope", headers=admin)  # the fake's real 404
    problems = CONTRACT.check(traffic.exchanges)
    assert problems == [
        f"GET {KEYS} -> 503: error body: $.error: 'injected failure' is not of type 'object'"
    ]
