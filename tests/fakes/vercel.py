"""Fake Vercel REST API, user access tokens: metadata (`current`), list, create, delete.

Stage: tests (rotators). Follows vercel.com/docs/rest-api/authentication/* and the types of
github.com/vercel/sdk @ 426eb4b7 (src/models/authtoken.ts, createauthtokenop.ts,
listauthtokensop.ts, deleteauthtokenop.ts, pagination.ts): Bearer auth; tokens belong to a user
and every call acts for the calling token's user; `POST /v3/user/tokens` answers 200 with the
value (`bearerToken`) once and refuses limited (team-scoped) callers; `DELETE
/v3/user/tokens/{id}` answers `{"tokenId": …}`; `"current"` names the calling token; the list is
newest first, a page at a time, with `pagination.next` the timestamp to pass as `until`.
Errors use the documented envelope `{"error": {"code", "message"}}` (vercel.com/docs/rest-api/
errors); a token Vercel does not know gets 403 `forbidden` with `invalidToken: true`, as Vercel
answers and its CLI reads it. Every answer carries the documented X-RateLimit-* headers.
"""

from __future__ import annotations

import itertools
import re
import secrets
import time
from dataclasses import dataclass, field

from tests.fakes.server import FakeRequest, FakeServer, Reply

PAGE = 20  # tokens per list page
RATE_LIMIT = {"x-ratelimit-limit": "100", "x-ratelimit-remaining": "99"}


@dataclass
class Token:
    id: str
    name: str
    value: str
    user: str
    created_at: int
    teams: tuple[str, ...] = ()  # empty: a full-account token
    expires_at: int | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def metadata(self) -> dict[str, object]:
        scopes: list[dict[str, object]] = (
            [{"type": "team", "teamId": t, "origin": "manual", "createdAt": self.created_at}
             for t in self.teams]
            if self.teams
            else [{"type": "user", "origin": "manual", "createdAt": self.created_at}]
        )  # fmt: skip
        body: dict[str, object] = {
            "id": self.id,
            "name": self.name,
            "type": "oauth2-token",
            "origin": "manual",
            "scopes": scopes,
            "createdAt": self.created_at,
            "activeAt": self.created_at,
            "prefix": self.value[:4],
            "suffix": self.value[-4:],
        }
        if self.expires_at is not None:
            body["expiresAt"] = self.expires_at
        return body


def _error(status: int, code: str, message: str, **more: object) -> Reply:
    return Reply(status, {"error": {"code": code, "message": message, **more}}, dict(RATE_LIMIT))


def _ok(body: object) -> Reply:
    return Reply(200, body, dict(RATE_LIMIT))


NOT_AUTHORIZED = ("forbidden", "Not authorized")


class FakeVercel(FakeServer):
    USER = "user_leakward"

    def __init__(self) -> None:
        super().__init__()
        self.tokens: dict[str, Token] = {}
        # Creation times in ms, strictly increasing, so `until` pages never skip a token.
        self._clock = itertools.count(int(time.time() * 1000) - 1_000_000)
        self.admin_token = self.add_token("ops-admin").value
        self.route("GET", r"/v5/user/tokens/(?P<id>[^/]+)", self._get)
        self.route("GET", r"/v6/user/tokens", self._list)
        self.route("POST", r"/v3/user/tokens", self._create)
        self.route("DELETE", r"/v3/user/tokens/(?P<id>[^/]+)", self._delete)

    def add_token(
        self,
        name: str,
        *,
        user: str | None = None,
        teams: tuple[str, ...] = (),
        expires_at: int | None = None,
    ) -> Token:
        token = Token(
            id=secrets.token_hex(32),
            name=name,
            value="vcp_" + secrets.token_urlsafe(36),
            user=user or self.USER,
            created_at=next(self._clock),
            teams=teams,
            expires_at=expires_at,
        )
        self.tokens[token.id] = token
        return token

    def live(self, user: str | None = None) -> list[Token]:
        """The tokens that still work (not deleted, not expired), of `user` or every user."""
        now = int(time.time() * 1000)
        return [
            t
            for t in self.tokens.values()
            if (user is None or t.user == user) and (t.expires_at is None or t.expires_at > now)
        ]

    def _caller(self, request: FakeRequest) -> Token | None:
        value = request.bearer()
        return next((t for t in self.live() if t.value == value), None)

    def _authenticated(self, request: FakeRequest) -> Token | Reply:
        caller = self._caller(request)
        if caller is None:
            return _error(403, *NOT_AUTHORIZED, invalidToken=True)
        return caller

    def _target(self, caller: Token, token_id: str) -> Token | None:
        if token_id == "current":
            return caller
        token = self.tokens.get(token_id)
        return token if token is not None and token.user == caller.user else None

    def _get(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._authenticated(request)
        if isinstance(caller, Reply):
            return caller
        token = self._target(caller, match.group("id"))
        if token is None:
            return _error(404, "not_found", "Token not found")
        return _ok({"token": token.metadata()})

    def _list(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._authenticated(request)
        if isinstance(caller, Reply):
            return caller
        until = int(request.query["until"]) if "until" in request.query else None
        mine = sorted(
            (t for t in self.tokens.values() if t.user == caller.user),
            key=lambda t: t.created_at,
            reverse=True,
        )
        older = [t for t in mine if until is None or t.created_at < until]
        page = older[:PAGE]
        more = len(older) > PAGE
        return _ok(
            {
                "tokens": [t.metadata() for t in page],
                "pagination": {
                    "count": len(page),
                    "next": page[-1].created_at if more else None,
                    "prev": None,
                },
            }
        )

    def _create(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._authenticated(request)
        if isinstance(caller, Reply):
            return caller
        if caller.teams:  # "Limited tokens cannot create additional user tokens"
            return _error(403, "forbidden", "You do not have permission to access this resource.")
        body = request.json()
        name = body.get("name")
        expires = body.get("expiresAt")
        if not isinstance(name, str) or not name:
            return _error(400, "bad_request", "Invalid request: missing required property `name`.")
        if expires is not None and not isinstance(expires, int | float):
            return _error(400, "bad_request", "Invalid request: `expiresAt` should be number.")
        token = self.add_token(
            name, user=caller.user, expires_at=int(expires) if expires is not None else None
        )
        return _ok({"token": token.metadata(), "bearerToken": token.value})

    def _delete(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._authenticated(request)
        if isinstance(caller, Reply):
            return caller
        token = self._target(caller, match.group("id"))
        if token is None:
            return _error(404, "not_found", "Token not found")
        del self.tokens[token.id]
        return _ok({"tokenId": token.id})
