"""`leakward scan --verify`: one read-only liveness check per finding, dispatched by provider.

Stage: rotators (called by the shell, never by the scanner). Each provider's rotator owns its
verify call; the registry (registry.py) says which rotator that is, and this module imports it
only when a finding of that provider is checked. Most providers need just their rotator built on
one base URL; those that need more (AWS and Twilio keys pair with their key id, Google key files
go to the service-account check) name a `check_found` function in their registry entry. Tests
point every provider at a fake through `base_urls`. Providers without a verifier answer UNKNOWN,
never DEAD.

`base_urls` keys are registry URL keys: provider names, plus "google.gemini" (Generative
Language API), "gcp.token" (the OAuth token endpoint) and "twilio.api" (api.twilio.com), and
"twilio.account" (the Account SID an SK key belongs to).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, cast

import httpx

from leakward.core.import_path import resolve
from leakward.core.secret import Secret
from leakward.rotators.base import Liveness, RotationError, Verdict
from leakward.rotators.providers.registry import PROVIDERS, default_url

if TYPE_CHECKING:
    from leakward.rotators.providers.sts import StsFactory

Urls = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class FoundSecret:
    """A found secret to check, with what a provider's check may need."""

    secret: Secret
    key_id: str | None
    client: httpx.Client
    urls: Urls  # overrides by registry URL key; the registry's defaults fill the rest
    sts_factory: StsFactory | None = None

    def url(self, key: str) -> str:
        return self.urls.get(key) or default_url(key)


class _Verifier(Protocol):
    def verify(self, secret: Secret) -> Verdict: ...


def _on_base_url(name: str, found: FoundSecret) -> Verdict:
    """The usual check: the provider's rotator on its base URL verifies the secret."""
    factory = cast("Callable[..., _Verifier]", PROVIDERS[name].rotator_class())
    return factory(found.client, base_url=found.url(name)).verify(found.secret)


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
    entry = PROVIDERS.get(provider)
    if entry is None:
        return Verdict(Liveness.UNKNOWN, f"no verifier for {provider}")
    found = FoundSecret(secret, key_id, client, base_urls or {}, sts_factory)
    try:
        if entry.check is None:
            return _on_base_url(provider, found)
        check = cast("Callable[[FoundSecret], Verdict]", resolve(entry.check))
        return check(found)
    except RotationError as exc:
        # Rotators report trouble as UNKNOWN themselves; this is the last guard. Their
        # messages never carry the secret.
        return Verdict(Liveness.UNKNOWN, str(exc))


def verifiable_providers() -> frozenset[str]:
    return frozenset(PROVIDERS)
