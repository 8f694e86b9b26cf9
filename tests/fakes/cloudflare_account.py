"""Fake Cloudflare API v4 account-owned tokens: verify, roll (`PUT …/value`), delete.

Stage: tests (rotators). Follows developers.cloudflare.com/api (accounts › tokens) and the types
of the `cloudflare` Python SDK 5.9.0 (types/accounts/token_verify_response.py,
token_delete_response.py, resources/accounts/tokens/value.py): the `{"success", "errors",
"messages", "result"}` envelope; verify answers `result {id, status}` for a token of that
account and 401 with error 1000 "Invalid API Token" otherwise (a user token included); a roll
answers the new value as `result` and kills the old value at once; delete answers `result
{id}`; an id the account does not have gets 404 (error 7003).
"""

from __future__ import annotations

import re
import secrets

from tests.fakes.server import FakeRequest, FakeServer, Reply

ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"


def _envelope(result: object) -> Reply:
    return Reply(200, {"success": True, "errors": [], "messages": [], "result": result})


def _failure(status: int, code: int, message: str) -> Reply:
    body = {"success": False, "errors": [{"code": code, "message": message}], "messages": []}
    return Reply(status, {**body, "result": None})


class FakeCloudflareAccount(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        # account id -> token id -> {id, name, value, status, may_manage}
        self.tokens: dict[str, dict[str, dict[str, object]]] = {ACCOUNT: {}}
        self.admin_token = self.add_token("token-admin", may_manage=True)[1]
        # Served with and without the API's /client/v4 prefix (the contract test sends it).
        base = r"(?:/client/v4)?/accounts/(?P<account>\w+)/tokens"
        self.route("GET", base + r"/verify", self._verify)
        self.route("PUT", base + r"/(?P<id>\w+)/value", self._roll)
        self.route("DELETE", base + r"/(?P<id>\w+)", self._delete)

    def add_token(
        self, name: str, *, account: str = ACCOUNT, may_manage: bool = False
    ) -> tuple[str, str]:
        token_id = secrets.token_hex(16)
        value = secrets.token_urlsafe(30)[:40]
        self.tokens.setdefault(account, {})[token_id] = {
            "id": token_id,
            "name": name,
            "value": value,
            "status": "active",
            "may_manage": may_manage,
        }
        return token_id, value

    def live_values(self, account: str = ACCOUNT) -> set[str]:
        return {
            str(t["value"])
            for t in self.tokens.get(account, {}).values()
            if t["status"] == "active"
        }

    def _caller(self, request: FakeRequest, account: str) -> dict[str, object] | None:
        value = request.bearer()
        return next((t for t in self.tokens.get(account, {}).values() if t["value"] == value), None)

    def _verify(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._caller(request, match.group("account"))
        if caller is None:
            return _failure(401, 1000, "Invalid API Token")
        return _envelope({"id": caller["id"], "status": caller["status"]})

    def _manager(self, request: FakeRequest, account: str) -> Reply | None:
        caller = self._caller(request, account)
        if caller is None:
            return _failure(401, 1000, "Invalid API Token")
        if not caller["may_manage"]:
            return _failure(403, 9109, "Unauthorized to access requested resource")
        return None

    def _target(self, match: re.Match[str]) -> dict[str, object] | None:
        return self.tokens.get(match.group("account"), {}).get(match.group("id"))

    def _not_found(self, request: FakeRequest) -> Reply:
        message = f"Could not route to {request.path}, perhaps your object identifier is invalid?"
        return _failure(404, 7003, message)

    def _roll(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._manager(request, match.group("account"))
        if refused:
            return refused
        token = self._target(match)
        if token is None:
            return self._not_found(request)
        token["value"] = secrets.token_urlsafe(30)[:40]
        return _envelope(token["value"])

    def _delete(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._manager(request, match.group("account"))
        if refused:
            return refused
        token = self._target(match)
        if token is None:
            return self._not_found(request)
        del self.tokens[match.group("account")][str(token["id"])]
        return _envelope({"id": token["id"]})
