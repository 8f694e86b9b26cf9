"""Fake Cloudflare API v4 user tokens: verify, list, roll (PUT …/value), delete.

Stage: tests (rotators). Follows developers.cloudflare.com/api (user tokens): the
`{"success", "errors", "messages", "result"}` envelope, 401 with error code 1000 "Invalid API
Token", verify's `result.status`, and a roll that returns the new value as `result` and kills the
old value at once. `POST …/roll` does not exist (7000 "No route for that URI"), as in reality.
The token list is paged as documented (List Tokens, checked 2026-12-06): `page` from 1,
`per_page` 5 to 50 (default 20), and `result_info` with page, per_page, count, total_count and
total_pages.
"""

from __future__ import annotations

import re
import secrets

from tests.fakes.server import FakeRequest, FakeServer, Reply


def _envelope(result: object, status: int = 200, **extra: object) -> Reply:
    body = {"success": True, "errors": [], "messages": [], "result": result, **extra}
    return Reply(status, body)


def _page_of(items: list[dict[str, str]], query: dict[str, str]) -> Reply:
    page = max(1, int(query.get("page", "1")))
    per_page = min(50, max(5, int(query.get("per_page", "20"))))
    chunk = items[(page - 1) * per_page : page * per_page]
    info = {
        "page": page,
        "per_page": per_page,
        "count": len(chunk),
        "total_count": len(items),
        "total_pages": -(-len(items) // per_page),
    }
    return _envelope(chunk, result_info=info)


def _failure(status: int, code: int, message: str) -> Reply:
    return Reply(
        status,
        {
            "success": False,
            "errors": [{"code": code, "message": message}],
            "messages": [],
            "result": None,
        },
    )


class FakeCloudflare(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.tokens: dict[str, dict[str, str]] = {}  # id -> {id, name, value, status}
        self.admin_token = self.add_token("token-admin")[1]
        # Cloudflare serves the API under /client/v4 (`api_url`); the bare paths stay for the
        # tests that point a rotator at `url`.
        tokens = r"(?:/client/v4)?/user/tokens"
        self.route("GET", tokens + r"/verify", self._verify)
        self.route("GET", tokens, self._list)
        self.route("PUT", tokens + r"/(?P<id>\w+)/value", self._roll)
        self.route("POST", tokens + r"/(?P<id>\w+)/roll", self._no_route)
        self.route("DELETE", tokens + r"/(?P<id>\w+)", self._delete)

    @property
    def api_url(self) -> str:
        """The base URL as Cloudflare's (https://api.cloudflare.com/client/v4)."""
        return self.url + "/client/v4"

    def add_token(self, name: str) -> tuple[str, str]:
        token_id = secrets.token_hex(16)
        self.tokens[token_id] = {
            "id": token_id,
            "name": name,
            "status": "active",
            "value": secrets.token_urlsafe(30),
        }
        return token_id, self.tokens[token_id]["value"]

    def _caller(self, request: FakeRequest) -> dict[str, str] | None:
        return next((t for t in self.tokens.values() if t["value"] == request.bearer()), None)

    def _verify(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._caller(request)
        if caller is None:
            return _failure(401, 1000, "Invalid API Token")
        return _envelope({"id": caller["id"], "status": caller["status"]})

    def _admin(self, request: FakeRequest) -> bool:
        caller = self._caller(request)
        return caller is not None and caller["value"] == self.admin_token

    def _list(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._admin(request):
            return _failure(401, 1000, "Invalid API Token")
        listed = [
            {"id": t["id"], "name": t["name"], "status": t["status"]} for t in self.tokens.values()
        ]
        return _page_of(listed, request.query)

    def _roll(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._admin(request):
            return _failure(401, 1000, "Invalid API Token")
        token = self.tokens.get(match.group("id"))
        if token is None:
            return _failure(404, 1003, "Token not found")
        token["value"] = secrets.token_urlsafe(30)
        return _envelope(token["value"])

    def _no_route(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        return _failure(404, 7000, "No route for that URI")

    def _delete(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._admin(request):
            return _failure(401, 1000, "Invalid API Token")
        if self.tokens.pop(match.group("id"), None) is None:
            return _failure(404, 1003, "Token not found")
        return _envelope({"id": match.group("id")})
