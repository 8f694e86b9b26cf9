"""Fake Slack Web API: auth.test, auth.revoke, oauth.v2.access (refresh), tooling.tokens.rotate.

Stage: tests (rotators). Follows api.slack.com/methods: HTTP 200 with `{"ok": false, "error":
"invalid_auth"}` for tokens Slack does not know and for a live token used from an address outside
its allowed IP ranges (`restrict`), `token_revoked` for a revoked one, `auth.revoke` answering
`{"ok": true, "revoked": true}`, token
rotation handing out a new access and refresh token while the used refresh token dies
(`invalid_refresh_token` on reuse) and the old access token lives on until it expires.
`limit_next` makes the next calls of a method answer as Slack does past a rate limit
(docs.slack.dev/apis/web-api/rate-limits): HTTP 429, `Retry-After` in seconds and
`{"ok": false, "error": "ratelimited"}`.
"""

from __future__ import annotations

import re
import secrets
import time

from tests.fakes.server import FakeRequest, FakeServer, Reply


class FakeSlack(FakeServer):
    CLIENT_ID = "1234.5678"

    def __init__(self) -> None:
        super().__init__()
        self.client_secret = secrets.token_hex(16)
        self.live_tokens: set[str] = set()
        self.revoked_tokens: set[str] = set()
        self.restricted_tokens: set[str] = set()  # live, but not from this address
        self.refresh_tokens: set[str] = set()
        self._limited: dict[str, int] = {}  # method path -> rate-limited answers left
        self.route("POST", r"/api/auth\.test", self._test)
        self.route("POST", r"/api/auth\.revoke", self._revoke)
        self.route("POST", r"/api/oauth\.v2\.access", self._refresh)
        self.route("POST", r"/api/tooling\.tokens\.rotate", self._config_rotate)

    def limit_next(self, method: str, times: int = 1) -> None:
        """The next `times` calls of `method` ("auth.test") are refused by the rate limit."""
        with self.lock:
            self._limited[f"/api/{method}"] = times

    def _route(self, request: FakeRequest) -> Reply:
        with self.lock:
            left = self._limited.get(request.path, 0)
            if left > 0:
                self._limited[request.path] = left - 1
                return Reply(429, {"ok": False, "error": "ratelimited"}, {"retry-after": "30"})
        return super()._route(request)

    def add_token(self, prefix: str = "xoxb-") -> str:
        value = prefix + secrets.token_hex(20)
        self.live_tokens.add(value)
        return value

    def add_refresh_token(self) -> str:
        value = "xoxe-1-" + secrets.token_hex(20)
        self.refresh_tokens.add(value)
        return value

    def restrict(self, token: str) -> None:
        """`token` stays live but may not be used from this address (an IP allowlist)."""
        self.restricted_tokens.add(token)

    def _token(self, request: FakeRequest) -> str | None:
        return request.bearer() or request.form().get("token")

    def _refusal(self, token: str | None) -> Reply | None:
        if token is None:
            return Reply(200, {"ok": False, "error": "not_authed"})
        if token in self.revoked_tokens:
            return Reply(200, {"ok": False, "error": "token_revoked"})
        if token not in self.live_tokens or token in self.restricted_tokens:
            return Reply(200, {"ok": False, "error": "invalid_auth"})
        return None

    def _test(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._refusal(self._token(request))
        if refused is not None:
            return refused
        return Reply(
            200,
            {
                "ok": True,
                "team": "Acme",
                "team_id": "T1",
                "user": "bot",
                "user_id": "U1",
                "url": "https://acme.slack.com/",
            },
        )

    def _revoke(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        token = self._token(request)
        refused = self._refusal(token)
        if refused is not None:
            return refused
        self.live_tokens.discard(str(token))
        self.revoked_tokens.add(str(token))
        return Reply(200, {"ok": True, "revoked": True})

    def _rotate(self, refresh: str | None) -> dict[str, object] | None:
        if refresh not in self.refresh_tokens:
            return None
        self.refresh_tokens.discard(refresh)
        return {"token": self.add_token("xoxe.xoxb-"), "refresh_token": self.add_refresh_token()}

    def _refresh(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        form = request.form()
        # oauth.v2.access documents one code for each half of the app's credentials.
        if form.get("client_id") != self.CLIENT_ID:
            return Reply(200, {"ok": False, "error": "invalid_client_id"})
        if form.get("client_secret") != self.client_secret:
            return Reply(200, {"ok": False, "error": "bad_client_secret"})
        if form.get("grant_type") != "refresh_token":
            return Reply(200, {"ok": False, "error": "invalid_grant_type"})
        pair = self._rotate(form.get("refresh_token"))
        if pair is None:
            return Reply(200, {"ok": False, "error": "invalid_refresh_token"})
        return Reply(
            200,
            {
                "ok": True,
                "access_token": pair["token"],
                "token_type": "bot",
                "refresh_token": pair["refresh_token"],
                "expires_in": 43200,
            },
        )

    def _config_rotate(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        pair = self._rotate(request.form().get("refresh_token"))
        if pair is None:
            return Reply(200, {"ok": False, "error": "invalid_refresh_token"})
        return Reply(
            200,
            {
                "ok": True,
                **pair,
                "team_id": "T1",
                "user_id": "U1",
                "iat": int(time.time()),
                "exp": int(time.time()) + 43200,  # config tokens last 12 hours
            },
        )
