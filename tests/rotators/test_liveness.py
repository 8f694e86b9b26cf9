"""verify_secret: dispatch by provider to the right rotator, with base URLs pointed at fakes."""

from __future__ import annotations

import json

import boto3
import httpx

from leakward.core.secret import Secret
from leakward.rotators.base import Liveness
from leakward.rotators.providers import ROTATORS
from leakward.rotators.providers.liveness import verifiable_providers, verify_secret
from tests.fakes.github import FakeGitHub
from tests.fakes.google import FakeGoogle
from tests.fakes.slack import FakeSlack
from tests.fakes.twilio import FakeTwilio


def test_github_and_slack_dispatch(
    fake_github: FakeGitHub, fake_slack: FakeSlack, http_client: httpx.Client
) -> None:
    urls = {"github": fake_github.url, "slack": fake_slack.url + "/api"}
    live = verify_secret(
        "github", Secret(fake_github.add_token("pat")), http_client, base_urls=urls
    )
    assert live.liveness is Liveness.LIVE
    revoked = fake_slack.add_token()
    fake_slack.live_tokens.discard(revoked)
    fake_slack.revoked_tokens.add(revoked)
    dead = verify_secret("slack", Secret(revoked), http_client, base_urls=urls)
    assert dead.liveness is Liveness.DEAD
    never = verify_secret("slack", Secret("xoxb-" + "1" * 40), http_client, base_urls=urls)
    assert never.liveness is Liveness.UNKNOWN  # invalid_auth: also an IP allowlist's answer


def test_google_key_files_go_to_the_service_account_check(
    fake_google: FakeGoogle, http_client: httpx.Client
) -> None:
    key = fake_google.add_sa_key()
    urls = {
        "google": fake_google.url,
        "google.gemini": fake_google.url,
        "gcp.token": fake_google.url + "/token",
    }
    verdict = verify_secret(
        "google", Secret(json.dumps(key.key_file())), http_client, base_urls=urls
    )
    assert verdict.liveness is Liveness.LIVE
    api_key = fake_google.add_api_key()
    assert (
        verify_secret("google", Secret(api_key.value), http_client, base_urls=urls).liveness
        is Liveness.LIVE
    )


def test_twilio_auth_token_pairs_with_its_account_sid(
    fake_twilio: FakeTwilio, http_client: httpx.Client
) -> None:
    urls = {"twilio.api": fake_twilio.url}
    verdict = verify_secret(
        "twilio",
        Secret(fake_twilio.auth_token),
        http_client,
        key_id=FakeTwilio.ACCOUNT,
        base_urls=urls,
    )
    assert verdict.liveness is Liveness.LIVE
    sid, secret = fake_twilio.add_key()
    unknown = verify_secret("twilio", Secret(secret), http_client, key_id=sid, base_urls=urls)
    assert unknown.liveness is Liveness.UNKNOWN  # the SK key's account SID is not known


def test_aws_needs_the_key_id_and_uses_the_endpoint(
    moto_url: str, http_client: httpx.Client
) -> None:
    iam = boto3.client("iam", endpoint_url=moto_url, region_name="us-east-1")
    iam.create_user(UserName="u")
    key = iam.create_access_key(UserName="u")["AccessKey"]
    secret = Secret(key["SecretAccessKey"])
    assert verify_secret("aws", secret, http_client).liveness is Liveness.UNKNOWN
    verdict = verify_secret(
        "aws", secret, http_client, key_id=key["AccessKeyId"], base_urls={"aws": moto_url}
    )
    assert verdict.liveness is Liveness.LIVE
    assert verdict.identity == "arn:aws:iam::123456789012:user/u"


def test_providers_without_a_verifier_are_unknown(http_client: httpx.Client) -> None:
    verdict = verify_secret("mailgun", Secret("key-" + "a" * 32), http_client)
    assert verdict.liveness is Liveness.UNKNOWN
    assert "no verifier" in verdict.reason


def test_every_registered_rotator_can_verify() -> None:
    assert set(ROTATORS) <= verifiable_providers()
