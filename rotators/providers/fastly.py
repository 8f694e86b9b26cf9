"""Fastly API tokens: verify and revoke; a human creates the replacement.

Stage: rotators. `POST /tokens` creates a token only with the user's password, and with two-factor
authentication on, a one-time code too (the Fastly CLI's `auth-token create` asks for both), so
no machine credential can mint one: Fastly is revoke-only here. A token reads and revokes itself
(`GET`/`DELETE /tokens/self`), which also gives its id; with a managing token of the same user
(or a superuser) a token is revoked by id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import ClassVar

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
)
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.http import (
    call,
    expect,
    json_list,
    optional_field,
    probe,
)
from leakward.rotators.providers.http_rotator import HttpRotator
from leakward.rotators.providers.liveness_rules import read_verdict

FACTS_FASTLY = FACTS["fastly"]


def _token(answer: httpx.Response | Verdict) -> Mapping[str, object] | None:
    if not isinstance(answer, httpx.Response) or answer.status_code != 200:
        return None
    try:
        body = answer.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


class FastlyRotator(HttpRotator):
    provider: ClassVar[str] = "fastly"
    capability: ClassVar[Capability] = Capability.REVOKE_ONLY
    rotates_in_place: ClassVar[bool] = False
    facts = FACTS_FASTLY
    admin_missing = (
        "Fastly: no managing token configured; set FASTLY_API_TOKEN to a token of the leaked "
        "token's user (or of a superuser)"
    )

    def _self(self, secret: Secret) -> tuple[Verdict, Mapping[str, object] | None]:
        answer = probe(
            self._client, "GET", self._url("self"), headers=self.facts.key_auth.headers(secret)
        )
        token = _token(answer)
        identity = optional_field(token, "id") if token is not None else None
        return read_verdict(answer, self.facts.liveness, identity=identity), token

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        return self._self(secret)[0]

    def find_key(self, secret: Secret) -> KeyRef | None:
        """The token's id and name, from its own record."""
        token = self._self(secret)[1]
        token_id = optional_field(token, "id") if token is not None else None
        if token is None or token_id is None:
            return None
        return KeyRef(
            "fastly", token_id, optional_field(token, "user_id"), optional_field(token, "name")
        )

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        response = call(
            self._client, "GET", self._url("tokens"), what="list tokens", headers=self._admin()
        )
        return [
            KeyRef(
                "fastly",
                optional_field(item, "id"),
                optional_field(item, "user_id"),
                optional_field(item, "name"),
            )
            for item in json_list(expect(response, "list tokens", 200), "list tokens")
        ]

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        """By id with the managing token; without one, the leaked value revokes itself."""
        if self._admin_key is None and secret is not None:
            response = call(
                self._client,
                "DELETE",
                self._url("self"),
                what="revoke token",
                headers=self.facts.key_auth.headers(secret),
                passthrough=(401,),
            )
            # 401: Fastly no longer accepts the value, which is what revoking was for.
            expect(response, "revoke token", 204, 401)
            return
        if not key.key_id:
            raise PermanentError("Fastly: the token id is unknown (use find_key)")
        response = call(
            self._client,
            "DELETE",
            self._url("token", token_id=key.key_id),
            what="revoke token",
            headers=self._admin(),
        )
        expect(response, "revoke token", 204, 404)
        # 404 is also the answer for another user's token: a value that still works says so.
        if (
            response.status_code == 404
            and secret is not None
            and self.verify(secret).liveness is Liveness.LIVE
        ):
            raise PermanentError(
                f"Fastly: token {key.key_id} is not one FASTLY_API_TOKEN may revoke (404 while "
                "it still works); use a token of its user or of a superuser"
            )

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        raise PermanentError(
            "Fastly: creating a token needs the user's password (and a one-time code with "
            "2FA); " + self.manual_steps(key)
        )

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        return Unrecorded()  # leakward never creates Fastly tokens

    def read_settings(self, key: KeyRef) -> Settings | None:
        return {}  # nothing is copied: a human creates the replacement

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def contain(self, key: KeyRef) -> bool:
        return False  # a token cannot be disabled, only revoked

    def manual_steps(self, key: KeyRef) -> str:
        return (
            f"At {FACTS_FASTLY.console_url} (or `fastly auth-token create`) create a token with "
            "the same scope, services and expiry, update every consumer, and confirm token "
            f"{key.hint or key.key_id or '(unknown)'} is revoked."
        )
