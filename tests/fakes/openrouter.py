"""Fake OpenRouter API keys: the calling key's record and the management-key keys API.

Stage: tests (rotators). Follows OpenRouter's OpenAPI document (OpenRouterTeam/typescript-sdk
`.speakeasy/in.openapi.yaml`, trimmed copy in tests/contracts/specs/openrouter.yaml) and its
guides: Bearer auth; `GET /api/v1/key` answers the caller's own record, management keys
included; `/api/v1/keys` (list, create) and `/api/v1/keys/{hash}` (get, update, delete) need a
management key. Keys are `sk-or-v1-` + 64 hex, known to the API by a `hash` and shown as a
`label` that keeps 3 characters on each side ("sk-or-v1-b7e...2b2", as real answers show).
Lists give 100 keys a page (`offset`), newest first, without disabled keys unless
`include_disabled=true` and only the default workspace unless `workspace_id` names one. Errors
are `{"error": {"code", "message"}}` with the same status; a disabled or unknown key gets 401
("Invalid credentials … disabled/invalid API key", the errors guide); a key whose credits are
spent gets 402 on `/key`-like calls when `exhausted`.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tests.fakes.server import FakeRequest, FakeServer, Reply

PAGE = 100
DEFAULT_WORKSPACE = "0df9e665-d932-5740-b2c7-b52af166bc11"


@dataclass
class Key:
    hash: str
    value: str
    name: str
    workspace_id: str = DEFAULT_WORKSPACE
    disabled: bool = False
    limit: float | None = None
    limit_reset: str | None = None
    include_byok_in_limit: bool = False
    expires_at: str | None = None
    exhausted: bool = False  # its credits are spent: inference answers 402
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    updated_at: str | None = None

    @property
    def label(self) -> str:
        body = self.value.removeprefix("sk-or-v1-")
        return f"sk-or-v1-{body[:3]}...{body[-3:]}"

    def record(self) -> dict[str, object]:
        """The key as list, get, create and update answer it (the spec's required fields)."""
        usage = {
            f"{kind}{period}": 0.0
            for kind in ("usage", "byok_usage")
            for period in ("", "_daily", "_weekly", "_monthly")
        }
        return {
            "hash": self.hash,
            "name": self.name,
            "label": self.label,
            "disabled": self.disabled,
            "limit": self.limit,
            "limit_remaining": self.limit,
            "limit_reset": self.limit_reset,
            "include_byok_in_limit": self.include_byok_in_limit,
            "expires_at": self.expires_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "creator_user_id": "user_2dHFtVWx2n56w6HkM0000000000",
            "workspace_id": self.workspace_id,
            **usage,
        }


def _error(status: int, message: str) -> Reply:
    return Reply(status, {"error": {"code": status, "message": message}})


class FakeOpenRouter(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.keys: dict[str, Key] = {}  # by hash, oldest first
        self.management_key = "sk-or-v1-" + secrets.token_hex(32)
        self.route("GET", r"/api/v1/key", self._current)
        self.route("GET", r"/api/v1/keys", self._list)
        self.route("POST", r"/api/v1/keys", self._create)
        self.route("GET", r"/api/v1/keys/(?P<hash>[^/]+)", self._get)
        self.route("PATCH", r"/api/v1/keys/(?P<hash>[^/]+)", self._update)
        self.route("DELETE", r"/api/v1/keys/(?P<hash>[^/]+)", self._delete)

    def add_key(self, name: str, **settings: object) -> Key:
        key = Key(secrets.token_hex(32), "sk-or-v1-" + secrets.token_hex(32), name)
        for setting, value in settings.items():
            setattr(key, setting, value)
        self.keys[key.hash] = key
        return key

    def live(self) -> list[Key]:
        """Keys that work now or can be enabled again: every key not deleted."""
        return list(self.keys.values())

    def _caller(self, request: FakeRequest) -> Key | None:
        value = request.bearer()
        return next((k for k in self.keys.values() if k.value == value), None)

    def _current(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        value = request.bearer()
        if value is None:
            return _error(401, "Missing Authentication header")
        if value == self.management_key:
            return Reply(200, {"data": self._current_record(None)})
        key = self._caller(request)
        if key is None or key.disabled:
            return _error(401, "User not found.")
        if key.exhausted:
            return _error(402, "Insufficient credits. Add more using https://openrouter.ai/credits")
        return Reply(200, {"data": self._current_record(key)})

    def _current_record(self, key: Key | None) -> dict[str, object]:
        body = self.management_key.removeprefix("sk-or-v1-")
        return {
            "label": key.label if key else f"sk-or-v1-{body[:3]}...{body[-3:]}",
            "limit": key.limit if key else None,
            "limit_remaining": key.limit if key else None,
            "limit_reset": key.limit_reset if key else None,
            "usage": 0.0,
            "usage_daily": 0.0,
            "usage_weekly": 0.0,
            "usage_monthly": 0.0,
            "byok_usage": 0.0,
            "byok_usage_daily": 0.0,
            "byok_usage_weekly": 0.0,
            "byok_usage_monthly": 0.0,
            "is_free_tier": False,
            "is_management_key": key is None,
            "is_provisioning_key": key is None,
            "include_byok_in_limit": key.include_byok_in_limit if key else False,
            "expires_at": key.expires_at if key else None,
            "creator_user_id": "user_2dHFtVWx2n56w6HkM0000000000",
            "rate_limit": {"interval": "1h", "note": "deprecated", "requests": -1},
        }

    def _refused(self, request: FakeRequest) -> Reply | None:
        """Management endpoints: only the management key (an API key is refused with 401)."""
        if request.bearer() is None:
            return _error(401, "Missing Authentication header")
        if request.bearer() != self.management_key:
            return _error(401, "Invalid management key")
        return None

    def _list(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._refused(request)
        if refused:
            return refused
        workspace = request.query.get("workspace_id", DEFAULT_WORKSPACE)
        with_disabled = request.query.get("include_disabled") == "true"
        try:
            offset = int(request.query.get("offset", "0"))
        except ValueError:
            return _error(400, "Invalid request parameters")
        chosen = [
            k
            for k in reversed(self.keys.values())  # most recent first
            if k.workspace_id == workspace and (with_disabled or not k.disabled)
        ]
        return Reply(200, {"data": [k.record() for k in chosen[offset : offset + PAGE]]})

    def _create(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._refused(request)
        if refused:
            return refused
        body = request.json()
        name = body.get("name")
        if not isinstance(name, str) or not name:
            return _error(400, "Invalid request parameters")
        copied = {
            k: body[k]
            for k in ("limit", "limit_reset", "include_byok_in_limit", "expires_at", "workspace_id")
            if body.get(k) is not None
        }
        key = self.add_key(name, **copied)
        return Reply(201, {"data": key.record(), "key": key.value})

    def _found(self, request: FakeRequest, match: re.Match[str]) -> Key | Reply:
        refused = self._refused(request)
        if refused:
            return refused
        key = self.keys.get(match.group("hash"))
        return key if key is not None else _error(404, "API key not found")

    def _get(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        key = self._found(request, match)
        return key if isinstance(key, Reply) else Reply(200, {"data": key.record()})

    def _update(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        key = self._found(request, match)
        if isinstance(key, Reply):
            return key
        body = request.json()
        for setting in ("name", "disabled", "limit", "limit_reset", "include_byok_in_limit"):
            if setting in body:
                setattr(key, setting, body[setting])
        key.updated_at = datetime.now(UTC).isoformat()
        return Reply(200, {"data": key.record()})

    def _delete(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        key = self._found(request, match)
        if isinstance(key, Reply):
            return key
        del self.keys[key.hash]
        return Reply(200, {"deleted": True})
