"""Anthropic rotator: revoke-only; contain = inactive, revoke = archived, found by key hint."""

from __future__ import annotations

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness, PermanentError, TransientError
from leakward.rotators.providers.anthropic import AnthropicRotator
from leakward.rotators.providers.liveness import verify_secret
from tests.fakes.anthropic import FakeAnthropic
from tests.rotators.scripted import Scripted


def on(fake: FakeAnthropic, client: httpx.Client) -> AnthropicRotator:
    return AnthropicRotator(client, admin_key=Secret(fake.admin_key), base_url=fake.url)


def test_contain_then_revoke(fake_anthropic: FakeAnthropic, http_client: httpx.Client) -> None:
    leaked = fake_anthropic.add_key()
    fake_anthropic.add_key("other")
    rotator = on(fake_anthropic, http_client)
    secret = Secret(leaked.value)
    assert rotator.verify(secret).liveness is Liveness.LIVE
    key = rotator.find_key(secret)
    assert key is not None
    assert key.key_id == leaked.id
    assert rotator.contain(key) is True
    assert leaked.status == "inactive"
    assert rotator.verify(secret).liveness is Liveness.DEAD
    rotator.revoke(key)
    rotator.revoke(key)  # archived already: nothing to do, no error
    assert leaked.status == "archived"
    assert [k.status for k in fake_anthropic.keys.values() if k.id != leaked.id] == ["active"]


def test_a_leaked_inactive_key_is_found_and_archived(
    fake_anthropic: FakeAnthropic, http_client: httpx.Client
) -> None:
    """Inactive is reversible (one call switches it back on): the key list must show it, or a
    leaked inactive key is never matched to its id and never archived."""
    leaked = fake_anthropic.add_key()
    leaked.status = "inactive"
    fake_anthropic.add_key("gone").status = "archived"
    rotator = on(fake_anthropic, http_client)
    key = rotator.find_key(Secret(leaked.value))
    assert key is not None
    assert (key.key_id, key.attribute("status")) == (leaked.id, "inactive")
    assert [ref.attribute("status") for ref in rotator.list_keys()] == ["inactive"]
    rotator.revoke(key)
    assert leaked.status == "archived"


def test_reissue_is_refused_with_instructions(
    fake_anthropic: FakeAnthropic, http_client: httpx.Client
) -> None:
    with pytest.raises(PermanentError, match=r"console\.anthropic\.com"):
        on(fake_anthropic, http_client).reissue(KeyRef("anthropic", "apikey_1", "wrkspc_1"), "t")


def test_verify_sends_the_version_header() -> None:
    # The body Anthropic documents for a key it does not accept.
    invalid = {"type": "error", "error": {"type": "authentication_error", "message": "invalid"}}
    script = Scripted(("GET", "/v1/models", httpx.Response(401, json=invalid)))
    verdict = AnthropicRotator(script.client()).verify(Secret("sk-ant-api03-" + "x" * 40))
    assert verdict.liveness is Liveness.DEAD
    assert script.sent[0].headers["anthropic-version"] == "2023-06-01"
    assert script.sent[0].headers["x-api-key"].startswith("sk-ant-api03-")


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 529},
        {"status": 429, "retry_after": "2"},
        {"status": 200, "html": True},
        {"hang": 5.0},
    ],
)
def test_verify_unknown_on_trouble(
    fake_anthropic: FakeAnthropic, http_client: httpx.Client, failure: dict
) -> None:
    leaked = fake_anthropic.add_key()
    fake_anthropic.fail_next("/v1/models", **failure)
    verdict = on(fake_anthropic, http_client).verify(Secret(leaked.value))
    assert verdict.liveness is Liveness.UNKNOWN
    assert leaked.value not in verdict.reason


def test_revoke_429_is_transient_with_retry_after(
    fake_anthropic: FakeAnthropic, http_client: httpx.Client
) -> None:
    leaked = fake_anthropic.add_key()
    fake_anthropic.fail_next("/v1/organizations/api_keys", status=429, retry_after="30")
    with pytest.raises(TransientError) as caught:
        on(fake_anthropic, http_client).revoke(KeyRef("anthropic", leaked.id))
    assert caught.value.retry_after == 30.0
    assert leaked.status == "active"


def test_rejected_admin_key_is_permanent(
    fake_anthropic: FakeAnthropic, http_client: httpx.Client
) -> None:
    rotator = AnthropicRotator(
        http_client, admin_key=Secret("sk-ant-admin01-no"), base_url=fake_anthropic.url
    )
    with pytest.raises(PermanentError, match="401"):
        rotator.list_keys()


def test_admin_keys_are_verified_on_an_admin_endpoint(
    fake_anthropic: FakeAnthropic, http_client: httpx.Client
) -> None:
    # An Admin API key is unknown to the inference endpoints; /v1/organizations/me knows it.
    live = fake_anthropic.add_key()
    rotator = AnthropicRotator(http_client, base_url=fake_anthropic.url)
    assert rotator.verify(Secret(fake_anthropic.admin_key)).liveness is Liveness.LIVE
    dead = rotator.verify(Secret("sk-ant-admin01-" + "Q" * 40))
    assert dead.liveness is Liveness.DEAD
    assert rotator.verify(Secret(live.value)).liveness is Liveness.LIVE
    assert fake_anthropic.paths() == ["GET /v1/organizations/me"] * 2 + ["GET /v1/models"]


def test_scan_verify_reads_a_leaked_admin_key_as_live(
    fake_anthropic: FakeAnthropic, http_client: httpx.Client
) -> None:
    # The dispatch `leakward scan --verify` uses, pointed at the fake as LEAKWARD_API_ANTHROPIC.
    verdict = verify_secret(
        "anthropic",
        Secret(fake_anthropic.admin_key),
        http_client,
        base_urls={"anthropic": fake_anthropic.url},
    )
    assert verdict.liveness is Liveness.LIVE
