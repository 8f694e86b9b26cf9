"""The shared shell of rotators that drive one provider's REST API with a managing credential.

Stage: rotators. SendGrid, Anthropic, OpenAI, GitLab and Cloudflare each hold an HTTP client, a
managing credential (None until configured: verify still works, anything administrative stops
with a PermanentError naming what to set) and a base URL, build endpoint URLs from their
`ProviderFacts`, and read the credential and base URL from the environment variables their
registry entry names (registry.py: the credential listed first, `LEAKWARD_API_<NAME>`). A
subclass names its `facts` and `admin_missing`, may say how the credential is sent
(`_admin_headers`; by default as its facts' `key_auth` sends any key), and overrides
`_configured` when its constructor takes other keywords. `_verify_with` is the usual verify: one
GET with the key, the answer read by the facts' liveness rules.
Google (an OAuth token source, several hosts) and Twilio (Basic auth with an account SID) differ
enough to keep their own constructors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Self

import httpx

from leakward.core.secret import Secret
from leakward.rotators.base import PermanentError, Verdict
from leakward.rotators.providers.environment import http_client, secret_from
from leakward.rotators.providers.facts import ProviderFacts
from leakward.rotators.providers.http import probe
from leakward.rotators.providers.liveness_rules import read_verdict
from leakward.rotators.providers.registry import PROVIDERS, url_for


class HttpRotator:
    provider: ClassVar[str]
    facts: ClassVar[ProviderFacts]
    admin_missing: ClassVar[str]  # the PermanentError message when no credential is set

    def __init__(
        self, client: httpx.Client, *, admin_key: Secret | None = None, base_url: str | None = None
    ) -> None:
        self._client = client
        self._admin_key = admin_key
        self._base = (base_url or self.facts.base_url).rstrip("/")

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Self:
        """The credential from the registry's first credential variable, the base URL from
        `LEAKWARD_API_<NAME>`."""
        admin_variable = PROVIDERS[cls.provider].credentials[0]
        return cls._configured(
            http_client(),
            secret_from(environ, admin_variable),
            url_for(environ, cls.provider),
            environ,
        )

    @classmethod
    def _configured(
        cls, client: httpx.Client, admin: Secret | None, base_url: str, environ: Mapping[str, str]
    ) -> Self:
        return cls(client, admin_key=admin, base_url=base_url)

    def _url(self, name: str, **parts: str) -> str:
        return self.facts.url(self._base, name, **parts)

    def _admin(self) -> dict[str, str]:
        if self._admin_key is None:
            raise PermanentError(self.admin_missing)
        return self._admin_headers(self._admin_key)

    def _admin_headers(self, admin: Secret) -> dict[str, str]:
        return self.facts.key_auth.headers(admin)

    def _verify_with(self, endpoint: str, secret: Secret) -> Verdict:
        """The usual verify: GET `endpoint` with the key as the facts send it, read by its rules."""
        facts = self.facts
        answer = probe(
            self._client,
            "GET",
            self._url(endpoint),
            headers=facts.key_auth.headers(secret),
            keep=facts.probe_keeps,
        )
        identity = None
        if facts.key_auth.identity_header and isinstance(answer, httpx.Response):
            identity = answer.headers.get(facts.key_auth.identity_header)
        return read_verdict(answer, facts.liveness, identity=identity)
