"""Fake Datadog API (one site): validate (v1) and API key management (v2).

Stage: tests (rotators). Follows docs.datadoghq.com/api/latest/{authentication,key-management}
and the types of github.com/DataDog/datadog-api-client-python @ 6d8f356e (v1 OpenAPI document,
v2 models FullAPIKeyAttributes, PartialAPIKeyAttributes, APIKeysResponse): `GET /api/v1/validate`
reads `DD-API-KEY` only and answers `{"valid": true}` or 403; v2 calls need `DD-API-KEY` and
`DD-APPLICATION-KEY` of the organization; lists are paged with `page[size]` (default 10, at most
100) and 0-based `page[number]`, carry `meta.page.total_filtered_count` and only `last4`; one
key read back carries its `key`; create answers 201, delete 204; errors are
`{"errors": [..]}`; every answer carries the documented X-RateLimit-* headers. An organization
holds at most 50 API keys and keeps at least one.
"""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import UTC, datetime

from tests.fakes.server import FakeRequest, FakeServer, Reply

CAP = 50
RATE = {
    "x-ratelimit-limit": "1000",
    "x-ratelimit-period": "60",
    "x-ratelimit-remaining": "999",
    "x-ratelimit-reset": "60",
    "x-ratelimit-name": "api_keys",
}


def _errors(status: int, *messages: str) -> Reply:
    return Reply(status, {"errors": list(messages)}, dict(RATE))


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


class FakeDatadog(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.keys: dict[str, dict[str, object]] = {}
        self.admin_key = self.add_key("ops admin")[1]
        self.app_key = secrets.token_hex(20)
        self.route("GET", r"/api/v1/validate", self._validate)
        self.route("GET", r"/api/v2/api_keys", self._list)
        self.route("POST", r"/api/v2/api_keys", self._create)
        self.route("GET", r"/api/v2/api_keys/(?P<id>[^/]+)", self._get)
        self.route("DELETE", r"/api/v2/api_keys/(?P<id>[^/]+)", self._delete)

    def add_key(self, name: str, *, remote_config: bool = False) -> tuple[str, str]:
        key_id = str(uuid.uuid4())
        value = secrets.token_hex(16)
        stamp = _now()
        self.keys[key_id] = {
            "name": name,
            "key": value,
            "last4": value[-4:],
            "created_at": stamp,
            "modified_at": stamp,
            "date_last_used": None,
            "category": "default",
            "remote_config_read_enabled": remote_config,
        }
        return key_id, value

    def values(self) -> set[str]:
        return {str(k["key"]) for k in self.keys.values()}

    def _known(self, value: str | None) -> bool:
        return value is not None and value in self.values()

    def _admin(self, request: FakeRequest) -> Reply | None:
        if not self._known(request.headers.get("dd-api-key")):
            return _errors(403, "Forbidden")
        if request.headers.get("dd-application-key") != self.app_key:
            return _errors(403, "Forbidden")
        return None

    def _item(self, key_id: str, *, full: bool) -> dict[str, object]:
        attributes = dict(self.keys[key_id])
        if not full:
            del attributes["key"]
        return {"type": "api_keys", "id": key_id, "attributes": attributes}

    def _validate(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._known(request.headers.get("dd-api-key")):
            return _errors(403, "Forbidden")
        return Reply(200, {"valid": True}, dict(RATE))

    def _list(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._admin(request)
        if refused:
            return refused
        size = min(int(request.query.get("page[size]", "10")), 100)
        number = int(request.query.get("page[number]", "0"))
        ids = sorted(self.keys, key=lambda k: str(self.keys[k]["created_at"]))
        page = ids[number * size : (number + 1) * size]
        return Reply(
            200,
            {
                "data": [self._item(k, full=False) for k in page],
                "meta": {"page": {"total_filtered_count": len(ids)}},
            },
            dict(RATE),
        )

    def _get(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._admin(request)
        if refused:
            return refused
        if match.group("id") not in self.keys:
            return _errors(404, "API key not found")
        return Reply(200, {"data": self._item(match.group("id"), full=True)}, dict(RATE))

    def _create(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._admin(request)
        if refused:
            return refused
        data = request.json().get("data")
        attributes = data.get("attributes") if isinstance(data, dict) else None
        name = attributes.get("name") if isinstance(attributes, dict) else None
        if not isinstance(data, dict) or data.get("type") != "api_keys" or not name:
            return _errors(400, "Bad Request")
        if len(self.keys) >= CAP:
            return _errors(400, f"API key limit of {CAP} reached")
        remote = isinstance(attributes, dict) and attributes.get("remote_config_read_enabled")
        key_id, _ = self.add_key(str(name), remote_config=remote is True)
        return Reply(201, {"data": self._item(key_id, full=True)}, dict(RATE))

    def _delete(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._admin(request)
        if refused:
            return refused
        if match.group("id") not in self.keys:
            return _errors(404, "API key not found")
        if len(self.keys) == 1:
            return _errors(400, "An organization must keep at least one API key")
        del self.keys[match.group("id")]
        return Reply(204, None, dict(RATE))
