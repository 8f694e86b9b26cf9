"""Fake Fastly API tokens: the current token (`/tokens/self`), a user's tokens, revoke.

Stage: tests (rotators). Follows fastly.com/documentation/reference/api/auth-tokens/user and the
`TokenResponse` model of Fastly's generated clients (fastly-api crate 13.x, WebService::Fastly
9.01): the key travels in `Fastly-Key`; `GET /tokens/self` answers the calling token, `GET
/tokens` the calling user's tokens (a bare array, no values); `DELETE /tokens/self` and `DELETE
/tokens/{id}` answer 204, a token of another user 404 (unless the caller is a superuser); a
missing or invalid token gets 401 `{"msg", "detail"}`; answers carry Fastly-RateLimit-* headers.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from tests.fakes.server import FakeRequest, FakeServer, Reply

RATE = {"fastly-ratelimit-remaining": "999", "fastly-ratelimit-reset": "0"}


def _error(status: int, msg: str, detail: str = "") -> Reply:
    return Reply(status, {"msg": msg, "detail": detail}, dict(RATE))


@dataclass
class FastlyToken:
    id: str
    user_id: str
    value: str
    name: str
    scope: str = "global"
    superuser: bool = False

    def body(self) -> dict[str, object]:
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {
            "id": self.id,
            "user_id": self.user_id,
            "services": [],
            "name": self.name,
            "scope": self.scope,
            "created_at": stamp,
            "last_used_at": stamp,
            "expires_at": None,
            "ip": "127.0.0.1",
            "user_agent": "leakward-tests",
        }


class FakeFastly(FakeServer):
    USER = "x4xCwxxJxGCx123Rx5xTx"

    def __init__(self) -> None:
        super().__init__()
        self.tokens: dict[str, FastlyToken] = {}
        self.admin_token = self.add_token("ops admin").value
        self.route("GET", r"/tokens/self", self._get_self)
        self.route("DELETE", r"/tokens/self", self._delete_self)
        self.route("GET", r"/tokens", self._list)
        self.route("DELETE", r"/tokens/(?P<id>[^/]+)", self._delete)

    def add_token(
        self, name: str, *, user: str | None = None, scope: str = "global", superuser: bool = False
    ) -> FastlyToken:
        token = FastlyToken(
            secrets.token_hex(11),
            user or self.USER,
            secrets.token_urlsafe(24)[:32],
            name,
            scope,
            superuser,
        )
        self.tokens[token.id] = token
        return token

    def values(self) -> set[str]:
        return {t.value for t in self.tokens.values()}

    def _caller(self, request: FakeRequest) -> FastlyToken | Reply:
        value = request.headers.get("fastly-key")
        found = next((t for t in self.tokens.values() if t.value == value), None)
        if found is None:
            return _error(401, "Provided credentials are missing or invalid")
        return found

    def _get_self(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._caller(request)
        return caller if isinstance(caller, Reply) else Reply(200, caller.body(), dict(RATE))

    def _delete_self(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._caller(request)
        if isinstance(caller, Reply):
            return caller
        del self.tokens[caller.id]
        return Reply(204, None, dict(RATE))

    def _list(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._caller(request)
        if isinstance(caller, Reply):
            return caller
        mine = [t.body() for t in self.tokens.values() if t.user_id == caller.user_id]
        return Reply(200, mine, dict(RATE))

    def _delete(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._caller(request)
        if isinstance(caller, Reply):
            return caller
        token = self.tokens.get(match.group("id"))
        if token is None or (token.user_id != caller.user_id and not caller.superuser):
            return _error(404, "Record not found")
        del self.tokens[token.id]
        return Reply(204, None, dict(RATE))
