"""Fake Postman API: GET /me, and the workspace, collection and environment reads of a scan.

Stage: tests (rotators, sources). Answers as Postman's OpenAPI definition (tests/contracts/
specs/postman.yaml) says, with the key in the X-API-Key header: a missing or unknown key gets
the declared 401, an application/problem+json object; a key whose region or plan lacks a
feature gets the 403 "This feature isn't available in your region." that the definition's
introduction describes (the key itself was accepted). Collections and environments are found by
id or uid (`{owner}-{id}`), as the API's are; a workspace lists them by id, and by their
deprecated `name` and `uid` too unless `deprecated_fields` is turned off.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass, field

from tests.fakes.server import FakeRequest, FakeServer, Reply

OWNER = "12345678"
UNAUTHORIZED = {
    "type": "https://api.postman.com/problems/unauthorized",
    "title": "Unauthorized",
    "detail": "Unauthorized",
    "status": 401,
}
UNAVAILABLE = {
    "type": "https://api.postman.com/problems/forbidden",
    "title": "Forbidden",
    "detail": "This feature isn't available in your region.",
    "status": 403,
}


@dataclass
class Workspace:
    name: str
    collections: list[str] = field(default_factory=list)  # ids
    environments: list[str] = field(default_factory=list)  # ids


class FakePostman(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.keys: dict[str, bool] = {}  # value -> may use the API from where it is
        self.workspaces: dict[str, Workspace] = {}
        self.collections: dict[str, dict[str, object]] = {}  # id -> collection export
        self.environments: dict[str, dict[str, object]] = {}  # id -> environment
        self.deprecated_fields = True
        self.route("GET", r"/me", self._me)
        self.route("GET", r"/workspaces/(?P<id>[^/]+)", self._workspace)
        self.route("GET", r"/collections/(?P<id>[^/]+)", self._collection)
        self.route("GET", r"/environments/(?P<id>[^/]+)", self._environment)

    def add_key(self, *, region_blocked: bool = False) -> str:
        value = "PMAK-" + secrets.token_hex(12) + "-" + secrets.token_hex(17)
        self.keys[value] = not region_blocked
        return value

    def add_workspace(self, name: str) -> str:
        workspace_id = str(uuid.uuid4())
        self.workspaces[workspace_id] = Workspace(name)
        return workspace_id

    def add_collection(self, workspace_id: str, export: dict[str, object]) -> str:
        collection_id = str(uuid.uuid4())
        self.collections[collection_id] = export
        self.workspaces[workspace_id].collections.append(collection_id)
        return collection_id

    def add_environment(self, workspace_id: str, name: str, values: dict[str, str]) -> str:
        environment_id = str(uuid.uuid4())
        self.environments[environment_id] = {
            "id": environment_id,
            "name": name,
            "owner": OWNER,
            "createdAt": "2026-11-05T13:59:22.000Z",
            "updatedAt": "2026-11-05T13:59:23.000Z",
            "values": [
                {"key": k, "value": v, "enabled": True, "type": "secret"} for k, v in values.items()
            ],
            "isPublic": False,
        }
        self.workspaces[workspace_id].environments.append(environment_id)
        return environment_id

    def _refusal(self, request: FakeRequest) -> Reply | None:
        allowed = self.keys.get(request.headers.get("x-api-key", ""))
        if allowed is None:
            return Reply(401, UNAUTHORIZED, {"content-type": "application/problem+json"})
        if not allowed:
            return Reply(403, UNAVAILABLE)
        return None

    def _me(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._refusal(request)
        if refused is not None:
            return refused
        user = {
            "id": int(OWNER),
            "username": "postman-user",
            "email": "postman-user@example.com",
            "fullName": "Postman User",
            "avatar": None,
            "isPublic": False,
            "teamId": 0,
            "roles": ["user"],
        }
        usage = [{"name": "api_usage", "limit": 1000, "usage": 12, "overage": 0}]
        return Reply(200, {"user": user, "operations": usage})

    def _workspace(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._refusal(request)
        if refused is not None:
            return refused
        workspace = self.workspaces.get(match["id"])
        if workspace is None:
            error = {"name": "workspaceNotFoundError", "message": "Workspace not found"}
            return Reply(404, {"error": {**error, "statusCode": 404}})
        listing: dict[str, object] = {
            "id": match["id"],
            "name": workspace.name,
            "type": "team",
            "visibility": "team",
            "createdBy": OWNER,
            "updatedBy": OWNER,
            "collections": [
                self._entry(i, self._collection_name(i)) for i in workspace.collections
            ],
            "environments": [
                self._entry(i, str(self.environments[i]["name"])) for i in workspace.environments
            ],
        }
        return Reply(200, {"workspace": listing})

    def _entry(self, item_id: str, name: str) -> dict[str, str]:
        if not self.deprecated_fields:
            return {"id": item_id}
        return {"id": item_id, "name": name, "uid": f"{OWNER}-{item_id}"}

    def _collection_name(self, collection_id: str) -> str:
        info = self.collections[collection_id].get("info")
        return str(info.get("name")) if isinstance(info, dict) else collection_id

    def _collection(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._refusal(request)
        if refused is not None:
            return refused
        export = self.collections.get(_item_id(match["id"]))
        if export is None:
            error = {"name": "instanceNotFoundError", "message": "Collection not found"}
            return Reply(400, {"error": error}, {"content-type": "application/problem+json"})
        return Reply(200, {"collection": export})

    def _environment(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._refusal(request)
        if refused is not None:
            return refused
        environment = self.environments.get(_item_id(match["id"]))
        if environment is None:
            error = {"name": "instanceNotFoundError", "message": "Environment not found"}
            return Reply(400, {"error": error})
        return Reply(200, {"environment": environment})


def _item_id(id_or_uid: str) -> str:
    """A uid is the owner's id, a hyphen and the item's id (itself a hyphenated UUID). A UUID's
    first group is all digits one time in 43, so digits before the first hyphen do not make a
    uid: what follows them must be a UUID as well."""
    owner, _, rest = id_or_uid.partition("-")
    return rest if owner.isdigit() and _is_uuid(rest) else id_or_uid


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False
