"""GitHub Actions secrets (repository, environment, organization) as a destination store.

Stage: rotators (delivery). GitHub only accepts values sealed to the scope's public key: fetch
`…/secrets/public-key`, encrypt with a libsodium sealed box (PyNaCl), then PUT
`{encrypted_value, key_id}` (201 created, 204 updated). Values are write-only and the last
writer wins, so writing again is harmless and `promote` has nothing to do. The API base URL is
configurable (GitHub Enterprise Server, the test suite's fake). A rate limit (403 or 429, read
by rotators/github_rate_limit.py) is a TransientError like any other "try again later".
An organization secret's PUT must say who may read it: an existing secret keeps its visibility,
and a "selected" one every repository it had (all pages of its list) plus those its consumer
spec names; a new secret gets the narrowest setting, "selected" with the named repositories.
Reference: docs.github.com/rest/actions/secrets and …/guides/encrypting-secrets-for-the-rest-api
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import ClassVar
from urllib.parse import quote

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
from leakward.rotators.base import PermanentError, TransientError
from leakward.rotators.github_rate_limit import rate_limit_error
from leakward.rotators.stores.http_status import check

API = "https://api.github.com"
_HINT = "check that the token can write Actions secrets there (repo/admin:org scope)"
# GitHub's largest page, and pages of an org secret's repositories read before giving up.
PER_PAGE = 100
MAX_PAGES = 100
VISIBILITIES = ("all", "private", "selected")


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


JsonObject = dict[str, object]


def _object(response: httpx.Response, what: str) -> JsonObject:
    """The body as a JSON object; anything else is a garbled answer worth retrying."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise TransientError(f"{what}: the answer was not a JSON object")
    return body


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

    def _extra(self, locator: str, scope: str, name: str) -> dict[str, object]:
        return {}

    def _answer(
        self,
        method: str,
        path: str,
        what: str,
        *,
        json: Mapping[str, object] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """GitHub's answer; TransientError for a timeout, a lost connection or a rate limit."""
        request = self.client.build_request(method, path, json=json, params=params)
        try:
            response = self.client.send(request)
        except httpx.TransportError as error:
            raise TransientError(f"{what}: {type(error).__name__}") from None
        limited = rate_limit_error(response, what)
        if limited is not None:
            raise limited
        return response

    def _get_object(
        self, path: str, what: str, params: Mapping[str, str] | None = None
    ) -> JsonObject:
        return _object(check(self._answer("GET", path, what, params=params), what, _HINT), what)

    def put(self, locator: str, value: Secret, idempotency_token: str) -> None:
        scope, name = self._scope(locator)
        what = f"GitHub {self.kind} secret {name}"
        public = self._get_object(f"{scope}/public-key", f"{what} (public key)")
        body = {
            "encrypted_value": seal(str(public["key"]), value),
            "key_id": str(public["key_id"]),
            **self._extra(locator, scope, name),
        }
        check(self._answer("PUT", f"{scope}/{name}", what, json=body), what, _HINT)

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
        # GitHub's docs: the name "must be URL encoded", a slash as %2F.
        environment = quote(consumer.environment, safe="")
        base = f"/repos/{consumer.repository}/environments/{environment}"
        return f"{base}/secrets", consumer.name


class GitHubOrganizationStore(_GitHubSecretsStore):
    kind: ClassVar[str] = "github-actions-org"

    def _consumer(self, locator: str) -> GitHubActionsOrganizationSecret:
        consumer = consumer_from(self.kind, locator)
        if not isinstance(consumer, GitHubActionsOrganizationSecret):
            raise PermanentError(f"not a {self.kind} locator: {locator}")
        return consumer

    def _scope(self, locator: str) -> tuple[str, str]:
        consumer = self._consumer(locator)
        return f"/orgs/{consumer.organization}/actions/secrets", consumer.name

    def _extra(self, locator: str, scope: str, name: str) -> dict[str, object]:
        consumer = self._consumer(locator)
        what = f"GitHub {self.kind} secret {name}"
        existing = self._answer("GET", f"{scope}/{name}", f"{what} (visibility)")
        if existing.status_code == 404:
            named = [self._repository_id(consumer.organization, r) for r in consumer.repositories]
            # A new secret: only the repositories named may read it, never "all private ones".
            return {"visibility": "selected", "selected_repository_ids": named}
        checked = check(existing, f"{what} (visibility)", _HINT)
        visibility = _object(checked, f"{what} (visibility)").get("visibility")
        if visibility not in VISIBILITIES:
            raise PermanentError(f"{what}: GitHub named no known visibility; set it by hand")
        if visibility != "selected":
            return {"visibility": visibility}
        # The PUT replaces the list, so send every repository that has it, or they lose it.
        kept = self._selected_ids(scope, name, what)
        named = [self._repository_id(consumer.organization, r) for r in consumer.repositories]
        return {
            "visibility": "selected",
            "selected_repository_ids": kept + [i for i in named if i not in kept],
        }

    def _selected_ids(self, scope: str, name: str, what: str) -> list[int]:
        """Every repository id of a "selected" secret, page by page (30 unless asked)."""
        ids: list[int] = []
        for page in range(1, MAX_PAGES + 1):
            params = {"per_page": str(PER_PAGE), "page": str(page)}
            body = self._get_object(
                f"{scope}/{name}/repositories", f"{what} (repositories)", params
            )
            listed = body.get("repositories")
            repositories = listed if isinstance(listed, list) else []
            ids += [
                r["id"]
                for r in repositories
                if isinstance(r, dict) and isinstance(r.get("id"), int)
            ]
            total = body.get("total_count")
            if not repositories or (isinstance(total, int) and len(ids) >= total):
                return ids
        raise TransientError(f"{what}: more than {MAX_PAGES} pages of repositories")

    def _repository_id(self, organization: str, repository: str) -> int:
        what = f"GitHub repository {organization}/{repository}"
        found = self._answer("GET", f"/repos/{organization}/{repository}", what)
        body = _object(check(found, what, _HINT), what) if found.status_code != 404 else {}
        identifier = body.get("id")
        if not isinstance(identifier, int):
            raise PermanentError(
                f"{what} was not found (or the token cannot see it); fix the repositories the "
                "consumer spec names"
            )
        return identifier
