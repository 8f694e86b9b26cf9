"""Vercel access tokens: verify, reissue for the same user with the same reach, delete.

Stage: rotators. Vercel tokens belong to a user; `POST /v3/user/tokens` mints one for the user of
the managing token, which must be a full-account token (limited tokens cannot create tokens), so
a leaked token is rotated with a managing token of the same user. The value is returned once, in
the create answer; the token's id comes from `GET /v5/user/tokens/current` with the leaked value
itself (`find_key`). A replacement is only issued where it reaches no further than the leaked
token: token metadata shows a full-account token as a `user` scope and a team-limited token as
`team` scopes, and the create call documents no way to limit a new token to a team, so a
team-limited (or project-scoped) token is revoked and left to a human to re-create.
A repeated reissue deletes its own earlier token (found by name) first.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
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
    settings_to_copy,
)
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.http import (
    call,
    expect,
    field,
    json_object,
    objects,
    optional_field,
    probe,
)
from leakward.rotators.providers.http_rotator import HttpRotator
from leakward.rotators.providers.key_hints import tagged, token_attributes
from leakward.rotators.providers.liveness_rules import read_verdict

FACTS_VERCEL = FACTS["vercel"]
NAME_PREFIX = "leakward-"
# The documented alias for the token a request is authenticated with (an id, not a secret).
CURRENT = "current"
# A bound on the list walk, so a server that always names a next page cannot keep us forever.
MAX_PAGES = 100


def _metadata(answer: httpx.Response | Verdict) -> Mapping[str, object] | None:
    """The `token` object of a 200 metadata answer; None for anything else."""
    if not isinstance(answer, httpx.Response) or answer.status_code != 200:
        return None
    try:
        body = answer.json()
    except ValueError:
        return None
    token = body.get("token") if isinstance(body, dict) else None
    return token if isinstance(token, dict) else None


def _reach(token: Mapping[str, object]) -> Settings:
    """What a replacement must copy: whether the token reaches the whole account, the teams it
    is limited to, and its expiry (ms since the epoch, or None)."""
    scopes = objects(token, "scopes")
    teams = sorted(str(s.get("teamId")) for s in scopes if s.get("type") == "team")
    expires = token.get("expiresAt")
    return {
        "full_account": any(s.get("type") == "user" for s in scopes) and not teams,
        "teams": teams,
        "expires_at": expires if isinstance(expires, int) else None,
    }


def _status(token: Mapping[str, object], now_ms: int) -> tuple[tuple[str, str], ...]:
    """A listed token's status where it is not plainly active (old_dead reads it)."""
    if token.get("revokedAt") is not None:
        return (("status", "revoked"),)
    expires = token.get("expiresAt")
    if isinstance(expires, int) and expires <= now_ms:
        return (("status", "expired"),)
    return ()


class VercelRotator(HttpRotator):
    provider: ClassVar[str] = "vercel"
    capability: ClassVar[Capability] = Capability.FULL
    rotates_in_place: ClassVar[bool] = False
    facts = FACTS_VERCEL
    admin_missing = (
        "Vercel: no managing token configured; set VERCEL_ADMIN_TOKEN to a full-account token "
        "of the user who owns the leaked token"
    )

    def _current(self, secret: Secret) -> tuple[Verdict, Mapping[str, object] | None]:
        answer = probe(
            self._client,
            "GET",
            self._url("current"),
            headers=self.facts.key_auth.headers(secret),
        )
        token = _metadata(answer)
        identity = optional_field(token, "id") if token is not None else None
        return read_verdict(answer, self.facts.liveness, identity=identity), token

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        return self._current(secret)[0]

    def find_key(self, secret: Secret) -> KeyRef | None:
        """The token's id and name, from its own metadata (read with the token itself)."""
        token = self._current(secret)[1]
        token_id = optional_field(token, "id") if token is not None else None
        if token is None or token_id is None:
            return None
        return KeyRef("vercel", token_id, None, optional_field(token, "name"))

    def _tokens(self) -> list[dict[str, object]]:
        """Every token of the managing token's user, newest first, across pages.

        The list operation declares no parameters; its `pagination.next` is "the timestamp that
        must be used to request the next page", passed as `until` as Vercel's other
        timestamp-paged lists take it."""
        found: list[dict[str, object]] = []
        params: dict[str, str] = {}
        for _ in range(MAX_PAGES):
            response = call(
                self._client,
                "GET",
                self._url("tokens"),
                what="list tokens",
                headers=self._admin(),
                params=params,
            )
            body = json_object(expect(response, "list tokens", 200), "list tokens")
            found += objects(body, "tokens")
            pagination = body.get("pagination")
            after = pagination.get("next") if isinstance(pagination, Mapping) else None
            if after is None or isinstance(after, bool):
                return found
            params = {"until": str(after)}
        raise PermanentError(
            f"list tokens: more than {MAX_PAGES} pages of tokens; review them at "
            f"{FACTS_VERCEL.console_url}"
        )

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        now_ms = int(time.time() * 1000)
        return [
            KeyRef(
                "vercel",
                optional_field(item, "id"),
                None,
                optional_field(item, "name"),
                token_attributes(item.get("name"), NAME_PREFIX) + _status(item, now_ms),
            )
            for item in self._tokens()
        ]

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        """The token named after the attempt's token (reissue names each token it creates)."""
        return tagged(self.list_keys(key.account), idempotency_token)

    def read_settings(self, key: KeyRef) -> Settings | None:
        """The token's reach and expiry; None when the managing token's user has no such token
        (deleted, or another user's)."""
        if not key.key_id:
            return None
        response = call(
            self._client,
            "GET",
            self._url("token_metadata", token_id=key.key_id),
            what="read token",
            headers=self._admin(),
        )
        if response.status_code == 404:
            return None
        token = _metadata(expect(response, "read token", 200))
        return _reach(token) if token is not None else None

    def _delete(self, token_id: str, headers: Mapping[str, str]) -> None:
        response = call(
            self._client,
            "DELETE",
            self._url("token", token_id=token_id),
            what="delete token",
            headers=headers,
        )
        expect(response, "delete token", 200, 404)

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        name = NAME_PREFIX + idempotency_token
        for item in self._tokens():
            if item.get("name") == name:  # an earlier attempt whose value was lost
                self._delete(field(item, "id", "list tokens"), self._admin())
        reach = settings_to_copy(key, self.read_settings)
        if reach is None:
            raise PermanentError(
                "Vercel: the leaked token's reach is unknown (the managing token's user has no "
                "such token and no snapshot was taken); leakward will not mint a full-account "
                "token in its place. Use a managing token of the token's owner, or create the "
                "replacement by hand"
            )
        if reach.get("full_account") is not True:
            teams = reach.get("teams") or []
            raise PermanentError(
                f"Vercel: the leaked token is limited to team(s) {teams} (or one project), and "
                "the create call cannot limit a new token the same way; revoke it and create "
                f"the replacement with the same scope at {FACTS_VERCEL.console_url}"
            )
        body: dict[str, object] = {"name": name}
        expires = reach.get("expires_at")
        if isinstance(expires, int) and expires > int(time.time() * 1000):
            body["expiresAt"] = expires  # the replacement lives no longer than the leaked one
        response = call(
            self._client,
            "POST",
            self._url("create"),
            what="create token",
            headers=self._admin(),
            json=body,
        )
        created = json_object(expect(response, "create token", 200), "create token")
        token = created.get("token")
        token_id = field(token, "id", "create token") if isinstance(token, dict) else None
        return NewCredential(
            Secret(field(created, "bearerToken", "create token")),
            token_id,
            _iso(expires) if "expiresAt" in body and isinstance(expires, int) else None,
        )

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        """Delete by id with the managing token; without one, the leaked value deletes itself
        (`current`), which needs no other credential."""
        if self._admin_key is None and secret is not None:
            self._revoke_itself(secret)
            return
        if not key.key_id:
            raise PermanentError("Vercel: the token id is unknown (use find_key)")
        self._delete(key.key_id, self._admin())

    def _revoke_itself(self, secret: Secret) -> None:
        response = call(
            self._client,
            "DELETE",
            self._url("token", token_id=CURRENT),
            what="delete token",
            headers=self.facts.key_auth.headers(secret),
            passthrough=(403,),
        )
        if response.status_code == 403:
            verdict = read_verdict(response, self.facts.liveness)
            if verdict.liveness is Liveness.DEAD:
                return  # already gone
            raise PermanentError(f"delete token: Vercel refused ({verdict.reason})")
        expect(response, "delete token", 200)

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def contain(self, key: KeyRef) -> bool:
        return False  # tokens cannot be disabled, only deleted

    def manual_steps(self, key: KeyRef) -> str:
        return (
            f"At {FACTS_VERCEL.console_url} delete token {key.hint or key.key_id or '(unknown)'}, "
            "create one with the same scope (account, team or project) and expiry, and update "
            "every consumer."
        )


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
