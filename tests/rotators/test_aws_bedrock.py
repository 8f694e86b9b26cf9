"""Bedrock long-term API keys: found by their alias across users, reissued within IAM's two-key
cap with the leaked key's lifetime, disabled and deleted; verify reads the key's IAM status."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import boto3
import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness, PermanentError
from leakward.rotators.providers.aws_bedrock import BedrockApiKeyRotator, alias_of
from leakward.rotators.providers.liveness import verify_secret
from leakward.rules.loader import load_rules
from tests.fakes.bedrock_iam import FakeBedrockIam


@pytest.fixture
def rotator(fake_bedrock_iam: FakeBedrockIam) -> BedrockApiKeyRotator:
    iam = boto3.client(
        "iam",
        region_name="us-east-1",
        endpoint_url=fake_bedrock_iam.url,
        aws_access_key_id="admin-testing",
        aws_secret_access_key="admin-testing",
    )
    return BedrockApiKeyRotator(iam)


def test_full_cycle_keeps_the_lifetime(
    fake_bedrock_iam: FakeBedrockIam, rotator: BedrockApiKeyRotator
) -> None:
    leaked = fake_bedrock_iam.add_key("BedrockAPIKey-ab12", age_days=30)
    fake_bedrock_iam.add_key("someone-else")
    key = rotator.find_key(Secret(leaked.value))
    assert key is not None
    assert (key.key_id, key.account) == (leaked.id, "BedrockAPIKey-ab12")
    assert rotator.verify(Secret(leaked.value), key).liveness is Liveness.LIVE
    key = replace(key, settings=rotator.read_settings(key))
    assert key.settings == {"credential_age_days": 30}
    new = rotator.reissue(key, "rot-1")
    created = fake_bedrock_iam.credentials[str(new.key_id)]
    assert fake_bedrock_iam.verify_key(new.secret.reveal())
    assert created.expires is not None
    assert created.expires - created.created == timedelta(days=30)
    assert rotator.contain(key) is True
    assert rotator.verify(Secret(leaked.value), key).liveness is Liveness.UNKNOWN  # Inactive
    rotator.revoke(key)
    rotator.revoke(key)  # already deleted: NoSuchEntity is not an error
    assert rotator.verify(Secret(leaked.value), key).liveness is Liveness.DEAD
    assert {c.id for c in fake_bedrock_iam.live() if c.user == key.account} == {new.key_id}


def test_the_two_key_cap_stops_before_creating(
    fake_bedrock_iam: FakeBedrockIam, rotator: BedrockApiKeyRotator
) -> None:
    leaked = fake_bedrock_iam.add_key("ci")
    other = fake_bedrock_iam.add_key("ci")
    key = KeyRef("aws_bedrock", leaked.id, "ci", settings={})
    with pytest.raises(PermanentError, match=other.id):
        rotator.reissue(key, "rot-1")
    assert len(fake_bedrock_iam.credentials) == 2


def test_every_page_is_read(
    fake_bedrock_iam: FakeBedrockIam, rotator: BedrockApiKeyRotator
) -> None:
    for n in range(120):
        fake_bedrock_iam.add_key(f"user-{n}")
    last = fake_bedrock_iam.add_key("last")
    assert len(rotator.list_keys()) == 121
    assert rotator.find_key(Secret(last.value)) is not None


def test_a_lost_create_is_found_by_its_creation_time(
    fake_bedrock_iam: FakeBedrockIam, rotator: BedrockApiKeyRotator
) -> None:
    leaked = fake_bedrock_iam.add_key("ci")
    key = KeyRef("aws_bedrock", leaked.id, "ci", settings={})
    since = datetime.now(UTC) - timedelta(seconds=1)
    new = rotator.reissue(key, "rot-1")
    assert [k.key_id for k in rotator.find_unrecorded(key, "rot-1", since).keys] == [new.key_id]
    later = datetime.now(UTC) + timedelta(minutes=5)
    assert rotator.find_unrecorded(key, "rot-1", later).keys == ()


def test_no_replacement_without_the_lifetime(
    fake_bedrock_iam: FakeBedrockIam, rotator: BedrockApiKeyRotator
) -> None:
    leaked = fake_bedrock_iam.add_key("ci", age_days=7)
    key = KeyRef("aws_bedrock", leaked.id, "ci")
    rotator.revoke(key)
    with pytest.raises(PermanentError, match="lifetime is unknown"):
        rotator.reissue(key, "rot-1")
    assert fake_bedrock_iam.credentials == {}


def test_other_shapes_are_not_bedrock_keys(rotator: BedrockApiKeyRotator) -> None:
    assert alias_of(Secret("ABSK!!!not-base64")) is None
    assert alias_of(Secret("AKIAIOSFODNN7EXAMPLE")) is None
    verdict = rotator.verify(Secret("sk-something"))
    assert verdict.liveness is Liveness.UNKNOWN


def test_without_admin_credentials_rotation_says_what_to_set() -> None:
    rotator = BedrockApiKeyRotator(None)
    with pytest.raises(PermanentError, match="AWS_ACCESS_KEY_ID"):
        rotator.revoke(KeyRef("aws_bedrock", "ACCA" + "0" * 20, "ci"))


def test_scan_verify_of_a_found_key_is_unknown_with_the_reason() -> None:
    # The rule names the key's own provider, and its check answers without crashing: the
    # scanning machine's credentials cannot tell another account's live key from a deleted one.
    [rule] = [r for r in load_rules().rules if r.id == "aws.bedrock_api_key"]
    assert rule.provider == "aws_bedrock"
    value = "ABSK" + base64.b64encode(b"BedrockAPIKey-ab12-at-123456789012:" + b"s" * 40).decode()
    with httpx.Client() as client:
        verdict = verify_secret("aws_bedrock", Secret(value), client)
    assert verdict.liveness is Liveness.UNKNOWN
    assert "its own account" in verdict.reason
