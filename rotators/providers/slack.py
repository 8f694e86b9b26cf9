"""Slack tokens: verify with auth.test, revoke with auth.revoke (the token itself), and rotate
where the app uses token rotation (oauth.v2.access refresh) or for app configuration tokens
(tooling.tokens.rotate).

Stage: rotators. Slack answers HTTP 200 with `{"ok": false, "error": …}` for bad tokens, so the
error code decides. Tokens are revoked with their own value (`revoke(key, secret)`). Bot and
user tokens of apps without rotation cannot be reissued through the API: the app must be
reinstalled (revoke-only). Reissue needs the refresh token, which is a secret held by a store, so
it comes from `refresh_tokens` and the new one goes back through `keep_refresh_token`; a CLI-built
rotator keeps it in a file (`RefreshTokenFile`). Each refresh token works once (Slack revokes it
as it hands out the next), so the new one is written back before reissue returns: a process
killed after that resumes with it, and only a kill between Slack's answer and the write loses
it (the app must then be reinstalled). A refreshed access token has no public id and is revoked
only with its own value, so one lost in a crash stays valid until it expires (`expires_at`, 12
hours after it was issued). `KeyRef.attribute("kind")` is "rotating" or "config".
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import ClassVar, Self

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
from leakward.rotators.providers.environment import http_client, secret_from
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.http import call, expect, json_object, optional_field, probe
from leakward.rotators.providers.key_hints import valid_for
from leakward.rotators.providers.liveness_facts import SLACK_DEAD_ERRORS, SLACK_INVALID_AUTH
from leakward.rotators.providers.liveness_rules import read_verdict
from leakward.rotators.providers.registry import url_for

FACTS_SLACK = FACTS["slack"]
# "With token rotation, it expires every 12 hours" (docs.slack.dev/authentication/
# using-token-rotation); app configuration tokens last 12 hours too.
TOKEN_LIFETIME = timedelta(hours=12)

RefreshTokens = Callable[[KeyRef], Secret | None]
KeepRefreshToken = Callable[[KeyRef, Secret], None]


class RefreshTokenFile:
    """The refresh token of one rotating Slack installation, kept in a file only its owner reads.

    Read before each refresh; the next one replaces it atomically (write, fsync, rename) the
    moment Slack hands it out, since the one just used is revoked.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self, key: KeyRef) -> Secret | None:
        try:
            value = self.path.read_text().strip()
        except FileNotFoundError:
            return None
        return Secret(value) if value else None

    def keep(self, key: KeyRef, token: Secret) -> None:
        temporary: str | None = None
        try:
            descriptor, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".refresh-")
            with os.fdopen(descriptor, "w") as handle:  # mkstemp creates it 0600
                handle.write(token.reveal() + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except OSError as exc:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
            raise PermanentError(
                f"Slack: the new refresh token could not be saved to {self.path} "
                f"({exc.strerror}); the one used is revoked, so the app must be reinstalled"
            ) from exc


def _expiry(body: Mapping[str, object]) -> str | None:
    """When the new token expires, as UTC ISO 8601: `exp` is a Unix time (config tokens),
    `expires_in` seconds from now (oauth.v2.access)."""
    exp, expires_in = body.get("exp"), body.get("expires_in")
    if isinstance(exp, int) and not isinstance(exp, bool):
        when = float(exp)
    elif isinstance(expires_in, int) and not isinstance(expires_in, bool):
        when = time.time() + expires_in
    else:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))


class SlackRotator:
    provider: ClassVar[str] = "slack"
    capability: ClassVar[Capability] = Capability.REVOKE_ONLY  # FULL with token rotation
    rotates_in_place: ClassVar[bool] = False
    # `rotate --plan` asks an instance never given clients for its capability (it builds none):
    # unconfigured, it can revoke but not refresh.
    _refresh_tokens: RefreshTokens | None = None

    def __init__(
        self,
        client: httpx.Client,
        *,
        base_url: str = FACTS_SLACK.base_url,
        client_id: str | None = None,
        client_secret: Secret | None = None,
        refresh_tokens: RefreshTokens | None = None,
        keep_refresh_token: KeepRefreshToken | None = None,
    ) -> None:
        self._client = client
        self._base = base_url.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self._refresh_tokens = refresh_tokens
        self._keep_refresh_token = keep_refresh_token

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Self:
        """LEAKWARD_API_SLACK, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, and SLACK_REFRESH_TOKEN_FILE:
        the file holding the installation's refresh token, which each rotation replaces with
        the next one. Without it the rotator revokes but does not rotate."""
        path = environ.get("SLACK_REFRESH_TOKEN_FILE")
        refresh = RefreshTokenFile(Path(path)) if path else None
        return cls(
            http_client(),
            base_url=url_for(environ, "slack"),
            client_id=environ.get("SLACK_CLIENT_ID"),
            client_secret=secret_from(environ, "SLACK_CLIENT_SECRET"),
            refresh_tokens=refresh.read if refresh else None,
            keep_refresh_token=refresh.keep if refresh else None,
        )

    def _url(self, name: str) -> str:
        return self._base + FACTS_SLACK.endpoints[name]

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        answer = probe(
            self._client, "POST", self._url("test"), headers=FACTS_SLACK.key_auth.headers(secret)
        )
        who = None
        if isinstance(answer, httpx.Response):
            with contextlib.suppress(ValueError):
                body = answer.json()
                if isinstance(body, dict):
                    who = f"{body.get('team_id')}/{body.get('user_id')}"
        return read_verdict(answer, FACTS_SLACK.liveness, identity=who)

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        kind = key.attribute("kind")
        refresh = self._refresh_tokens(key) if self._refresh_tokens else None
        if kind not in ("rotating", "config") or refresh is None:
            raise PermanentError(
                "Slack: this token cannot be reissued through the API; " + self.manual_steps(key)
            )
        if kind == "config":
            form = {"refresh_token": refresh.reveal()}
            name, token_field = "config_rotate", "token"
        else:
            if self._client_id is None or self._client_secret is None:
                raise PermanentError("Slack: client id and secret are needed to refresh tokens")
            form = {
                "grant_type": "refresh_token",
                "refresh_token": refresh.reveal(),
                "client_id": self._client_id,
                "client_secret": self._client_secret.reveal(),
            }
            name, token_field = "refresh", "access_token"
        response = call(self._client, "POST", self._url(name), what="rotate token", data=form)
        body = json_object(expect(response, "rotate token", 200), "rotate token")
        if body.get("ok") is not True:
            # invalid_refresh_token: a previous attempt already used it; the new pair is lost.
            error = str(body.get("error"))
            if error == "invalid_refresh_token":
                raise PermanentError(
                    "rotate token: Slack refused the stored refresh token (invalid_refresh_token):"
                    " an earlier attempt used it and its answer, with the next refresh token, was"
                    " lost. " + self.manual_steps(key) + " Then run leakward rotate KEY --resume."
                )
            raise PermanentError(f"rotate token: Slack answered {error}")
        new_refresh = optional_field(body, "refresh_token")
        if new_refresh and self._keep_refresh_token is not None:
            self._keep_refresh_token(key, Secret(new_refresh))
        value = optional_field(body, token_field)
        if not value:
            raise PermanentError("rotate token: Slack returned no token")
        # No public id: the leaked token's id would make the pipeline revoke by it, and the
        # registry take the replacement for the leaked key.
        return NewCredential(Secret(value), None, expires_at=_expiry(body))

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        """auth.revoke with the token itself; an already dead token counts as revoked."""
        if secret is None:
            raise PermanentError(
                "Slack: a token can only be revoked with its own value, and this rotation was "
                "started without the leaked value; start such rotations with it (leakward rotate "
                "KEY --secret-stdin) or revoke the token by hand: " + self.manual_steps(key)
            )
        response = call(
            self._client,
            "POST",
            self._url("revoke"),
            what="revoke token",
            headers=FACTS_SLACK.key_auth.headers(secret),
        )
        body = json_object(expect(response, "revoke token", 200), "revoke token")
        error = str(body.get("error"))
        if body.get("ok") is True or error in SLACK_DEAD_ERRORS:
            return
        if error == "invalid_auth":
            # Not proof the token is dead: it may only be refused from this address.
            raise PermanentError(
                f"revoke token: {SLACK_INVALID_AUTH}; revoke it from an allowed address, or in "
                "the app's settings (OAuth & Permissions: Revoke tokens)"
            )
        raise PermanentError(f"revoke token: Slack answered {error}")

    def capability_for(self, key: KeyRef) -> Capability:
        # Only apps with token rotation (and config tokens) can be reissued, given the refresh
        # token from a store; anything else needs the app reinstalled by a human.
        rotating = key.attribute("kind") in ("rotating", "config")
        return Capability.FULL if rotating and self._refresh_tokens else Capability.REVOKE_ONLY

    def read_settings(self, key: KeyRef) -> Settings | None:
        return {}  # a rotated token keeps its app's scopes

    def contain(self, key: KeyRef) -> bool:
        return False

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        # A refreshed token has no public id and Slack lists none: it lives out its lifetime.
        if self.capability_for(key) is Capability.FULL:
            return valid_for(TOKEN_LIFETIME)
        return Unrecorded()

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        return []  # Slack lists no tokens

    def manual_steps(self, key: KeyRef) -> str:
        return (
            f"Reinstall the Slack app at {FACTS_SLACK.console_url} (OAuth & Permissions: "
            "reinstall, or revoke all tokens) to get a new token, update every consumer, and "
            "turn on token rotation so the next leak can be rotated automatically. Incoming "
            "webhook URLs are removed under Incoming Webhooks."
        )
