"""Heroku API tokens (Platform API OAuth authorizations): verify, reissue, delete.

Stage: rotators. Every Heroku API token is the access token of an OAuth authorization of its
user. A direct authorization (no OAuth client: the account's API key, `heroku
authorizations:create`, a dashboard-made token) is replaced by creating another with the same
scope and remaining lifetime, then deleting the leaked one, so consumers keep working until they
hold the replacement; `regenerate-tokens` would kill the old value at once. The managing token
must be a token of the same user (authorizations are per user). An authorization made for an
OAuth client is only revoked: its replacement comes from the client's own OAuth flow.
The leaked token's authorization is found by listing the user's authorizations (Range-paged),
whose access tokens the API returns to their own user; a replacement whose answer was lost is
found by the description leakward gave it.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from leakward.core.secret import Secret
from leakward.rotators.base import (
    Capability,
    KeyRef,
    NewCredential,
    PermanentError,
    Settings,
    Unrecorded,
    Verdict,
    settings_to_copy,
)
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.http import call, expect, field, json_list, json_object, probe
from leakward.rotators.providers.http_rotator import HttpRotator
from leakward.rotators.providers.key_hints import tagged, token_attributes
from leakward.rotators.providers.liveness_rules import read_verdict

FACTS_HEROKU = FACTS["heroku"]
NAME_PREFIX = "leakward-"
# Lists answer 206 with `Next-Range` while more remain; the largest page Heroku serves is 1000.
FIRST_RANGE = "id ..; max=1000"
MAX_PAGES = 100  # a bound, so a server that always names a next range cannot keep us forever


def _object(value: object) -> Mapping[str, object] | None:
    return value if isinstance(value, dict) else None


def _token_of(authorization: Mapping[str, object]) -> str | None:
    access = _object(authorization.get("access_token"))
    token = access.get("token") if access is not None else None
    return token if isinstance(token, str) else None


def _settings(authorization: Mapping[str, object]) -> Settings:
    """What a replacement copies: the scope, the access token's remaining lifetime, and the
    OAuth client (if any) the authorization was made for."""
    access = _object(authorization.get("access_token")) or {}
    client = _object(authorization.get("client"))
    scope = authorization.get("scope")
    expires = access.get("expires_in")
    return {
        "scope": [str(s) for s in scope] if isinstance(scope, list) else None,
        "expires_in": expires if isinstance(expires, int) else None,
        "client": str(client.get("id")) if client is not None else None,
    }


class HerokuRotator(HttpRotator):
    provider: ClassVar[str] = "heroku"
    capability: ClassVar[Capability] = Capability.FULL
    rotates_in_place: ClassVar[bool] = False
    facts = FACTS_HEROKU
    admin_missing = (
        "Heroku: no managing token configured; set HEROKU_ADMIN_TOKEN to an API token of the "
        "user who owns the leaked token"
    )

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        answer = probe(
            self._client, "GET", self._url("account"), headers=self.facts.key_auth.headers(secret)
        )
        identity = None
        if not isinstance(answer, Verdict) and answer.status_code == 200:
            try:
                account = answer.json()
            except ValueError:
                account = None
            identity = str(account.get("id")) if isinstance(account, dict) else None
        return read_verdict(answer, self.facts.liveness, identity=identity)

    def _credential(self, secret: Secret | None) -> dict[str, str]:
        """The managing token's headers; without one, the leaked token's own (it may read and
        delete its own user's authorizations)."""
        if self._admin_key is None and secret is not None:
            return self.facts.key_auth.headers(secret)
        return self._admin()

    def _authorizations(self, headers: Mapping[str, str]) -> list[dict[str, object]]:
        found: list[dict[str, object]] = []
        page_range = FIRST_RANGE
        for _ in range(MAX_PAGES):
            response = call(
                self._client,
                "GET",
                self._url("authorizations"),
                what="list authorizations",
                headers={**headers, "Range": page_range},
            )
            found += json_list(expect(response, "list authorizations", 200, 206), "list")
            following = response.headers.get("next-range")
            if response.status_code == 200 or not following:
                return found
            page_range = following
        raise PermanentError(
            f"list authorizations: more than {MAX_PAGES} pages; review them at "
            f"{FACTS_HEROKU.console_url}"
        )

    def find_key(self, secret: Secret) -> KeyRef | None:
        """The authorization whose access token is the leaked value, compared in memory."""
        value = secret.reveal().encode()
        for item in self._authorizations(self._credential(secret)):
            token = _token_of(item)
            if token is not None and hmac.compare_digest(token.encode(), value):
                user = _object(item.get("user")) or {}
                description = item.get("description")
                return KeyRef(
                    "heroku",
                    field(item, "id", "list authorizations"),
                    str(user.get("id")) if user.get("id") else None,
                    description if isinstance(description, str) else None,
                )
        return None

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        refs = []
        for item in self._authorizations(self._admin()):
            description = item.get("description")
            refs.append(
                KeyRef(
                    "heroku",
                    field(item, "id", "list authorizations"),
                    account,
                    description if isinstance(description, str) else None,
                    token_attributes(description, NAME_PREFIX),
                )
            )
        return refs

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        """The authorization described after the attempt's token (reissue names each one)."""
        return tagged(self.list_keys(key.account), idempotency_token)

    def read_settings(self, key: KeyRef) -> Settings | None:
        if not key.key_id:
            return None
        response = call(
            self._client,
            "GET",
            self._url("authorization", authorization_id=key.key_id),
            what="read authorization",
            headers=self._admin(),
        )
        if response.status_code == 404:
            return None
        return _settings(json_object(expect(response, "read authorization", 200), "read"))

    def _delete(self, authorization_id: str, headers: Mapping[str, str]) -> None:
        response = call(
            self._client,
            "DELETE",
            self._url("authorization", authorization_id=authorization_id),
            what="delete authorization",
            headers=headers,
        )
        expect(response, "delete authorization", 200, 404)

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        description = NAME_PREFIX + idempotency_token
        for item in self._authorizations(self._admin()):
            if item.get("description") == description:  # an earlier attempt, value lost
                self._delete(field(item, "id", "list authorizations"), self._admin())
        settings = settings_to_copy(key, self.read_settings)
        scope = settings.get("scope") if settings is not None else None
        if settings is None or not isinstance(scope, list) or not scope:
            raise PermanentError(
                "Heroku: the leaked token's scope is unknown (the managing token's user has no "
                "such authorization and no snapshot was taken); leakward will not mint a "
                "`global` token in its place. Use a managing token of the token's owner"
            )
        if settings.get("client") is not None:
            raise PermanentError(
                "Heroku: the leaked token belongs to an OAuth client's authorization; only the "
                "client's own OAuth flow can replace it (it is revoked, not reissued)"
            )
        body: dict[str, object] = {"description": description, "scope": scope}
        expires_in = settings.get("expires_in")
        if isinstance(expires_in, int) and expires_in > 0:
            body["expires_in"] = expires_in  # no longer-lived than what it replaces
        response = call(
            self._client,
            "POST",
            self._url("authorizations"),
            what="create authorization",
            headers=self._admin(),
            json=body,
        )
        created = json_object(expect(response, "create authorization", 201), "create")
        token = _token_of(created)
        if token is None:
            raise PermanentError("create authorization: Heroku returned no access token")
        expires_at = None
        if "expires_in" in body and isinstance(expires_in, int):
            until = datetime.now(UTC) + timedelta(seconds=expires_in)
            expires_at = until.strftime("%Y-%m-%dT%H:%M:%SZ")
        return NewCredential(Secret(token), field(created, "id", "create"), expires_at)

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        if not key.key_id:
            raise PermanentError("Heroku: the authorization id is unknown (use find_key)")
        self._delete(key.key_id, self._credential(secret))

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def contain(self, key: KeyRef) -> bool:
        return False  # an authorization cannot be disabled, only deleted

    def manual_steps(self, key: KeyRef) -> str:
        return (
            f"At {FACTS_HEROKU.console_url} revoke authorization "
            f"{key.hint or key.key_id or '(unknown)'} (or `heroku authorizations:revoke ID`), "
            "create one with the same scope (`heroku authorizations:create --scope …`), and "
            "update every consumer."
        )
