"""Google API keys and GCP service-account keys against the fake Google APIs."""

from __future__ import annotations

import dataclasses
import json

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness, PermanentError, TransientError
from leakward.rotators.providers.gcp import GcpServiceAccountKeyRotator
from leakward.rotators.providers.google import GoogleApiKeyRotator
from tests.fakes.google import FakeGoogle
from tests.rotators.scripted import Scripted

ACCOUNT = "projects/p1/serviceAccounts/bot@p1.iam.gserviceaccount.com"


def api_keys(fake: FakeGoogle, client: httpx.Client) -> GoogleApiKeyRotator:
    return GoogleApiKeyRotator(
        client,
        token_source=lambda: Secret(fake.admin_token),
        base_url=fake.url,
        gemini_url=fake.url,
        poll_interval=0,
    )


def sa_keys(fake: FakeGoogle, client: httpx.Client) -> GcpServiceAccountKeyRotator:
    return GcpServiceAccountKeyRotator(
        client,
        token_source=lambda: Secret(fake.admin_token),
        iam_url=fake.url,
        token_url=fake.url + "/token",
    )


def test_api_key_full_cycle(fake_google: FakeGoogle, http_client: httpx.Client) -> None:
    old = fake_google.add_api_key()
    rotator = api_keys(fake_google, http_client)
    secret = Secret(old.value)
    assert rotator.verify(secret).liveness is Liveness.LIVE
    key = rotator.find_key(secret)
    assert key == KeyRef("google", old.name, "123")
    new = rotator.reissue(key, "rot-1")
    assert rotator.verify(new.secret).liveness is Liveness.LIVE
    rotator.revoke(key)
    rotator.revoke(key)  # 404 the second time
    assert rotator.verify(secret).liveness is Liveness.DEAD
    live = fake_google.live_api_keys()
    assert [k.value for k in live] == [new.secret.reveal()]
    assert live[0].restrictions == old.restrictions  # never broader than the leaked key
    # The create was a long-running operation: the rotator polled it.
    assert any(p.startswith("GET /v2/operations/") for p in fake_google.paths())


def test_operations_are_polled_soon_then_backed_off(
    fake_google: FakeGoogle, http_client: httpx.Client
) -> None:
    """The first look comes after an eighth of a second, not the full interval."""
    old = fake_google.add_api_key()
    slept: list[float] = []
    rotator = GoogleApiKeyRotator(
        http_client,
        token_source=lambda: Secret(fake_google.admin_token),
        base_url=fake_google.url,
        gemini_url=fake_google.url,
        poll_interval=1.0,
        sleep=slept.append,
    )
    rotator.reissue(KeyRef("google", old.name, "123"), "rot-poll")
    assert slept == [0.125]  # the fake's operation is done at the first look


def test_repeated_reissue_returns_the_same_replacement(
    fake_google: FakeGoogle, http_client: httpx.Client
) -> None:
    old = fake_google.add_api_key()
    rotator = api_keys(fake_google, http_client)
    key = KeyRef("google", old.name, "123")
    first = rotator.reissue(key, "rot-1")
    again = rotator.reissue(key, "rot-1")
    assert first.secret == again.secret
    assert len(fake_google.live_api_keys()) == 2


def test_verify_never_puts_the_key_in_a_reason(
    fake_google: FakeGoogle, http_client: httpx.Client
) -> None:
    value = "AIza" + "Q" * 35
    fake_google.fail_next("/v1beta/models", hang=5)
    verdict = api_keys(fake_google, http_client).verify(Secret(value))
    assert verdict.liveness is Liveness.UNKNOWN
    assert value not in verdict.reason


def test_blocked_but_real_key_is_live() -> None:
    body = {
        "error": {
            "code": 403,
            "status": "PERMISSION_DENIED",
            "details": [{"reason": "API_KEY_SERVICE_BLOCKED"}],
        }
    }
    script = Scripted(("GET", "/v1beta/models", httpx.Response(403, json=body)))
    verdict = GoogleApiKeyRotator(script.client(), gemini_url="https://gl.test").verify(
        Secret("AIza" + "R" * 35)
    )
    assert verdict.liveness is Liveness.LIVE


def test_an_operation_that_never_ends_is_transient(
    fake_google: FakeGoogle, http_client: httpx.Client
) -> None:
    old = fake_google.add_api_key()
    rotator = GoogleApiKeyRotator(
        http_client,
        token_source=lambda: Secret(fake_google.admin_token),
        base_url=fake_google.url,
        poll_interval=0,
        max_polls=1,
    )
    fake_google.fail_next("/v2/operations/", status=200, times=5)  # {"error": ...}, no "done"
    with pytest.raises(TransientError, match="still running"):
        rotator.revoke(KeyRef("google", old.name, "123"))


def test_service_account_key_full_cycle(fake_google: FakeGoogle, http_client: httpx.Client) -> None:
    old = fake_google.add_sa_key(ACCOUNT)
    rotator = sa_keys(fake_google, http_client)
    key_file = Secret(json.dumps(old.key_file()))
    verdict = rotator.verify(key_file)
    assert verdict.liveness is Liveness.LIVE
    assert verdict.identity == "bot@p1.iam.gserviceaccount.com"

    key = KeyRef("gcp", old.id, ACCOUNT)
    new = rotator.reissue(key, "rot-1")
    assert rotator.verify(new.secret).liveness is Liveness.LIVE
    assert rotator.contain(key) is True
    assert rotator.verify(key_file).liveness is Liveness.DEAD
    rotator.revoke(key)
    rotator.revoke(key)
    assert list(fake_google.sa_keys) == [new.key_id]


def test_full_service_account_frees_a_disabled_key(
    fake_google: FakeGoogle, http_client: httpx.Client
) -> None:
    leaked = fake_google.add_sa_key(ACCOUNT)
    others = [fake_google.add_sa_key(ACCOUNT) for _ in range(9)]
    others[0].disabled = True
    rotator = sa_keys(fake_google, http_client)
    new = rotator.reissue(KeyRef("gcp", leaked.id, ACCOUNT), "t")
    assert others[0].id not in fake_google.sa_keys
    assert leaked.id in fake_google.sa_keys
    assert new.key_id in fake_google.sa_keys


def test_a_bare_private_key_cannot_be_verified() -> None:
    rotator = GcpServiceAccountKeyRotator(httpx.Client())
    verdict = rotator.verify(
        Secret("-----BEGIN PRIVATE KEY-----\nMIIE...\n-----END PRIVATE KEY-----")
    )
    assert verdict.liveness is Liveness.UNKNOWN


def test_rejected_admin_token_is_permanent(
    fake_google: FakeGoogle, http_client: httpx.Client
) -> None:
    rotator = GcpServiceAccountKeyRotator(
        http_client, token_source=lambda: Secret("ya29.bad"), iam_url=fake_google.url
    )
    with pytest.raises(PermanentError, match="401"):
        rotator.contain(KeyRef("gcp", "abc", ACCOUNT))


def test_no_unrestricted_replacement_for_a_key_already_deleted(
    fake_google: FakeGoogle, http_client: httpx.Client
) -> None:
    """Revoke-first deletes the leaked key before reissuing: its restrictions are then unknown,
    so no key (which would be unrestricted) is created in its place."""
    old = fake_google.add_api_key()
    rotator = api_keys(fake_google, http_client)
    key = rotator.find_key(Secret(old.value))
    assert key is not None
    rotator.revoke(key)
    with pytest.raises(PermanentError, match="will not issue an unrestricted key"):
        rotator.reissue(key, "rot-1")
    assert fake_google.live_api_keys() == []
    assert not [p for p in fake_google.paths("POST") if p.endswith("/keys")]


def test_a_key_bound_to_a_service_account_is_replaced_by_a_bound_key(
    fake_google: FakeGoogle, http_client: httpx.Client
) -> None:
    vertex = "vertex-caller@p1.iam.gserviceaccount.com"
    old = fake_google.add_api_key(service_account=vertex)
    rotator = api_keys(fake_google, http_client)
    key = rotator.find_key(Secret(old.value))
    assert key is not None
    snapshot = rotator.read_settings(key)
    assert snapshot is not None
    assert snapshot["serviceAccountEmail"] == vertex
    rotator.revoke(key)  # revoke-first: only the snapshot remembers the binding now
    new = rotator.reissue(dataclasses.replace(key, settings=snapshot), "rot-1")
    (live,) = fake_google.live_api_keys()
    assert live.value == new.secret.reveal()
    assert live.service_account_email == vertex
    assert live.restrictions == old.restrictions
