"""Fake Anthropic API: /v1/models and the Admin API (organizations/me, api_keys list, retrieve,
update).

Stage: tests (rotators). Follows the Claude Platform Admin API reference and the types Stainless
generates from Anthropic's OpenAPI spec (kept in tests/contracts/specs/anthropic.yaml):
`x-api-key` plus `anthropic-version` headers, `{"type": "error", "error": {"type":
"authentication_error", …}}` 401 bodies, `partial_key_hint` and `scope` on keys, statuses
active/inactive/archived, cursor pagination with `has_more`/`after_id`/`last_id`. There is no
create endpoint, as in the real API. Admin keys (`sk-ant-admin01-…`) call the Admin API only;
inference endpoints do not know them.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from tests.fakes.server import FakeRequest, FakeServer, Reply


def _error(status: int, kind: str, message: str) -> Reply:
    return Reply(status, {"type": "error", "error": {"type": kind, "message": message}})


@dataclass
class Key:
    id: str
    value: str
    name: str
    workspace_id: str
    status: str = "active"

    def public(self) -> dict[str, object]:
        return {
            "type": "api_key",
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "workspace_id": self.workspace_id,
            "partial_key_hint": f"{self.value[:16]}...{self.value[-4:]}",
            "scope": {"type": "workspace", "workspace_id": self.workspace_id},
            "created_at": "2026-11-01T00:00:00Z",
            "created_by": {"id": "user_01WCz1FkmYMm4gnmykNKUu3Q", "type": "user"},
            "expires_at": None,
        }


class FakeAnthropic(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.keys: dict[str, Key] = {}
        self.admin_key = "sk-ant-admin01-" + secrets.token_urlsafe(30)
        self.route("GET", r"/v1/models", self._models)
        self.route("GET", r"/v1/organizations/me", self._me)
        self.route("GET", r"/v1/organizations/api_keys", self._list)
        self.route("GET", r"/v1/organizations/api_keys/(?P<id>[^/]+)", self._get)
        self.route("POST", r"/v1/organizations/api_keys/(?P<id>[^/]+)", self._update)

    def add_key(self, name: str = "app", workspace: str = "wrkspc_1") -> Key:
        key = Key(
            "apikey_" + secrets.token_hex(8),
            "sk-ant-api03-" + secrets.token_urlsafe(60),
            name,
            workspace,
        )
        self.keys[key.id] = key
        return key

    def _version_missing(self, request: FakeRequest) -> Reply | None:
        if "anthropic-version" not in request.headers:
            return _error(400, "invalid_request_error", "anthropic-version header is required")
        return None

    def _admin_ok(self, request: FakeRequest) -> Reply | None:
        missing = self._version_missing(request)
        if missing:
            return missing
        if request.headers.get("x-api-key") != self.admin_key:
            return _error(401, "authentication_error", "invalid x-api-key")
        return None

    def _models(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        missing = self._version_missing(request)
        if missing:
            return missing
        value = request.headers.get("x-api-key")
        if not any(k.value == value and k.status == "active" for k in self.keys.values()):
            return _error(401, "authentication_error", "invalid x-api-key")
        model = {
            "type": "model",
            "id": "claude-test",
            "display_name": "Claude Test",
            "created_at": "2026-11-01T00:00:00Z",
        }
        page = {
            "data": [model],
            "has_more": False,
            "first_id": "claude-test",
            "last_id": "claude-test",
        }
        return Reply(200, page)

    def _me(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        missing = self._version_missing(request)
        if missing:
            return missing
        value = request.headers.get("x-api-key")
        if value != self.admin_key:
            if any(k.value == value and k.status == "active" for k in self.keys.values()):
                return _error(403, "permission_error", "an Admin API key is required")
            return _error(401, "authentication_error", "invalid x-api-key")
        return Reply(
            200,
            {"id": "12345678-1234-5678-1234-567812345678", "name": "Org", "type": "organization"},
        )

    def _list(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._admin_ok(request)
        if refused:
            return refused
        items = [k.public() for k in self.keys.values()]
        for name in ("status", "workspace_id"):
            if name in request.query:
                items = [i for i in items if i[name] == request.query[name]]
        after = request.query.get("after_id")
        if after:
            ids = [i["id"] for i in items]
            items = items[ids.index(after) + 1 :] if after in ids else []
        limit = int(request.query.get("limit", "20"))
        page = items[:limit]
        return Reply(
            200,
            {
                "data": page,
                "has_more": len(items) > limit,
                "first_id": page[0]["id"] if page else None,
                "last_id": page[-1]["id"] if page else None,
            },
        )

    def _get(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._admin_ok(request)
        if refused:
            return refused
        key = self.keys.get(match.group("id"))
        return Reply(200, key.public()) if key else _error(404, "not_found_error", "no such key")

    def _update(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._admin_ok(request)
        if refused:
            return refused
        key = self.keys.get(match.group("id"))
        if key is None:
            return _error(404, "not_found_error", "no such key")
        status = request.json().get("status")
        if key.status == "archived" or status not in ("active", "inactive", "archived", None):
            return _error(400, "invalid_request_error", "cannot update an archived key")
        if status:
            key.status = str(status)
        return Reply(200, key.public())
