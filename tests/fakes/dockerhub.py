"""Fake Docker Hub API: sign-in (`/v2/auth/token`) and personal access tokens.

Stage: tests (rotators). Follows Docker Hub's OpenAPI document (github.com/docker/docs @
0073bb65, content/reference/api/hub/latest.yaml) and docs.docker.com/security/for-developers/
access-tokens: `POST /v2/auth/token` takes `{identifier, secret}` (an account name with its
password or one of its tokens) and answers `{access_token}` or 401; the token API takes that JWT
as Bearer, but a JWT from a personal access token may not manage tokens ("you can't perform any
administrative activity on the account"; the 403 the fake answers then is ours, the document
names no status for it); list is paged (`page`, `page_size`, `next`) and shows
no token values; create answers 201 with the value once; `PATCH` sets `is_active`; delete
answers 204; errors are `{"detail", "message"}`; answers carry the X-RateLimit-* headers.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tests.fakes.server import FakeRequest, FakeServer, Reply

RATE = {"x-ratelimit-limit": "180", "x-ratelimit-remaining": "179", "x-ratelimit-reset": "0"}


def _error(status: int, detail: str) -> Reply:
    return Reply(status, {"detail": detail, "message": detail}, dict(RATE))


@dataclass
class Pat:
    uuid: str
    account: str
    value: str
    label: str
    scopes: list[str]
    is_active: bool = True
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    def body(self, *, with_value: bool = False) -> dict[str, object]:
        return {
            "uuid": self.uuid,
            "client_id": "HUB",
            "creator_ip": "127.0.0.1",
            "creator_ua": "leakward-tests",
            "created_at": self.created_at,
            "last_used": None,
            "generated_by": "manual",
            "is_active": self.is_active,
            "token": self.value if with_value else "",
            "token_label": self.label,
            "scopes": self.scopes,
        }


class FakeDockerHub(FakeServer):
    ACCOUNT = "moby"

    def __init__(self) -> None:
        super().__init__()
        self.password = secrets.token_urlsafe(16)
        self.pats: dict[str, Pat] = {}
        self._jwts: dict[str, tuple[str, bool]] = {}  # jwt -> (account, from a password)
        self.route("POST", r"/v2/auth/token", self._sign_in)
        self.route("GET", r"/v2/access-tokens", self._list)
        self.route("POST", r"/v2/access-tokens", self._create)
        self.route("GET", r"/v2/access-tokens/(?P<uuid>[^/]+)", self._get)
        self.route("PATCH", r"/v2/access-tokens/(?P<uuid>[^/]+)", self._patch)
        self.route("DELETE", r"/v2/access-tokens/(?P<uuid>[^/]+)", self._delete)

    def add_pat(self, label: str, scopes: list[str] | None = None) -> Pat:
        pat = Pat(
            str(uuid.uuid4()),
            self.ACCOUNT,
            "dckr_pat_" + secrets.token_urlsafe(21)[:27],
            label,
            list(scopes or ["repo:read"]),
        )
        self.pats[pat.uuid] = pat
        return pat

    def live_values(self) -> set[str]:
        """Tokens that still authenticate (an inactive one can be activated again: counted)."""
        return {p.value for p in self.pats.values()}

    def _sign_in(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        body = request.json()
        account, secret = body.get("identifier"), body.get("secret")
        if account != self.ACCOUNT:
            return _error(401, "Incorrect authentication credentials")
        if secret == self.password:
            from_password = True
        elif any(p.value == secret and p.is_active for p in self.pats.values()):
            from_password = False
        else:
            return _error(401, "Incorrect authentication credentials")
        jwt = "eyJ" + secrets.token_urlsafe(32)
        self._jwts[jwt] = (account, from_password)
        return Reply(200, {"access_token": jwt}, dict(RATE))

    def _manager(self, request: FakeRequest) -> Reply | None:
        signed = self._jwts.get(request.bearer() or "")
        if signed is None:
            return _error(401, "authentication required")
        if not signed[1]:
            return _error(403, "access tokens cannot manage access tokens")
        return None

    def _list(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._manager(request)
        if refused:
            return refused
        page = int(request.query.get("page", "1"))
        size = int(request.query.get("page_size", "10"))
        every = list(self.pats.values())
        chunk = every[(page - 1) * size : page * size]
        more = page * size < len(every)
        return Reply(
            200,
            {
                "count": len(every),
                "next": f"/v2/access-tokens?page={page + 1}&page_size={size}" if more else None,
                "previous": None,
                "active_count": sum(p.is_active for p in every),
                "results": [p.body() for p in chunk],
            },
            dict(RATE),
        )

    def _create(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._manager(request)
        if refused:
            return refused
        body = request.json()
        label, scopes = body.get("token_label"), body.get("scopes")
        if not isinstance(label, str) or not label or not isinstance(scopes, list) or not scopes:
            return _error(400, "token_label and scopes are required")
        pat = self.add_pat(label, [str(s) for s in scopes])
        return Reply(201, pat.body(with_value=True), dict(RATE))

    def _get(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._manager(request)
        if refused:
            return refused
        pat = self.pats.get(match.group("uuid"))
        if pat is None:
            return _error(404, "token not found")
        return Reply(200, pat.body(), dict(RATE))

    def _patch(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._manager(request)
        if refused:
            return refused
        pat = self.pats.get(match.group("uuid"))
        if pat is None:
            return _error(404, "token not found")
        active = request.json().get("is_active")
        if isinstance(active, bool):
            pat.is_active = active
        return Reply(200, pat.body(), dict(RATE))

    def _delete(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._manager(request)
        if refused:
            return refused
        if self.pats.pop(match.group("uuid"), None) is None:
            return _error(404, "token not found")
        return Reply(204, None, dict(RATE))
