"""Fake GitLab REST API v4: personal, project and group access tokens.

Stage: tests (rotators). Follows docs.gitlab.com/ee/api/personal_access_tokens.html and the
project/group access token pages: `PRIVATE-TOKEN` header, 401 `{"message": "401 Unauthorized"}`
for unknown or revoked tokens, rotate returns the new token and revokes the old one at once, and
rotating an already rotated token revokes the whole family (GitLab's reuse detection).
A revoke GitLab's revoke service refuses answers 400 and leaves the token active (lib/api/
personal_access_tokens.rb and resource_access_tokens.rb: `success? ? no_content! :
bad_request!`): here when the caller is neither an administrator nor the token's owner, and
for a token already revoked; a non-administrator reading another user's personal
token gets 404. Lists return both states unless `state=active|inactive` and are
paginated by offset as docs.gitlab.com/ee/api/rest/#pagination says: `per_page` (default 20,
at most 100), `page`, `x-next-page` (empty on the last page) and a `Link` rel="next".
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

from tests.fakes.server import FakeRequest, FakeServer, Reply

_UNAUTHORIZED = Reply(401, {"message": "401 Unauthorized"})


@dataclass
class Token:
    id: int
    value: str
    name: str
    kind: str  # personal | project | group
    parent: str | None
    user_id: int
    scopes: list[str]
    revoked: bool = False
    successor: int | None = None
    expires_at: str | None = None
    created_at: str = field(
        default_factory=lambda: datetime.now(UTC).isoformat(timespec="milliseconds")
    )
    access_level: int = 40  # project and group tokens: Maintainer, GitLab's default

    def public(self) -> dict[str, object]:
        """The token as GitLab's PersonalAccessToken entity renders it, and for a project or
        group token its ResourceAccessToken entity (which adds the access level)."""
        shown: dict[str, object] = {
            "id": self.id,
            "name": self.name,
            "revoked": self.revoked,
            "created_at": self.created_at,
            "description": None,
            "last_used_at": None,
            "active": not self.revoked,
            "scopes": self.scopes,
            "user_id": self.user_id,
            "expires_at": self.expires_at,
        }
        if self.kind != "personal":
            shown["access_level"] = self.access_level
        return shown


class FakeGitLab(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.tokens: dict[int, Token] = {}
        self._next = 100
        self.admin_users = {1}  # users whose tokens may revoke anybody's
        self.admin_token = self.add_token("admin", scopes=["api", "sudo"], user_id=1)[1]
        pat = r"/api/v4/personal_access_tokens/(?P<id>self|\d+)"
        res = r"/api/v4/(?P<kind>projects|groups)/(?P<parent>[^/]+)/access_tokens/(?P<id>\d+)"
        self.route("GET", pat, self._get)
        self.route("DELETE", pat, self._delete)
        self.route("POST", pat + "/rotate", self._rotate)
        self.route("GET", res, self._get)
        self.route("DELETE", res, self._delete)
        self.route("POST", res + "/rotate", self._rotate)
        self.route("GET", r"/api/v4/personal_access_tokens", self._list)
        self.route(
            "GET",
            r"/api/v4/(?P<kind>projects|groups)/(?P<parent>[^/]+)/access_tokens",
            self._list_resource,
        )

    def add_token(
        self,
        name: str,
        *,
        kind: str = "personal",
        parent: str | None = None,
        scopes: list[str] | None = None,
        user_id: int = 7,
    ) -> tuple[int, str]:
        self._next += 1
        value = "glpat-" + secrets.token_urlsafe(15)[:20]
        self.tokens[self._next] = Token(
            self._next, value, name, kind, parent, user_id, scopes or ["api"]
        )
        return self._next, value

    def live_tokens(self, name: str | None = None) -> list[Token]:
        return [t for t in self.tokens.values() if not t.revoked and name in (None, t.name)]

    def _caller(self, request: FakeRequest) -> Token | None:
        value = request.headers.get("private-token")
        for token in self.tokens.values():
            if token.value == value and not token.revoked:
                return token
        return None

    def _target(self, caller: Token, match: re.Match[str]) -> Token | None:
        wanted = match.group("id")
        token = caller if wanted == "self" else self.tokens.get(int(wanted))
        groups = match.groupdict()
        kind = groups.get("kind")
        if (
            token is not None
            and kind
            and (kind.rstrip("s"), groups["parent"])
            != (
                token.kind,
                token.parent,
            )
        ):
            return None
        return token

    def _get(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._caller(request)
        if caller is None:
            return _UNAUTHORIZED
        if "read_api" not in caller.scopes and "api" not in caller.scopes:
            return Reply(403, {"error": "insufficient_scope"})
        token = self._target(caller, match)
        # Non-administrators see only their own personal tokens; others' are "not found".
        hidden = (
            token is not None
            and token.kind == "personal"
            and caller.user_id not in self.admin_users
            and caller.user_id != token.user_id
        )
        if token is None or hidden:
            return Reply(404, {"message": "404 Not Found"})
        return Reply(200, token.public())

    def _delete(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._caller(request)
        if caller is None:
            return _UNAUTHORIZED
        token = self._target(caller, match)
        if token is None:
            return Reply(404, {"message": "404 Not Found"})
        may_revoke = caller.user_id in self.admin_users or caller.user_id == token.user_id
        if token.revoked or not may_revoke:
            return Reply(400, {"message": "400 Bad request"})
        token.revoked = True
        return Reply(204)

    def _rotate(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._caller(request)
        if caller is None:
            return _UNAUTHORIZED
        token = self._target(caller, match)
        if token is None:
            return Reply(404, {"message": "404 Not Found"})
        if token.revoked:
            # Reuse detection: the family of a rotated token dies with the reused one.
            follow = token.successor
            while follow is not None:
                self.tokens[follow].revoked = True
                follow = self.tokens[follow].successor
            return Reply(400, {"message": "400 Bad request - Token already revoked"})
        new_id, value = self.add_token(
            token.name,
            kind=token.kind,
            parent=token.parent,
            scopes=token.scopes,
            user_id=token.user_id,
        )
        new = self.tokens[new_id]
        new.expires_at = str(request.json().get("expires_at") or "2026-12-01")
        token.revoked = True
        token.successor = new_id
        return Reply(200, {**new.public(), "token": value})

    def _list(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if self._caller(request) is None:
            return _UNAUTHORIZED
        return self._page(request, [t for t in self.tokens.values() if t.kind == "personal"])

    def _list_resource(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if self._caller(request) is None:
            return _UNAUTHORIZED
        kind, parent = match.group("kind").rstrip("s"), match.group("parent")
        listed = [t for t in self.tokens.values() if t.kind == kind and t.parent == parent]
        return self._page(request, listed)

    def _page(self, request: FakeRequest, tokens: list[Token]) -> Reply:
        state = request.query.get("state")
        if state in ("active", "inactive"):
            tokens = [t for t in tokens if (not t.revoked) is (state == "active")]
        per_page = min(int(request.query.get("per_page", "20")), 100)
        page = int(request.query.get("page", "1"))
        following = str(page + 1) if page * per_page < len(tokens) else ""
        headers = {
            "x-page": str(page),
            "x-per-page": str(per_page),
            "x-next-page": following,
            "x-total": str(len(tokens)),
            "x-total-pages": str(max(1, -(-len(tokens) // per_page))),
        }
        if following:
            query = urlencode({**request.query, "page": following})
            headers["link"] = f'<{self.url}{request.path}?{query}>; rel="next"'
        shown = tokens[(page - 1) * per_page : page * per_page]
        return Reply(200, [t.public() for t in shown], headers)
