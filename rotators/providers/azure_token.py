"""A Microsoft Entra access token for Azure Resource Manager, from a service principal's client
credentials (the OAuth 2.0 client credentials grant).

Stage: rotators (providers). `POST {login}/{tenant}/oauth2/v2.0/token` with `grant_type=
client_credentials`, the app's client id and secret and the scope
`https://management.azure.com/.default` answers `access_token` and `expires_in` (seconds)
(learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow). The token is
kept until a minute before it expires. Entra's refusals name an `error` code (invalid_client,
unauthorized_client …) and an AADSTS description; only the code reaches a message.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from leakward.core.secret import Secret
from leakward.rotators.base import PermanentError
from leakward.rotators.providers.http import call, expect, field, json_object, optional_field

ARM_SCOPE = "https://management.azure.com/.default"
EARLY = 60.0  # seconds before expiry a token is fetched anew


@dataclass(frozen=True, slots=True)
class ServicePrincipal:
    tenant: str
    client_id: str
    client_secret: Secret


class EntraToken:
    def __init__(self, client: httpx.Client, login_url: str, principal: ServicePrincipal) -> None:
        self._client = client
        self._login = login_url.rstrip("/")
        self._principal = principal
        self._token: Secret | None = None
        self._until = 0.0

    def headers(self) -> dict[str, str]:
        """The Authorization header for ARM, fetching a token when none is still valid."""
        token = self._token
        if token is None or time.monotonic() >= self._until:
            token = self._fetch()
        return {"Authorization": f"Bearer {token.reveal()}"}

    def _fetch(self) -> Secret:
        principal = self._principal
        response = call(
            self._client,
            "POST",
            f"{self._login}/{principal.tenant}/oauth2/v2.0/token",
            what="get an Entra token",
            data={
                "grant_type": "client_credentials",
                "client_id": principal.client_id,
                "client_secret": principal.client_secret.reveal(),
                "scope": ARM_SCOPE,
            },
            passthrough=(401, 403),
        )
        if response.status_code in (400, 401, 403):
            code = optional_field(json_object(response, "get an Entra token"), "error")
            raise PermanentError(
                f"Entra refused the service principal ({response.status_code} {code}); check "
                "AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET"
            )
        body = json_object(expect(response, "get an Entra token", 200), "get an Entra token")
        lifetime = body.get("expires_in")
        # Without a readable lifetime the token is used for this call only.
        seconds = float(lifetime) if isinstance(lifetime, int | float) else 0.0
        self._token = Secret(field(body, "access_token", "get an Entra token"))
        self._until = time.monotonic() + max(seconds - EARLY, 0.0)
        return self._token
