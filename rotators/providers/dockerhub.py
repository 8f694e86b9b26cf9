"""Docker Hub personal access tokens: verify, disable, reissue with the same scopes, delete.

Stage: rotators. Docker Hub's token API (`/v2/access-tokens`) takes a short-lived JWT from
`POST /v2/auth/token`. Docker documents that a personal access token cannot perform
administrative activity on its account, so managing tokens needs the account's password
(DOCKERHUB_USERNAME, DOCKERHUB_PASSWORD); with an organization's SSO enforced, or 2FA on the
account, no machine credential can, and the owner rotates by hand. A token is checked with the
account it belongs to (the registry's `account`): the scanner finds the token without it, so
`scan --verify` answers UNKNOWN. Lists never show a token's value, so a leaked token is known by
its uuid (import the account's tokens with `leakward registry import`). A replacement is found
again by its label; the API shows no expiry to copy, so it is created without one.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Self

import httpx

from leakward.core.secret import Secret
from leakward.rotators.base import (
    Capability,
    KeyRef,
    Liveness,
    NewCredential,
    PermanentError,
    Settings,
    Unrecorded,
    Verdict,
    settings_to_copy,
)
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.http import (
    call,
    expect,
    field,
    json_object,
    objects,
    probe,
)
from leakward.rotators.providers.http_rotator import HttpRotator
from leakward.rotators.providers.key_hints import tagged, token_attributes
from leakward.rotators.providers.liveness_rules import read_verdict

if TYPE_CHECKING:
    from leakward.rotators.providers.liveness import FoundSecret

FACTS_DOCKER = FACTS["docker"]
NAME_PREFIX = "leakward-"
PAGE_SIZE = 100
MAX_PAGES = 50
# The JWT lives 10 minutes (AuthCreateTokenResponse); a new one is asked for well before.
JWT_REUSE_SECONDS = 300.0


class DockerHubRotator(HttpRotator):
    provider: ClassVar[str] = "docker"
    capability: ClassVar[Capability] = Capability.FULL
    rotates_in_place: ClassVar[bool] = False
    facts = FACTS_DOCKER
    admin_missing = (
        "Docker Hub: set DOCKERHUB_USERNAME and DOCKERHUB_PASSWORD (the account's password: a "
        "personal access token may not manage tokens)"
    )

    def __init__(
        self,
        client: httpx.Client,
        *,
        admin_key: Secret | None = None,
        username: str | None = None,
        base_url: str | None = None,
    ) -> None:
        super().__init__(client, admin_key=admin_key, base_url=base_url)
        self._username = username
        self._jwt: tuple[Secret, float] | None = None

    @classmethod
    def _configured(
        cls, client: httpx.Client, admin: Secret | None, base_url: str, environ: Mapping[str, str]
    ) -> Self:
        username = environ.get("DOCKERHUB_USERNAME") or None
        return cls(client, admin_key=admin, username=username, base_url=base_url)

    def _exchange(self, identifier: str, secret: Secret) -> httpx.Response | Verdict:
        return probe(
            self._client,
            "POST",
            self._url("auth"),
            json={"identifier": identifier, "secret": secret.reveal()},
        )

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        account = key.account if key is not None else None
        if not account:
            return Verdict(
                Liveness.UNKNOWN,
                "Docker Hub checks a token together with its account name, which is not known",
            )
        answer = self._exchange(account, secret)
        return read_verdict(answer, self.facts.liveness, identity=account)

    def _admin(self) -> dict[str, str]:
        if self._admin_key is None or not self._username:
            raise PermanentError(self.admin_missing)
        now = time.monotonic()
        if self._jwt is None or now - self._jwt[1] > JWT_REUSE_SECONDS:
            response = call(
                self._client,
                "POST",
                self._url("auth"),
                what="sign in",
                json={"identifier": self._username, "secret": self._admin_key.reveal()},
                admin_hint=(
                    "check DOCKERHUB_USERNAME and DOCKERHUB_PASSWORD; with SSO enforced or 2FA "
                    "on, Docker Hub tokens are rotated by hand"
                ),
            )
            body = json_object(expect(response, "sign in", 200), "sign in")
            self._jwt = (Secret(field(body, "access_token", "sign in")), now)
        return {"Authorization": f"Bearer {self._jwt[0].reveal()}"}

    def _tokens(self) -> list[dict[str, object]]:
        found: list[dict[str, object]] = []
        for page in range(1, MAX_PAGES + 1):
            response = call(
                self._client,
                "GET",
                self._url("tokens"),
                what="list tokens",
                headers=self._admin(),
                params={"page": str(page), "page_size": str(PAGE_SIZE)},
            )
            body = json_object(expect(response, "list tokens", 200), "list tokens")
            found += objects(body, "results")
            if not body.get("next"):
                return found
        raise PermanentError(f"list tokens: more than {MAX_PAGES * PAGE_SIZE} tokens")

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        owner = account or self._username
        refs = []
        for item in self._tokens():
            label = item.get("token_label")
            status = () if item.get("is_active") is not False else (("status", "inactive"),)
            refs.append(
                KeyRef(
                    "docker",
                    field(item, "uuid", "list tokens"),
                    owner,
                    label if isinstance(label, str) else None,
                    token_attributes(label, NAME_PREFIX) + status,
                )
            )
        return refs

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        """The token labelled after the attempt's token (reissue labels each one it creates)."""
        return tagged(self.list_keys(key.account), idempotency_token)

    def read_settings(self, key: KeyRef) -> Settings | None:
        """The token's scopes; None when the account has no such token."""
        if not key.key_id:
            return None
        response = call(
            self._client,
            "GET",
            self._url("token", uuid=key.key_id),
            what="read token",
            headers=self._admin(),
        )
        if response.status_code == 404:
            return None
        scopes = json_object(expect(response, "read token", 200), "read token").get("scopes")
        return {"scopes": [str(s) for s in scopes]} if isinstance(scopes, list) else None

    def _delete(self, uuid: str) -> None:
        response = call(
            self._client,
            "DELETE",
            self._url("token", uuid=uuid),
            what="delete token",
            headers=self._admin(),
        )
        expect(response, "delete token", 204, 404)

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        label = NAME_PREFIX + idempotency_token
        for item in self._tokens():
            if item.get("token_label") == label:  # an earlier attempt, value lost
                self._delete(field(item, "uuid", "list tokens"))
        settings = settings_to_copy(key, self.read_settings)
        scopes = settings.get("scopes") if settings is not None else None
        if not isinstance(scopes, list) or not scopes:
            raise PermanentError(
                "Docker Hub: the leaked token's scopes are unknown (no such token and no "
                "snapshot); create the replacement with the scopes it had by hand"
            )
        response = call(
            self._client,
            "POST",
            self._url("tokens"),
            what="create token",
            headers=self._admin(),
            json={"token_label": label, "scopes": scopes},
        )
        created = json_object(expect(response, "create token", 201), "create token")
        return NewCredential(
            Secret(field(created, "token", "create token")), field(created, "uuid", "create")
        )

    def contain(self, key: KeyRef) -> bool:
        """Deactivate the token (`is_active: false`), which can be undone."""
        if not key.key_id:
            return False
        response = call(
            self._client,
            "PATCH",
            self._url("token", uuid=key.key_id),
            what="deactivate token",
            headers=self._admin(),
            json={"is_active": False},
        )
        return expect(response, "deactivate token", 200, 404).status_code == 200

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        if not key.key_id:
            raise PermanentError("Docker Hub: the token's uuid is unknown (import the tokens)")
        self._delete(key.key_id)

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def manual_steps(self, key: KeyRef) -> str:
        return (
            f"At {FACTS_DOCKER.console_url} create a token with the same scopes, update every "
            f"consumer, then delete token {key.hint or key.key_id or '(unknown)'}."
        )


def check_found(found: FoundSecret) -> Verdict:
    """`scan --verify` of a found token: checked with the account name found beside it (its
    `key_id`), else UNKNOWN."""
    rotator = DockerHubRotator(found.client, base_url=found.url("docker"))
    account = KeyRef("docker", None, found.key_id) if found.key_id else None
    return rotator.verify(found.secret, account)
