"""GitHub Actions secrets (repository, environment, organization) as a destination store.

Stage: rotators (delivery). GitHub only accepts values sealed to the scope's public key: fetch
`…/secrets/public-key`, encrypt with a libsodium sealed box (PyNaCl), then PUT
`{encrypted_value, key_id}` (201 created, 204 updated). Values are write-only and the last
writer wins, so writing again is harmless and `promote` has nothing to do. The API base URL is
configurable (GitHub Enterprise Server, the test suite's fake).
Reference: docs.github.com/rest/actions/secrets and …/guides/encrypting-secrets-for-the-rest-api
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import ClassVar

import httpx
from nacl.encoding import Base64Encoder
from nacl.public import PublicKey, SealedBox

from leakward.core.secret import Secret
from leakward.registry.consumers import (
    GitHubActionsEnvironmentSecret,
    GitHubActionsOrganizationSecret,
    GitHubActionsSecret,
    consumer_from,
)
from leakward.rotators.base import PermanentError
from leakward.rotators.stores.http_status import send

API = "https://api.github.com"
_HINT = "check that the token can write Actions secrets there (repo/admin:org scope)"


def github_client(environ: Mapping[str, str]) -> httpx.Client:
    """A client for $GITHUB_API_URL (default api.github.com) with $GITHUB_TOKEN."""
    token = environ.get("GITHUB_TOKEN", "")
    return httpx.Client(
        base_url=environ.get("GITHUB_API_URL", API),
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        },
        timeout=httpx.Timeout(10.0),
    )


def seal(public_key_b64: str, value: Secret) -> str:
    """The value sealed to GitHub's public key, base64: only GitHub can open it."""
    box = SealedBox(PublicKey(public_key_b64.encode(), encoder=Base64Encoder))
    return base64.b64encode(box.encrypt(value.reveal().encode())).decode()


class _GitHubSecretsStore:
    kind: ClassVar[str] = ""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> _GitHubSecretsStore:
        return cls(github_client(environ))

    def _scope(self, locator: str) -> tuple[str, str]:
        """The secrets collection path and the secret's name."""
        raise NotImplementedError

    def _extra(self, scope: str, name: str) -> dict[str, object]:
        return {}

    def put(self, locator: str, value: Secret, idempotency_token: str) -> None:
        scope, name = self._scope(locator)
        what = f"GitHub {self.kind} secret {name}"
        request = self.client.build_request("GET", f"{scope}/public-key")
        public = send(self.client, request, f"{what} (public key)", _HINT).json()
        body = {
            "encrypted_value": seal(str(public["key"]), value),
            "key_id": str(public["key_id"]),
            **self._extra(scope, name),
        }
        request = self.client.build_request("PUT", f"{scope}/{name}", json=body)
        send(self.client, request, what, _HINT)

    def promote(self, locator: str, idempotency_token: str) -> None:
        return  # no staging at GitHub: the PUT made the value current


class GitHubActionsStore(_GitHubSecretsStore):
    kind: ClassVar[str] = "github-actions"

    def _scope(self, locator: str) -> tuple[str, str]:
        consumer = consumer_from(self.kind, locator)
        if not isinstance(consumer, GitHubActionsSecret):
            raise PermanentError(f"not a {self.kind} locator: {locator}")
        return f"/repos/{consumer.repository}/actions/secrets", consumer.name


class GitHubEnvironmentStore(_GitHubSecretsStore):
    kind: ClassVar[str] = "github-actions-env"

    def _scope(self, locator: str) -> tuple[str, str]:
        consumer = consumer_from(self.kind, locator)
        if not isinstance(consumer, GitHubActionsEnvironmentSecret):
            raise PermanentError(f"not a {self.kind} locator: {locator}")
        base = f"/repos/{consumer.repository}/environments/{consumer.environment}"
        return f"{base}/secrets", consumer.name


class GitHubOrganizationStore(_GitHubSecretsStore):
    kind: ClassVar[str] = "github-actions-org"

    def _scope(self, locator: str) -> tuple[str, str]:
        consumer = consumer_from(self.kind, locator)
        if not isinstance(consumer, GitHubActionsOrganizationSecret):
            raise PermanentError(f"not a {self.kind} locator: {locator}")
        return f"/orgs/{consumer.organization}/actions/secrets", consumer.name

    def _extra(self, scope: str, name: str) -> dict[str, object]:
        # Org secrets need a visibility; keep the existing one, else the narrowest.
        try:
            response = self.client.get(f"{scope}/{name}")
        except httpx.TransportError:
            response = None
        if response is not None and response.status_code == 200:
            visibility = str(response.json().get("visibility", "private"))
            if visibility != "selected":
                return {"visibility": visibility}
            # "selected" needs the repository ids again, or GitHub would empty the list.
            listed = self.client.get(f"{scope}/{name}/repositories")
            if listed.status_code == 200:
                ids = [r["id"] for r in listed.json().get("repositories", [])]
                return {"visibility": "selected", "selected_repository_ids": ids}
        return {"visibility": "private"}
