"""Fake Heroku Platform API: account info and OAuth authorizations (list, info, create, delete).

Stage: tests (rotators). Follows devcenter.heroku.com/articles/platform-api-reference and the
JSON hyper-schema of github.com/heroku/platform-api (schema.json @ 4f4f592c): Bearer auth;
authorizations belong to a user and every call acts for the calling token's user; an
authorization carries `access_token {expires_in, id, token}` (returned to its own user),
`client`, `scope`, `description`, `user`; create answers 201, delete 200 with the deleted
authorization; lists are served in `Range` pages (`id ..; max=N`, default 200) answering 206 with
`Next-Range` while more remain, 200 on the last; errors are `{"id", "message"}` with the
documented ids (`unauthorized` for a missing, invalid or expired token, `not_found`,
`invalid_params`); every answer carries `RateLimit-Remaining`.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from tests.fakes.server import FakeRequest, FakeServer, Reply

DEFAULT_PAGE = 200
HEADERS = {"ratelimit-remaining": "4499"}
_RANGE = re.compile(r"id\s+(?:\](?P<after>[^.\s]+))?\.\.\s*(?:;\s*max=(?P<max>\d+))?")


def _error(status: int, error_id: str, message: str) -> Reply:
    return Reply(status, {"id": error_id, "message": message}, dict(HEADERS))


@dataclass
class Authorization:
    id: str
    user: str
    token: str
    scope: list[str]
    description: str
    expires_in: int | None = None
    client: str | None = None
    created_at: str = ""

    def body(self) -> dict[str, object]:
        client = (
            {"id": self.client, "name": "third-party app", "redirect_uri": "https://app.test/cb"}
            if self.client
            else None
        )
        return {
            "id": self.id,
            "description": self.description,
            "scope": self.scope,
            "access_token": {"expires_in": self.expires_in, "id": str(uuid.uuid4()),
                             "token": self.token},
            "refresh_token": None,
            "grant": None,
            "client": client,
            "user": {"id": self.user, "email": f"{self.user[:8]}@example.test",
                     "full_name": "Someone"},
            "created_at": self.created_at,
            "updated_at": self.created_at,
        }  # fmt: skip


class FakeHeroku(FakeServer):
    USER = "0a1b2c3d-0000-4000-8000-000000000001"

    def __init__(self) -> None:
        super().__init__()
        self.authorizations: dict[str, Authorization] = {}
        self.page_size = DEFAULT_PAGE
        self.admin_token = self.add_authorization("ops admin", ["global"]).token
        self.route("GET", r"/account", self._account)
        self.route("GET", r"/oauth/authorizations", self._list)
        self.route("POST", r"/oauth/authorizations", self._create)
        self.route("GET", r"/oauth/authorizations/(?P<id>[^/]+)", self._info)
        self.route("DELETE", r"/oauth/authorizations/(?P<id>[^/]+)", self._delete)

    def add_authorization(
        self,
        description: str,
        scope: list[str] | None = None,
        *,
        user: str | None = None,
        expires_in: int | None = None,
        client: str | None = None,
    ) -> Authorization:
        authorization = Authorization(
            id=str(uuid.uuid4()),
            user=user or self.USER,
            token="HRKU-AA" + secrets.token_urlsafe(43)[:58],
            scope=list(scope or ["global"]),
            description=description,
            expires_in=expires_in,
            client=client,
            created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        self.authorizations[authorization.id] = authorization
        return authorization

    def live_tokens(self) -> set[str]:
        return {a.token for a in self.authorizations.values()}

    def _caller(self, request: FakeRequest) -> Authorization | Reply:
        value = request.bearer()
        found = next((a for a in self.authorizations.values() if a.token == value), None)
        if found is None:
            return _error(401, "unauthorized", "Invalid credentials provided.")
        return found

    def _own(self, caller: Authorization, authorization_id: str) -> Authorization | Reply:
        found = self.authorizations.get(authorization_id)
        if found is None or found.user != caller.user:
            return _error(404, "not_found", "Couldn't find that authorization.")
        return found

    def _account(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._caller(request)
        if isinstance(caller, Reply):
            return caller
        return Reply(200, {"id": caller.user, "email": "someone@example.test"}, dict(HEADERS))

    def _list(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._caller(request)
        if isinstance(caller, Reply):
            return caller
        wanted = _RANGE.fullmatch(request.headers.get("range", "id ..").strip())
        if wanted is None:
            return _error(400, "bad_request", "Invalid Range header.")
        size = min(int(wanted.group("max") or self.page_size), self.page_size)
        after = wanted.group("after")
        mine = sorted(
            (a for a in self.authorizations.values() if a.user == caller.user), key=lambda a: a.id
        )
        rest = [a for a in mine if after is None or a.id > after]
        page = rest[:size]
        if len(rest) > size:
            headers = {**HEADERS, "next-range": f"id ]{page[-1].id}..; max={size}"}
            return Reply(206, [a.body() for a in page], headers)
        return Reply(200, [a.body() for a in page], dict(HEADERS))

    def _info(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._caller(request)
        if isinstance(caller, Reply):
            return caller
        found = self._own(caller, match.group("id"))
        return found if isinstance(found, Reply) else Reply(200, found.body(), dict(HEADERS))

    def _create(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._caller(request)
        if isinstance(caller, Reply):
            return caller
        body = request.json()
        scope = body.get("scope")
        expires_in = body.get("expires_in")
        if not isinstance(scope, list) or not scope:
            return _error(422, "invalid_params", "Scope is required.")
        if expires_in is not None and not isinstance(expires_in, int):
            return _error(422, "invalid_params", "Expires in must be an integer.")
        description = body.get("description")
        created = self.add_authorization(
            description if isinstance(description, str) else "",
            [str(s) for s in scope],
            user=caller.user,
            expires_in=expires_in,
        )
        return Reply(201, created.body(), dict(HEADERS))

    def _delete(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._caller(request)
        if isinstance(caller, Reply):
            return caller
        found = self._own(caller, match.group("id"))
        if isinstance(found, Reply):
            return found
        del self.authorizations[found.id]
        return Reply(200, found.body(), dict(HEADERS))
