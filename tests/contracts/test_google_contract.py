"""Google API keys and GCP service-account keys: the rotators' requests and the fake's answers
fit the API Keys and IAM APIs' own discovery documents (the format Google publishes;
tests/contracts/discovery_contract.py).

Verification calls the Gemini API and the OAuth token endpoint (other documents) and is left
out; every API Keys and IAM call of a rotation is checked, long-running operations, pagination
and the documented error envelope included.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef
from leakward.rotators.providers.gcp import GcpServiceAccountKeyRotator
from leakward.rotators.providers.google import GoogleApiKeyRotator
from tests.contracts.discovery_contract import DiscoveryContract, assert_fits
from tests.contracts.openapi_contract import Traffic
from tests.fakes.google import FakeGoogle

CONTRACT = DiscoveryContract.named("google_apikeys")
IAM = DiscoveryContract.named("gcp_iam")


def test_rotation_fits_the_discovery_document(fake_google: FakeGoogle) -> None:
    old = fake_google.add_api_key()
    old.restrictions = {"apiTargets": [{"service": "generativelanguage.googleapis.com"}]}
    traffic = Traffic()
    rotator = GoogleApiKeyRotator(
        traffic.client(),
        token_source=lambda: Secret(fake_google.admin_token),
        base_url=fake_google.url,
        gemini_url=fake_google.url,
        poll_interval=0,
    )
    key = KeyRef("google", old.name, "123")
    key = replace(key, settings=rotator.read_settings(key))
    rotator.reissue(key, "rot-1")
    rotator.reissue(key, "rot-1")  # the same attempt again: the key exists (409), it is read
    rotator.list_keys("123")
    rotator.find_unrecorded(key, "rot-1", datetime.now(UTC))
    rotator.revoke(key)
    rotator.revoke(key)  # gone: 404 in Google's error envelope
    rotator.read_settings(key)
    api_keys = [e for e in traffic.exchanges if e.request.url.path.startswith("/v2/")]
    assert_fits(CONTRACT, api_keys)
    assert {e.response.status_code for e in api_keys} >= {200, 404}


def test_service_account_key_rotation_fits_the_iam_document(fake_google: FakeGoogle) -> None:
    account = "projects/p1/serviceAccounts/bot@p1.iam.gserviceaccount.com"
    old = fake_google.add_sa_key(account)
    traffic = Traffic()
    rotator = GcpServiceAccountKeyRotator(
        traffic.client(),
        token_source=lambda: Secret(fake_google.admin_token),
        iam_url=fake_google.url,
        token_url=fake_google.url + "/token",
    )
    key = KeyRef("gcp", old.id, account)
    rotator.reissue(key, "rot-1")
    rotator.find_unrecorded(key, "rot-1", datetime.now(UTC))
    rotator.contain(key)
    rotator.revoke(key)
    rotator.revoke(key)  # gone: 404 in Google's error envelope
    iam = [e for e in traffic.exchanges if e.request.url.path.startswith("/v1/")]
    assert_fits(IAM, iam)
    assert {e.request.method for e in iam} == {"GET", "POST", "DELETE"}
