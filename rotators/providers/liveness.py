"""`leakward scan --verify`: one read-only liveness check per finding, dispatched by provider.

Stage: rotators (called by the shell, never by the scanner). Each provider's rotator owns its
verify call; this module only picks the rotator, joins the parts of paired credentials (AWS and
Twilio keys need their key id), and lets tests point every provider at a fake through
`base_urls`. Providers without a verifier answer UNKNOWN, never DEAD.

`base_urls` keys are provider names, plus "google.gemini" (Generative Language API), "gcp.token"
(the OAuth token endpoint), "twilio.api" (api.twilio.com) and "twilio.account" (the Account SID
an SK key belongs to) for the second hosts and settings those use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

import httpx

from leakward.core.secret import Secret
from leakward.rotators.base import Liveness, RotationError, Verdict
from leakward.rotators.providers.anthropic import AnthropicRotator
from leakward.rotators.providers.aws import (
    AwsRotator,
    StsFactory,
    aws_credential,
    default_sts_factory,
)
from leakward.rotators.providers.cloudflare import CloudflareRotator
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.gcp import OAUTH_EXCHANGE_URL, GcpServiceAccountKeyRotator
from leakward.rotators.providers.github import GitHubRotator
from leakward.rotators.providers.gitlab import GitLabRotator
from leakward.rotators.providers.google import GEMINI_URL, GoogleApiKeyRotator
from leakward.rotators.providers.huggingface import HuggingFaceRotator
from leakward.rotators.providers.openai import OpenAIRotator
from leakward.rotators.providers.postman import PostmanRotator
from leakward.rotators.providers.pypi import PyPIRotator
from leakward.rotators.providers.sendgrid import SendGridRotator
from leakward.rotators.providers.slack import SlackRotator
from leakward.rotators.providers.stripe import StripeRotator
from leakward.rotators.providers.twilio import API_URL as TWILIO_API_URL
from leakward.rotators.providers.twilio import TwilioRotator

Urls = Mapping[str, str]
_Check = Callable[[httpx.Client, Urls, Secret, str | None], Verdict]


def _base(urls: Urls, name: str) -> str:
    return urls.get(name, FACTS[name].base_url)


def _google(client: httpx.Client, urls: Urls, secret: Secret, key_id: str | None) -> Verdict:
    if secret.reveal().lstrip().startswith(("{", "-----BEGIN")):
        return _gcp(client, urls, secret, key_id)  # a service-account key file
    rotator = GoogleApiKeyRotator(
        client, base_url=_base(urls, "google"), gemini_url=urls.get("google.gemini", GEMINI_URL)
    )
    return rotator.verify(secret)


def _gcp(client: httpx.Client, urls: Urls, secret: Secret, key_id: str | None) -> Verdict:
    token_url = urls.get("gcp.token", OAUTH_EXCHANGE_URL)
    return GcpServiceAccountKeyRotator(client, token_url=token_url).verify(secret)


def _twilio(client: httpx.Client, urls: Urls, secret: Secret, key_id: str | None) -> Verdict:
    api = urls.get("twilio.api", TWILIO_API_URL)
    if key_id and key_id.startswith("AC"):  # an Auth Token, paired with its Account SID
        rotator = TwilioRotator(client, account_sid=key_id, api_url=api)
    elif key_id and urls.get("twilio.account"):
        rotator = TwilioRotator(client, account_sid=urls["twilio.account"], api_url=api)
    else:
        return Verdict(Liveness.UNKNOWN, "a Twilio key needs its SID and the account SID")
    return rotator.verify(Secret(f"{key_id}:{secret.reveal()}"))


class _Verifier(Protocol):
    def verify(self, secret: Secret) -> Verdict: ...


def _simple(name: str, factory: Callable[..., _Verifier]) -> _Check:
    """Providers whose verify needs only the client and one base URL."""

    def check(client: httpx.Client, urls: Urls, secret: Secret, key_id: str | None) -> Verdict:
        return factory(client, base_url=_base(urls, name)).verify(secret)

    return check


_CHECKS: dict[str, _Check] = {
    "anthropic": _simple("anthropic", AnthropicRotator),
    "cloudflare": _simple("cloudflare", CloudflareRotator),
    "gcp": _gcp,
    "github": _simple("github", GitHubRotator),
    "gitlab": _simple("gitlab", GitLabRotator),
    "google": _google,
    "huggingface": _simple("huggingface", HuggingFaceRotator),
    "openai": _simple("openai", OpenAIRotator),
    "postman": _simple("postman", PostmanRotator),
    "pypi": _simple("pypi", PyPIRotator),
    "sendgrid": _simple("sendgrid", SendGridRotator),
    "slack": _simple("slack", SlackRotator),
    "stripe": _simple("stripe", StripeRotator),
    "twilio": _twilio,
}


def verify_secret(
    provider: str,
    secret: Secret,
    client: httpx.Client,
    *,
    key_id: str | None = None,
    base_urls: Urls | None = None,
    sts_factory: StsFactory | None = None,
) -> Verdict:
    """LIVE, DEAD or UNKNOWN for one found secret; never raises for provider trouble.

    `key_id` is the public half of paired credentials (the AWS access key id next to a secret
    access key, the Twilio SID next to a secret). `sts_factory` points AWS at another endpoint
    (by default boto3 honours AWS_ENDPOINT_URL).
    """
    urls = base_urls or {}
    try:
        if provider == "aws":
            if not key_id:
                return Verdict(Liveness.UNKNOWN, "an AWS secret needs its access key id")
            factory = sts_factory or default_sts_factory(endpoint_url=urls.get("aws"))
            return AwsRotator(None, factory).verify(aws_credential(key_id, secret))
        check = _CHECKS.get(provider)
        if check is None:
            return Verdict(Liveness.UNKNOWN, f"no verifier for {provider}")
        return check(client, urls, secret, key_id)
    except RotationError as exc:
        # Rotators report trouble as UNKNOWN themselves; this is the last guard. Their
        # messages never carry the secret.
        return Verdict(Liveness.UNKNOWN, str(exc))


def verifiable_providers() -> frozenset[str]:
    return frozenset({"aws", *_CHECKS})
