"""Fake OpenAI API: /v1/models and the Admin API for project keys and service accounts.

Stage: tests (rotators). Follows the OpenAI API reference (Projects: api_keys list/retrieve/
delete, service_accounts create/delete, service-account api_keys create): Bearer auth, 401
`invalid_api_key` error bodies, cursor pagination with `has_more`/`after`, key values returned
only when created, `redacted_value` otherwise.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass

from tests.fakes.server import FakeRequest, FakeServer, Reply

_INVALID = Reply(
    401,
    {
        "error": {
            "message": "Incorrect API key provided.",
            "type": "invalid_request_error",
            "code": "invalid_api_key",
            "param": None,
        }
    },
)
_PROJECT = r"/v1/organization/projects/(?P<project>[^/]+)"


@dataclass
class Key:
    id: str
    value: str
    name: str
    project: str
    owner_type: str  # user | service_account
    owner_id: str

    def public(self) -> dict[str, object]:
        owner_key = "service_account" if self.owner_type == "service_account" else "user"
        return {
            "object": "organization.project.api_key",
            "id": self.id,
            "name": self.name,
            "redacted_value": f"{self.value[:8]}...{self.value[-4:]}",
            "created_at": int(time.time()),
            "last_used_at": None,
            "owner": {"type": self.owner_type, owner_key: {"id": self.owner_id}},
        }


class FakeOpenAI(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.keys: dict[str, Key] = {}
        self.service_accounts: dict[str, str] = {}  # id -> project
        self.admin_key = "sk-admin-" + secrets.token_urlsafe(24)
        self.route("GET", r"/v1/models", self._models)
        self.route("GET", _PROJECT + r"/api_keys", self._list)
        self.route("DELETE", _PROJECT + r"/api_keys/(?P<id>[^/]+)", self._delete)
        self.route("POST", _PROJECT + r"/service_accounts", self._create_account)
        self.route("POST", _PROJECT + r"/service_accounts/(?P<sa>[^/]+)/api_keys", self._create_key)

    def add_key(self, project: str = "proj_1", *, owner: str = "user", name: str = "app") -> Key:
        if owner == "service_account":
            owner_id = "svc_acct_" + secrets.token_hex(4)
            self.service_accounts[owner_id] = project
        else:
            owner_id = "user_" + secrets.token_hex(4)
        return self._new_key(project, owner, owner_id, name)

    def _new_key(self, project: str, owner_type: str, owner_id: str, name: str) -> Key:
        key = Key(
            "key_" + secrets.token_hex(6),
            "sk-proj-" + secrets.token_urlsafe(36),
            name,
            project,
            owner_type,
            owner_id,
        )
        self.keys[key.id] = key
        return key

    def live(self, project: str = "proj_1") -> list[Key]:
        return [k for k in self.keys.values() if k.project == project]

    def _is_admin(self, request: FakeRequest) -> bool:
        return request.bearer() == self.admin_key

    def _models(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not any(k.value == request.bearer() for k in self.keys.values()):
            return _INVALID
        return Reply(
            200,
            {"object": "list", "data": [{"id": "gpt-test", "object": "model"}]},
            {"openai-organization": "org-fake"},
        )

    def _list(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._is_admin(request):
            return _INVALID
        items = [k.public() for k in self.live(match.group("project"))]
        after = request.query.get("after")
        if after:
            ids = [i["id"] for i in items]
            items = items[ids.index(after) + 1 :] if after in ids else []
        limit = int(request.query.get("limit", "20"))
        page = items[:limit]
        return Reply(
            200,
            {
                "object": "list",
                "data": page,
                "has_more": len(items) > limit,
                "first_id": page[0]["id"] if page else None,
                "last_id": page[-1]["id"] if page else None,
            },
        )

    def _delete(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._is_admin(request):
            return _INVALID
        key = self.keys.get(match.group("id"))
        if key is None or key.project != match.group("project"):
            return Reply(
                404, {"error": {"message": "No such API key", "type": "invalid_request_error"}}
            )
        del self.keys[key.id]
        return Reply(
            200, {"object": "organization.project.api_key.deleted", "id": key.id, "deleted": True}
        )

    def _create_account(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._is_admin(request):
            return _INVALID
        project = match.group("project")
        account_id = "svc_acct_" + secrets.token_hex(4)
        self.service_accounts[account_id] = project
        name = str(request.json().get("name", "service"))
        key = self._new_key(project, "service_account", account_id, name)
        return Reply(
            200,
            {
                "object": "organization.project.service_account",
                "id": account_id,
                "name": name,
                "role": "member",
                "created_at": int(time.time()),
                "api_key": {
                    "object": "organization.project.service_account.api_key",
                    "value": key.value,
                    "name": name,
                    "created_at": int(time.time()),
                    "id": key.id,
                },
            },
        )

    def _create_key(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._is_admin(request):
            return _INVALID
        project, account_id = match.group("project"), match.group("sa")
        if self.service_accounts.get(account_id) != project:
            return Reply(404, {"error": {"message": "No such service account"}})
        name = str(request.json().get("name", "key"))
        key = self._new_key(project, "service_account", account_id, name)
        return Reply(
            200,
            {
                "id": key.id,
                "created_at": int(time.time()),
                "name": name,
                "object": "organization.project.service_account.api_key",
                "value": key.value,
                "expires_at": None,
            },
        )
