"""Fake OpenAI API: /v1/models and the Admin API for project keys and service accounts.

Stage: tests (rotators). Follows OpenAI's OpenAPI document (github.com/openai/openai-openapi,
operations kept in tests/contracts/specs/openai.yaml): Bearer auth, `ErrorResponse` bodies
(401 `invalid_api_key`), cursor pagination with `after`/`has_more`/`last_id`, key values returned
only when created, `redacted_value` otherwise. As documented:
- deleting a key that belongs to a service account answers 400; the key dies only with its
  service account (`DELETE …/service_accounts/{id}` removes the account and all its keys);
- listing keys without `owner_project_access` applies membership-based visibility and leaves out
  keys whose owner lost access to the project; `owner_project_access=any` lists every enabled key;
- admin keys (`sk-admin-…`) may call the Admin API only, never `/v1/models`.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from tests.fakes.server import FakeRequest, FakeServer, Reply

CREATED_AT = 1_764_000_000  # a fixed Unix time: the fake's objects never change under a test


def _error(
    status: int, message: str, code: str | None, kind: str = "invalid_request_error"
) -> Reply:
    return Reply(status, {"error": {"message": message, "type": kind, "param": None, "code": code}})


_INVALID = _error(401, "Incorrect API key provided.", "invalid_api_key")
_PROJECT = r"/v1/organization/projects/(?P<project>[^/]+)"
_ACCOUNT = _PROJECT + r"/service_accounts/(?P<sa>[^/]+)"


@dataclass
class ServiceAccount:
    id: str
    project: str
    name: str
    role: str = "member"

    def public(self) -> dict[str, object]:
        return {
            "object": "organization.project.service_account",
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "created_at": CREATED_AT,
        }


@dataclass
class Key:
    id: str
    value: str
    name: str
    project: str
    owner_type: str  # user | service_account
    owner_id: str
    account: ServiceAccount | None = None  # the owner, for a service account's key
    owner_project_access: str = "active"  # "inactive": the owner lost access to the project

    def public(self) -> dict[str, object]:
        owner: dict[str, object] = {"id": self.owner_id, "created_at": CREATED_AT}
        if self.account is not None:
            owner.update(name=self.account.name, role=self.account.role)
        else:
            owner.update(name="First Last", email="user@example.com", role="owner")
        return {
            "object": "organization.project.api_key",
            "id": self.id,
            "name": self.name,
            # The key's type prefix ("sk-proj-", "sk-svcacct-") and its last four characters.
            "redacted_value": f"{self.value[: self.value.index('-', 3) + 1]}...{self.value[-4:]}",
            "created_at": CREATED_AT,
            "last_used_at": None,
            "owner_project_access": self.owner_project_access,
            "owner": {"type": self.owner_type, self.owner_type: owner},
        }

    def created(self) -> dict[str, object]:
        """The one answer that carries the key's value."""
        return {
            "object": "organization.project.service_account.api_key",
            "value": self.value,
            "name": self.name,
            "created_at": CREATED_AT,
            "id": self.id,
        }


def _page(request: FakeRequest, items: list[dict[str, object]]) -> Reply:
    """One page of a cursor-paginated list, as every OpenAI Admin list answers."""
    after = request.query.get("after")
    if after:
        ids = [item["id"] for item in items]
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


class FakeOpenAI(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.keys: dict[str, Key] = {}
        self.service_accounts: dict[str, ServiceAccount] = {}
        self.admin_key = "sk-admin-" + secrets.token_urlsafe(24)
        self.route("GET", r"/v1/models", self._models)
        self.route("GET", r"/v1/organization/projects", self._projects)
        self.route("GET", _PROJECT + r"/api_keys", self._list)
        self.route("DELETE", _PROJECT + r"/api_keys/(?P<id>[^/]+)", self._delete)
        self.route("GET", _PROJECT + r"/service_accounts", self._list_accounts)
        self.route("POST", _PROJECT + r"/service_accounts", self._create_account)
        self.route("DELETE", _ACCOUNT, self._delete_account)
        self.route("POST", _ACCOUNT, self._update_account)

    def add_key(self, project: str = "proj_1", *, owner: str = "user", name: str = "app") -> Key:
        if owner == "service_account":
            account = self.add_service_account(project, name)
            return self._new_key(account, name)
        key = Key(
            "key_" + secrets.token_hex(6),
            "sk-proj-" + secrets.token_urlsafe(36),
            name,
            project,
            "user",
            "user_" + secrets.token_hex(4),
        )
        self.keys[key.id] = key
        return key

    def add_service_account(self, project: str = "proj_1", name: str = "svc") -> ServiceAccount:
        account = ServiceAccount("svc_acct_" + secrets.token_hex(4), project, name)
        self.service_accounts[account.id] = account
        return account

    def _new_key(self, account: ServiceAccount, name: str) -> Key:
        key = Key(
            "key_" + secrets.token_hex(6),
            "sk-svcacct-" + secrets.token_urlsafe(36),
            name,
            account.project,
            "service_account",
            account.id,
            account,
        )
        self.keys[key.id] = key
        return key

    def live(self, project: str = "proj_1") -> list[Key]:
        return [k for k in self.keys.values() if k.project == project]

    def _is_admin(self, request: FakeRequest) -> bool:
        return request.bearer() == self.admin_key

    def _models(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if self._is_admin(request):
            # An admin key is a real key, but only for the Admin API.
            return _error(403, "Admin API keys may only call the Administration API.", None)
        if not any(k.value == request.bearer() for k in self.keys.values()):
            return _INVALID
        return Reply(
            200,
            {
                "object": "list",
                "data": [
                    {
                        "id": "gpt-test",
                        "object": "model",
                        "created": CREATED_AT,
                        "owned_by": "system",
                    }
                ],
            },
            {"openai-organization": "org-fake"},
        )

    def _projects(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._is_admin(request):
            return _INVALID
        names = sorted({key.project for key in self.keys.values()} | {"proj_1"})
        projects: list[dict[str, object]] = [
            {
                "object": "organization.project",
                "id": name,
                "name": name,
                "created_at": CREATED_AT,
                "archived_at": None,
                "status": "active",
            }
            for name in names
        ]
        return _page(request, projects)

    def _list(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._is_admin(request):
            return _INVALID
        access = request.query.get("owner_project_access")
        keys = self.live(match.group("project"))
        if access in ("active", "inactive"):
            keys = [k for k in keys if k.owner_project_access == access]
        elif access is None:
            # "the endpoint applies its existing membership-based visibility rules, which may
            # exclude some enabled keys": here, those of owners who lost access to the project.
            keys = [k for k in keys if k.owner_project_access == "active"]
        return _page(request, [k.public() for k in keys])

    def _delete(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._is_admin(request):
            return _INVALID
        key = self.keys.get(match.group("id"))
        if key is None or key.project != match.group("project"):
            return _error(404, "No such API key.", None)
        if key.owner_type == "service_account":
            return _error(400, "Cannot delete a service account's API key.", None)
        del self.keys[key.id]
        return Reply(
            200, {"object": "organization.project.api_key.deleted", "id": key.id, "deleted": True}
        )

    def _account(self, match: re.Match[str]) -> ServiceAccount | None:
        account = self.service_accounts.get(match.group("sa"))
        return account if account and account.project == match.group("project") else None

    def _list_accounts(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._is_admin(request):
            return _INVALID
        project = match.group("project")
        accounts = [a.public() for a in self.service_accounts.values() if a.project == project]
        return _page(request, accounts)

    def _create_account(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._is_admin(request):
            return _INVALID
        name = request.json().get("name")
        if not isinstance(name, str):
            return _error(400, "'name' is required.", None)
        account = self.add_service_account(match.group("project"), name)
        key = self._new_key(account, "Secret Key")
        return Reply(200, {**account.public(), "api_key": key.created()})

    def _delete_account(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._is_admin(request):
            return _INVALID
        account = self._account(match)
        if account is None:
            return _error(404, "No such service account.", None)
        del self.service_accounts[account.id]
        for key in [k for k in self.keys.values() if k.owner_id == account.id]:
            del self.keys[key.id]
        return Reply(
            200,
            {
                "object": "organization.project.service_account.deleted",
                "id": account.id,
                "deleted": True,
            },
        )

    def _update_account(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._is_admin(request):
            return _INVALID
        account = self._account(match)
        if account is None:
            return _error(404, "No such service account.", None)
        body = request.json()
        role = body.get("role")
        if role is not None:
            if role not in ("owner", "member"):
                return _error(400, "'role' must be owner or member.", None)
            account.role = str(role)
        return Reply(200, account.public())
