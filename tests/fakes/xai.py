"""Fake xAI: a key's own record (api.x.ai) and the management API's API keys (management-api.x.ai)
on one server.

Stage: tests (rotators). Follows xAI's references (docs.x.ai rest-api-reference: `GET
/v1/api-key` and its ApiKey schema in xAI's OpenAPI document; management "Accounts and
Authorization": create an API key and its response fields) and how clients of the management
API call it (list `GET /auth/teams/{teamId}/api-keys` with `pageSize` and `paginationToken`,
answering `apiKeys` and `nextPageToken`; delete `DELETE /auth/api-keys/{apiKeyId}`). A key
unknown to xAI gets 400 `{"code": "Client specified an invalid argument", "error": "Incorrect
API key provided: xa***XX. …"}`, the answer users report. The management API's error bodies
are not in the reference; this fake answers them in the same envelope. Tests/contracts holds
the operations as a hand-written spec (specs/xai.yaml).
"""

from __future__ import annotations

import re
import secrets
import string
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tests.fakes.server import FakeRequest, FakeServer, Reply

TEAM = "5ea6f6bd-7815-4b8a-9135-28b2d7ba6722"
USER = "59fbe5f2-040b-46d5-8325-868bb8f23eb2"
PAGE_MAX = 100
ALPHABET = string.ascii_letters + string.digits


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Key:
    id: str
    value: str
    name: str
    team: str = TEAM
    acls: list[str] = field(default_factory=lambda: ["api-key:model:*", "api-key:endpoint:*"])
    qps: int | None = None
    qpm: int | None = None
    tpm: str | None = None
    expire_time: str | None = None
    disabled: bool = False
    created: str = field(default_factory=_now)

    @property
    def redacted(self) -> str:
        return f"xai-...{self.value[-4:]}"

    def own_record(self) -> dict[str, object]:
        """GET /v1/api-key's ApiKey (snake_case, every field the schema requires)."""
        return {
            "redacted_api_key": self.redacted,
            "user_id": USER,
            "name": self.name,
            "create_time": self.created,
            "modify_time": self.created,
            "modified_by": USER,
            "team_id": self.team,
            "acls": self.acls,
            "api_key_id": self.id,
            "team_blocked": False,
            "api_key_blocked": False,
            "api_key_disabled": self.disabled,
        }

    def managed(self) -> dict[str, object]:
        """The management API's ApiKey (camelCase; `apiKey` only on create)."""
        record: dict[str, object] = {
            "redactedApiKey": self.redacted,
            "userId": USER,
            "name": self.name,
            "createTime": self.created,
            "modifyTime": self.created,
            "teamId": self.team,
            "apiKeyId": self.id,
            "disabled": self.disabled,
            "aclStrings": self.acls,
        }
        for name, value in (
            ("expireTime", self.expire_time),
            ("qps", self.qps),
            ("qpm", self.qpm),
            ("tpm", self.tpm),
        ):
            if value is not None:
                record[name] = value
        return record


def _error(status: int, code: str, message: str) -> Reply:
    return Reply(status, {"code": code, "error": message})


def _invalid_key(value: str | None) -> Reply:
    shown = f"{value[:2]}***{value[-2:]}" if value and len(value) > 4 else "***"
    return _error(
        400,
        "Client specified an invalid argument",
        f"Incorrect API key provided: {shown}. You can obtain an API key from "
        "https://console.x.ai.",
    )


class FakeXai(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.keys: dict[str, Key] = {}  # by id, oldest first
        self.management_key = "xai-token-" + "".join(secrets.choice(ALPHABET) for _ in range(60))
        self.route("GET", r"/v1/api-key", self._own_record)
        self.route("GET", r"/auth/teams/(?P<team>[^/]+)/api-keys", self._list)
        self.route("POST", r"/auth/teams/(?P<team>[^/]+)/api-keys", self._create)
        self.route("DELETE", r"/auth/api-keys/(?P<id>[^/]+)", self._delete)

    def add_key(self, name: str, **settings: object) -> Key:
        value = "xai-" + "".join(secrets.choice(ALPHABET) for _ in range(80))
        key = Key(str(uuid.uuid4()), value, name)
        for setting, setting_value in settings.items():
            setattr(key, setting, setting_value)
        self.keys[key.id] = key
        return key

    def live(self) -> list[Key]:
        """Keys that work or can be enabled again: every key not deleted."""
        return list(self.keys.values())

    def _own_record(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        value = request.bearer()
        key = next((k for k in self.keys.values() if k.value == value), None)
        if key is None:
            return _invalid_key(value)
        return Reply(200, key.own_record())

    def _refused(self, request: FakeRequest) -> Reply | None:
        if request.bearer() != self.management_key:
            return _error(401, "Unauthenticated", "Invalid management key")
        return None

    def _list(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._refused(request)
        if refused:
            return refused
        try:
            size = min(int(request.query.get("pageSize", "20")), PAGE_MAX)
            start = int(request.query.get("paginationToken") or "0")
        except ValueError:
            return _error(400, "Client specified an invalid argument", "Invalid page")
        team = [k for k in self.keys.values() if k.team == match.group("team")]
        page = team[start : start + size]
        body: dict[str, object] = {"apiKeys": [k.managed() for k in page]}
        if start + size < len(team):
            body["nextPageToken"] = str(start + size)
        return Reply(200, body)

    def _create(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._refused(request)
        if refused:
            return refused
        body = request.json()
        name = body.get("name")
        if not isinstance(name, str) or not name:
            return _error(400, "Client specified an invalid argument", "name must not be empty")
        key = self.add_key(
            name,
            team=match.group("team"),
            acls=list(body.get("acls") or []),  # type: ignore[call-overload]
            qps=body.get("qps"),
            qpm=body.get("qpm"),
            tpm=body.get("tpm"),
            expire_time=body.get("expireTime"),
        )
        return Reply(200, {**key.managed(), "apiKey": key.value})

    def _delete(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._refused(request)
        if refused:
            return refused
        if self.keys.pop(match.group("id"), None) is None:
            return _error(404, "Some requested entity was not found", "API key not found")
        return Reply(200, {})
