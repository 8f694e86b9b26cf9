"""npm registry tokens: verify and revoke; a human creates the replacement.

Stage: rotators. Creating a token needs the account's password and, with two-factor auth, a
one-time password (`npm token create`), so npm is revoke-only here; npm recommends trusted
publishing (OIDC) so that no long-lived token is needed at all. A token is revoked the way the
npm CLI does it (`npm token revoke`): the user's token list (paged) shows each token's `key` and
the first characters of its value, and the one token the leaked value starts with is deleted
by key, so the value itself never travels in a URL. The list and the delete are authenticated
with NPM_ADMIN_TOKEN, a token of the same user, or else with the leaked token itself. An account
that demands a one-time password for writes stops the revoke with what to run by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import ClassVar
from urllib.parse import urlsplit

import httpx

from leakward.core.secret import Secret
from leakward.rotators.base import (
    Capability,
    KeyRef,
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
    json_object,
    objects,
    optional_field,
    probe,
)
from leakward.rotators.providers.http_rotator import HttpRotator
from leakward.rotators.providers.liveness_rules import read_verdict

FACTS_NPM = FACTS["npm"]
MAX_PAGES = 50


def _wants_otp(response: httpx.Response) -> bool:
    return "otp" in response.headers.get("www-authenticate", "").lower()


class NpmRotator(HttpRotator):
    provider: ClassVar[str] = "npm"
    capability: ClassVar[Capability] = Capability.REVOKE_ONLY
    rotates_in_place: ClassVar[bool] = False
    facts = FACTS_NPM
    admin_missing = "npm: set NPM_ADMIN_TOKEN to a token of the leaked token's user"

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        answer = probe(
            self._client, "GET", self._url("whoami"), headers=self.facts.key_auth.headers(secret)
        )
        identity = None
        if isinstance(answer, httpx.Response) and answer.status_code == 200:
            try:
                body = answer.json()
            except ValueError:
                body = None
            identity = optional_field(body, "username") if isinstance(body, dict) else None
        return read_verdict(answer, self.facts.liveness, identity=identity)

    def _credential(self, secret: Secret | None) -> dict[str, str]:
        if self._admin_key is None and secret is not None:
            return self.facts.key_auth.headers(secret)
        return self._admin()

    def _tokens(self, headers: Mapping[str, str]) -> list[dict[str, object]]:
        found: list[dict[str, object]] = []
        url = self._url("tokens")
        for _ in range(MAX_PAGES):
            response = call(self._client, "GET", url, what="list tokens", headers=headers)
            body = json_object(expect(response, "list tokens", 200), "list tokens")
            found += objects(body, "objects")
            urls = body.get("urls")
            following = urls.get("next") if isinstance(urls, dict) else None
            if not isinstance(following, str) or not following:
                return found
            # `next` is a path on the registry (or a whole URL): followed on our base URL.
            parts = urlsplit(following)
            url = (
                self._base
                + "/"
                + parts.path.lstrip("/")
                + (f"?{parts.query}" if parts.query else "")
            )
        raise PermanentError(f"list tokens: more than {MAX_PAGES} pages of tokens")

    def find_key(self, secret: Secret, headers: Mapping[str, str] | None = None) -> KeyRef | None:
        """The one listed token whose shown beginning the leaked value starts with."""
        value = secret.reveal()
        listed = self._tokens(headers or self._credential(secret))
        matches = [
            t
            for t in listed
            if isinstance(t.get("token"), str) and value.startswith(str(t["token"]))
        ]
        if len(matches) > 1:
            raise PermanentError(
                "npm: more than one listed token begins like the leaked one; revoke it by hand "
                "with `npm token revoke <token>`"
            )
        if not matches:
            return None
        return KeyRef("npm", optional_field(matches[0], "key"))

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        return [
            KeyRef("npm", optional_field(t, "key"), account, optional_field(t, "token"))
            for t in self._tokens(self._admin())
        ]

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        headers = self._credential(secret)
        token_key = key.key_id
        if secret is not None:
            found = self.find_key(secret, headers)
            if found is None:
                return  # no longer listed: already revoked
            token_key = found.key_id
        if not token_key:
            raise PermanentError("npm: the token's key is unknown (hand in the leaked value)")
        response = call(
            self._client,
            "DELETE",
            self._url("token", key=token_key),
            what="revoke token",
            headers=headers,
            passthrough=(401,),
        )
        if response.status_code == 401:
            if _wants_otp(response):
                raise PermanentError(
                    "npm: the account asks for a one-time password to revoke tokens; run `npm "
                    "token revoke` with --otp, or revoke it at " + FACTS_NPM.console_url
                )
            raise PermanentError("npm: the registry refused the credential (401); check it")
        expect(response, "revoke token", 200, 204, 404)

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        raise PermanentError(
            "npm: creating a token needs the account password (and a one-time password with "
            "2FA); " + self.manual_steps(key)
        )

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        return Unrecorded()  # leakward never creates npm tokens

    def read_settings(self, key: KeyRef) -> Settings | None:
        return {}

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def contain(self, key: KeyRef) -> bool:
        return False  # a token cannot be disabled, only revoked

    def manual_steps(self, key: KeyRef) -> str:
        return (
            f"At {FACTS_NPM.console_url} (or `npm token create`) create a granular token with the "
            "same packages, permissions and expiry, or move publishing to trusted publishing "
            "(OIDC); update every consumer; confirm the leaked token is gone (`npm token list`)."
        )
