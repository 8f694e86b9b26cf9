"""Fake npm registry: whoami and the token API (`/-/npm/v1/tokens`).

Stage: tests (rotators). Follows what the npm CLI and npm-profile send and read (npm 11.21.3
lib/commands/token.js and lib/utils/error-message.js, npm-profile 12.0.2 lib/index.js; the
registry publishes no OpenAPI document): Bearer auth; `GET /-/whoami` answers `{"username"}`;
a token the registry does not accept gets 401 with a `Bearer` challenge; the token list is paged
as `{"objects": [...], "total", "urls": {"next"}}`, each entry with its `key`, the first
characters of the value (`token`), `readonly`, `cidr_whitelist`, `created`, `updated`; `DELETE
/-/npm/v1/tokens/token/{key}` (or the value itself) answers 204; with `otp_for_writes` the
delete gets 401 with `www-authenticate: OTP` unless an `npm-otp` header comes along.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from tests.fakes.server import FakeRequest, FakeServer, Reply

PAGE = 10


@dataclass
class NpmToken:
    value: str
    user: str
    readonly: bool = False

    @property
    def key(self) -> str:
        return hashlib.sha512(self.value.encode()).hexdigest()

    def listed(self) -> dict[str, object]:
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return {
            "key": self.key,
            "token": self.value[:10],  # npm_ + the first characters
            "readonly": self.readonly,
            "cidr_whitelist": None,
            "created": stamp,
            "updated": stamp,
        }


class FakeNpm(FakeServer):
    USER = "leakward-bot"

    def __init__(self) -> None:
        super().__init__()
        self.tokens: list[NpmToken] = []
        self.otp_for_writes = False
        self.admin_token = self.add_token().value
        self.route("GET", r"/-/whoami", self._whoami)
        self.route("GET", r"/-/npm/v1/tokens", self._list)
        self.route("DELETE", r"/-/npm/v1/tokens/token/(?P<ref>[^/]+)", self._delete)

    def add_token(self, user: str | None = None) -> NpmToken:
        token = NpmToken("npm_" + secrets.token_urlsafe(27)[:36], user or self.USER)
        self.tokens.append(token)
        return token

    def values(self) -> set[str]:
        return {t.value for t in self.tokens}

    def _caller(self, request: FakeRequest) -> NpmToken | Reply:
        value = request.bearer()
        found = next((t for t in self.tokens if t.value == value), None)
        if found is None:
            return Reply(401, {"error": "Unauthorized"}, {"www-authenticate": 'Bearer realm="npm"'})
        return found

    def _whoami(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._caller(request)
        return caller if isinstance(caller, Reply) else Reply(200, {"username": caller.user})

    def _list(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._caller(request)
        if isinstance(caller, Reply):
            return caller
        mine = [t.listed() for t in self.tokens if t.user == caller.user]
        page = int(request.query.get("page", "0"))
        chunk = mine[page * PAGE : (page + 1) * PAGE]
        following = f"/-/npm/v1/tokens?page={page + 1}" if (page + 1) * PAGE < len(mine) else None
        return Reply(200, {"objects": chunk, "total": len(mine), "urls": {"next": following}})

    def _delete(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._caller(request)
        if isinstance(caller, Reply):
            return caller
        if self.otp_for_writes and not request.headers.get("npm-otp"):
            return Reply(401, {"error": "OTP required"}, {"www-authenticate": "OTP"})
        ref = match.group("ref")
        target = next(
            (t for t in self.tokens if t.user == caller.user and ref in (t.key, t.value)), None
        )
        if target is None:
            return Reply(404, {"error": "Not found"})
        self.tokens.remove(target)
        return Reply(204)
