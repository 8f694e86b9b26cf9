"""GitHub: App installation tokens and deploy keys (full rotation); PATs and OAuth tokens
(revoke-only, through the credential revocation API).

Stage: rotators. `KeyRef.attribute("kind")` picks the credential: "installation" (account = the
installation id), "deploy_key" (account = "owner/repo", key_id = the key id) or "token" (a PAT or
OAuth/App user token); attributes `installation_id` and `repository` may name the installation
and the repository instead of the account. Bearer-only credentials (tokens, installation tokens)
can only be killed with the value itself, so `revoke` needs the leaked value for them; deploy keys
are deleted by id, and `verify` finds them in their repository's key list (which is why it takes
the `KeyRef`; rotators/providers/github_deploy_keys.py).
github.com and GitHub Enterprise Server differ in data only (`GitHubFlavour`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar, Self

import httpx

from leakward.core.secret import Secret
from leakward.rotators.base import (
    Capability,
    KeyRef,
    Liveness,
    NewCredential,
    PermanentError,
    Settings,
    TransientError,
    Unrecorded,
    Verdict,
)
from leakward.rotators.github_rate_limit import rate_limit_error
from leakward.rotators.providers.environment import http_client, secret_from
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.github_app import app_jwt
from leakward.rotators.providers.github_deploy_keys import DeployKeys, is_deploy_key, repository
from leakward.rotators.providers.http import (
    call,
    expect,
    field,
    json_object,
    optional_field,
    probe,
)
from leakward.rotators.providers.key_hints import tagged, valid_for
from leakward.rotators.providers.liveness_rules import read_verdict
from leakward.rotators.providers.registry import configured_url

FACTS_GITHUB = FACTS["github"]
# "Installation access tokens expire one hour from the time you create them" (docs.github.com
# rest/apps/apps#create-an-installation-access-token-for-an-app).
INSTALLATION_TOKEN_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class GitHubFlavour:
    """Where github.com and GHES differ (docs.github.com/rest/credentials/revoke, fpt vs ghes)."""

    name: str
    api_base: str
    # github.com: the revocation API is unauthenticated and refuses authenticated calls (403);
    # GHES 3.18/3.19: "60 authenticated requests per hour".
    revoke_authenticated: bool
    revocable_prefixes: tuple[str, ...]
    max_credentials_per_revoke: int = 1000


GITHUB_COM = GitHubFlavour(
    "github.com",
    FACTS_GITHUB.base_url,
    revoke_authenticated=False,
    # gho_/ghu_/ghr_ were added on 2026-03-26 (github.blog changelog).
    revocable_prefixes=("ghp_", "github_pat_", "gho_", "ghu_", "ghr_"),
)


def enterprise_server(host: str) -> GitHubFlavour:
    return GitHubFlavour("ghes", f"https://{host}/api/v3", True, ("ghp_", "github_pat_"))


class GitHubRotator:
    provider: ClassVar[str] = "github"
    capability: ClassVar[Capability] = Capability.FULL
    rotates_in_place: ClassVar[bool] = False

    def __init__(
        self,
        client: httpx.Client,
        *,
        flavour: GitHubFlavour = GITHUB_COM,
        base_url: str | None = None,
        app_id: str | None = None,
        app_private_key: Secret | None = None,
        admin_token: Secret | None = None,
    ) -> None:
        self._client = client
        self._flavour = flavour
        self._base = (base_url or flavour.api_base).rstrip("/")
        self._app_id = app_id
        self._app_key = app_private_key
        self._admin_token = admin_token  # deploy keys: a token with repo administration
        self._deploy_keys = DeployKeys(client, self._base, self._admin)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Self:
        """LEAKWARD_API_GITHUB (else GITHUB_API_URL, as GitHub Actions sets it) or
        GITHUB_ENTERPRISE_HOST, GITHUB_TOKEN (deploy keys; GHES
        revocation), GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY (installation tokens)."""
        host = environ.get("GITHUB_ENTERPRISE_HOST")
        return cls(
            http_client(),
            flavour=enterprise_server(host) if host else GITHUB_COM,
            base_url=configured_url(environ, "github"),
            app_id=environ.get("GITHUB_APP_ID"),
            app_private_key=secret_from(environ, "GITHUB_APP_PRIVATE_KEY"),
            admin_token=secret_from(environ, "GITHUB_TOKEN"),
        )

    def _url(self, name: str, **parts: str) -> str:
        return FACTS_GITHUB.url(self._base, name, keep="/", **parts)

    @staticmethod
    def _bearer(secret: Secret) -> dict[str, str]:
        return FACTS_GITHUB.key_auth.headers(secret)

    def _admin(self) -> dict[str, str]:
        if self._admin_token is None:
            raise PermanentError("GitHub: no admin token configured for deploy keys")
        return self._bearer(self._admin_token)

    # --- verify -------------------------------------------------------------------------
    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        """Tokens by calling the API with them; deploy keys by their repository's key list
        (`key` names the repository), since only an SSH handshake could use one directly."""
        value = secret.reveal()
        if is_deploy_key(secret, key):
            return self._deploy_keys.verify(secret, key)
        if value.startswith("ghr_"):
            return Verdict(Liveness.UNKNOWN, "refresh tokens cannot be checked without the app")
        if value.startswith("ghs_"):
            # Installation tokens may not read /user (403 "not accessible by integration").
            answer = probe(
                self._client, "GET", self._url("installation_repos"), headers=self._bearer(secret)
            )
        else:
            answer = probe(self._client, "GET", self._url("user"), headers=self._bearer(secret))
        login = None
        if (
            isinstance(answer, httpx.Response)
            and answer.status_code == 200
            and not value.startswith("ghs_")
        ):
            with contextlib.suppress(ValueError):
                body = answer.json()
                login = body.get("login") if isinstance(body, dict) else None
        return read_verdict(answer, FACTS_GITHUB.liveness, identity=str(login) if login else None)

    # --- installation tokens ------------------------------------------------------------
    def _mint_installation_token(self, installation_id: str) -> NewCredential:
        if self._app_id is None or self._app_key is None:
            raise PermanentError("GitHub: App id and private key are needed to mint tokens")
        jwt = app_jwt(self._app_id, self._app_key)
        response = call(
            self._client,
            "POST",
            self._url("mint_installation", installation_id=installation_id),
            what="mint installation token",
            slow_down=rate_limit_error,
            headers=self._bearer(jwt),
            admin_hint="check the App id and private key",
        )
        body = json_object(expect(response, "mint installation token", 201), "mint token")
        return NewCredential(
            secret=Secret(field(body, "token", "mint installation token")),
            expires_at=optional_field(body, "expires_at"),
            extra_public=(("installation_id", installation_id),),
        )

    # --- the protocol -------------------------------------------------------------------
    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        kind = key.attribute("kind") or "token"
        if kind == "installation":
            installation = key.attribute("installation_id") or key.account
            if not installation:
                raise PermanentError(
                    "GitHub: an installation token needs its installation id; register it "
                    "with --attribute installation_id=ID (or as the account)"
                )
            return self._mint_installation_token(installation)
        if kind == "deploy_key":
            return self._deploy_keys.reissue(key, idempotency_token)
        raise PermanentError(
            "GitHub: personal access and OAuth tokens cannot be created through the API; "
            + self.manual_steps(key)
        )

    def read_settings(self, key: KeyRef) -> Settings | None:
        """A deploy key's access; nothing else is copied (an installation token gets the App's
        permissions on the installation, and tokens are never minted here)."""
        if key.attribute("kind") == "deploy_key":
            return self._deploy_keys.read_settings(key)
        return {}

    def capability_for(self, key: KeyRef) -> Capability:
        kind = key.attribute("kind") or "token"
        # Installation tokens and deploy keys can be minted; PATs and OAuth tokens cannot.
        return Capability.FULL if kind in ("installation", "deploy_key") else Capability.REVOKE_ONLY

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        """Deploy keys by id; bearer tokens with their own value, then confirm they are dead."""
        kind = key.attribute("kind") or "token"
        if kind == "deploy_key":
            repo = repository(key)
            if not repo or not key.key_id:
                raise PermanentError("GitHub: a deploy key needs its repository and key id")
            self._deploy_keys.delete(repo, key.key_id)
            return
        if secret is None:
            raise PermanentError(
                f"GitHub: a {kind} can only be revoked with its own value, and this rotation "
                "was started without the leaked value; start such rotations with it (leakward "
                "rotate KEY --secret-stdin) or revoke the token by hand: " + self.manual_steps(key)
            )
        if secret.reveal().startswith("ghs_"):
            response = call(
                self._client,
                "DELETE",
                self._url("installation_token"),
                what="revoke installation token",
                slow_down=rate_limit_error,
                headers=self._bearer(secret),
                passthrough=(401,),
            )
            # 401: already revoked or expired, which is the goal.
            expect(response, "revoke installation token", 204, 401)
            return
        self._revoke_through_credentials_api(secret)

    def _revoke_through_credentials_api(self, secret: Secret) -> None:
        value = secret.reveal()
        if not value.startswith(self._flavour.revocable_prefixes):
            raise PermanentError(
                f"GitHub ({self._flavour.name}): the revocation API does not take "
                f"{secret.redacted()}; " + self.manual_steps(KeyRef("github"))
            )
        headers = FACTS_GITHUB.key_auth.headers()
        if self._flavour.revoke_authenticated:
            headers.update(self._admin())
        response = call(
            self._client,
            "POST",
            self._url("credentials_revoke"),
            what="revoke credential",
            slow_down=rate_limit_error,
            headers=headers,
            json={"credentials": [value]},
        )
        # 422 means "validation failed, or the endpoint has been spammed": retry later.
        if response.status_code == 422:
            raise TransientError("GitHub revocation API refused the request (422)", 60.0)
        expect(response, "revoke credential", 202, 200)
        if value.startswith("ghr_"):
            return  # a refresh token cannot be checked against /user
        # The API answers 202 whatever it did, so only a failing login proves the kill.
        verdict = self.verify(secret)
        if verdict.liveness is not Liveness.DEAD:
            raise TransientError(
                f"GitHub still accepts the token after revocation: {verdict.reason}",
                verdict.retry_after,
            )

    def contain(self, key: KeyRef) -> bool:
        return False  # no reversible disable for GitHub tokens or deploy keys

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        kind = key.attribute("kind") or "token"
        repo = repository(key)
        if kind == "deploy_key" and repo:
            return tagged(self._deploy_keys.refs(repo), idempotency_token)  # titled by token
        if kind == "installation":
            # GitHub lists no installation tokens, and only a token's own value revokes it.
            return valid_for(INSTALLATION_TOKEN_LIFETIME)
        return Unrecorded()  # personal and OAuth tokens are never issued here

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        """Deploy keys of repository `account` ("owner/repo"); nothing else is listable."""
        # An installation id is no repository (the pipeline asks with the key's account).
        if account is None or "/" not in account:
            return []
        return self._deploy_keys.refs(account)

    def manual_steps(self, key: KeyRef) -> str:
        kind = key.attribute("kind") or "token"
        if kind == "deploy_key":
            return (
                f"In {repository(key) or 'the repository'} Settings > Deploy keys, delete key "
                f"{key.key_id or key.hint or '(unknown)'}, add a new one and update its users."
            )
        if kind == "installation":
            return "Installation tokens expire within an hour; mint a new one with the App."
        return (
            f"Create a replacement token at {FACTS_GITHUB.console_url} (fine-grained, the same "
            "repositories and permissions, a short expiry) and update every consumer. Better: "
            "replace the token with a GitHub App installation token minted on demand."
        )
