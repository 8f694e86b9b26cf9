"""Fake SendGrid v3 API keys: scopes, list, retrieve, create (100-key cap), delete.

Stage: tests (rotators). Follows twilio.com/docs/sendgrid/api-reference/api-keys: Bearer auth,
`{"errors": [{"field": null, "message": …}]}` bodies, keys shaped "SG.<api_key_id>.<secret>"
returned only on create (201), 204 on delete, 403 once the account holds 100 keys, and Full
Access for a key created without `scopes`.
"""

from __future__ import annotations

import re
import secrets

from tests.fakes.server import FakeRequest, FakeServer, Reply

CAP = 100
# What SendGrid gives a key created without `scopes`: "Full Access", every scope but billing's
# (a representative part of the list; the API reference's key-permissions page has it all).
FULL_ACCESS = (
    "alerts.create", "alerts.read", "api_keys.create", "api_keys.delete", "api_keys.read",
    "api_keys.update", "mail.send", "mail_settings.read", "marketing.read", "stats.read",
    "suppression.read", "templates.read", "user.profile.read",
)  # fmt: skip


def _errors(status: int, message: str) -> Reply:
    return Reply(status, {"errors": [{"field": None, "message": message}]})


class FakeSendGrid(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.keys: dict[str, dict[str, object]] = {}
        self.admin_key = self.add_key("admin", ["api_keys.create", "api_keys.delete"])[1]
        self.route("GET", r"/v3/scopes", self._scopes)
        self.route("GET", r"/v3/api_keys", self._list)
        self.route("POST", r"/v3/api_keys", self._create)
        self.route("GET", r"/v3/api_keys/(?P<id>[^/]+)", self._get)
        self.route("DELETE", r"/v3/api_keys/(?P<id>[^/]+)", self._delete)

    def add_key(self, name: str, scopes: list[str] | None = None) -> tuple[str, str]:
        """A key with `scopes`; None gives Full Access, as a create without scopes does."""
        key_id = secrets.token_urlsafe(16)[:22].replace(".", "_")
        value = f"SG.{key_id}.{secrets.token_urlsafe(32)[:43].replace('.', '_')}"
        self.keys[key_id] = {
            "api_key_id": key_id,
            "name": name,
            "value": value,
            "scopes": list(FULL_ACCESS) if scopes is None else scopes,
        }
        return key_id, value

    def _caller(self, request: FakeRequest) -> dict[str, object] | None:
        value = request.bearer()
        return next((k for k in self.keys.values() if k["value"] == value), None)

    def _scopes(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._caller(request)
        if caller is None:
            return _errors(401, "authorization required")
        return Reply(200, {"scopes": caller["scopes"]})

    def _admin(self, request: FakeRequest) -> Reply | None:
        caller = self._caller(request)
        if caller is None:
            return _errors(401, "authorization required")
        if "api_keys.create" not in caller["scopes"]:  # type: ignore[operator]
            return _errors(403, "access forbidden")
        return None

    def _list(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._admin(request)
        if refused:
            return refused
        return Reply(
            200,
            {
                "result": [
                    {"api_key_id": k["api_key_id"], "name": k["name"]} for k in self.keys.values()
                ]
            },
        )

    def _get(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._admin(request)
        if refused:
            return refused
        key = self.keys.get(match.group("id"))
        if key is None:
            return _errors(404, "unable to find API Key")
        return Reply(
            200, {"api_key_id": key["api_key_id"], "name": key["name"], "scopes": key["scopes"]}
        )

    def _create(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._admin(request)
        if refused:
            return refused
        if len(self.keys) >= CAP:
            return _errors(403, "Cannot create more than 100 API keys")
        body = request.json()
        scopes = body.get("scopes")
        key_id, value = self.add_key(
            str(body.get("name")), scopes if isinstance(scopes, list) else None
        )
        return Reply(
            201,
            {
                "api_key": value,
                "api_key_id": key_id,
                "name": body.get("name"),
                "scopes": self.keys[key_id]["scopes"],
            },
        )

    def _delete(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._admin(request)
        if refused:
            return refused
        if self.keys.pop(match.group("id"), None) is None:
            return _errors(404, "unable to find API Key")
        return Reply(204)
