"""Fake Google APIs on one server: API Keys v2, Generative Language models, IAM service-account
keys, and the OAuth token endpoint.

Stage: tests (rotators). Follows the API Keys v2 reference (create/delete as long-running
operations, `keyId`, 409 ALREADY_EXISTS, `keyString`, `keys:lookupKey`, the Key resource's
optional `serviceAccountEmail` binding, kept and returned), the Gemini API's 400
`API_KEY_INVALID` ErrorInfo, IAM `projects.serviceAccounts.keys` (create returns base64
`privateKeyData` once, `:disable`, delete) and the JWT-bearer grant (`invalid_grant` for a
disabled or deleted key). Admin calls need `Authorization: Bearer <admin_token>`.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.fakes.server import FakeRequest, FakeServer, Reply

_KEYS = r"/v2/projects/(?P<project>[^/]+)/locations/global/keys"
_SA = r"/v1/projects/(?P<project>[^/]+)/serviceAccounts/(?P<email>[^/]+)/keys"


def _rpc_error(code: int, status: str, reason: str | None = None, message: str = "") -> Reply:
    error: dict[str, object] = {"code": code, "message": message or status, "status": status}
    if reason:
        error["details"] = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": reason,
                "domain": "googleapis.com",
            }
        ]
    return Reply(code, {"error": error})


@dataclass
class ApiKey:
    name: str
    value: str
    restrictions: dict[str, object] = field(default_factory=dict)
    deleted: bool = False
    # Keys bound to a service account (Vertex AI express mode) act as that account.
    service_account_email: str | None = None


@dataclass
class SaKey:
    id: str
    account: str  # projects/P/serviceAccounts/EMAIL
    private: rsa.RSAPrivateKey
    disabled: bool = False
    # When it was created: IAM's `validAfterTime` (RFC 3339, UTC).
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))

    def key_file(self) -> dict[str, str]:
        pem = self.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        return {
            "type": "service_account",
            "private_key_id": self.id,
            "private_key": pem,
            "client_email": self.account.rsplit("/", 1)[1],
        }


class FakeGoogle(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.admin_token = "ya29.admin-" + secrets.token_hex(8)
        self.api_keys: dict[str, ApiKey] = {}
        self.sa_keys: dict[str, SaKey] = {}
        self._operations: dict[str, dict[str, object]] = {}
        self.route("GET", r"/v1beta/models", self._models)
        self.route("GET", r"/v2/keys:lookupKey", self._lookup)
        self.route("POST", _KEYS, self._create)
        self.route("GET", _KEYS, self._list)
        self.route("GET", _KEYS + r"/(?P<key>[^/]+)", self._get)
        self.route("DELETE", _KEYS + r"/(?P<key>[^/]+)", self._delete)
        self.route("GET", _KEYS + r"/(?P<key>[^/]+)/keyString", self._key_string)
        self.route("GET", r"/v2/operations/(?P<op>[^/]+)", self._operation)
        self.route("GET", _SA, self._sa_list)
        self.route("POST", _SA, self._sa_create)
        self.route("POST", _SA + r"/(?P<id>[^/:]+):disable", self._sa_disable)
        self.route("DELETE", _SA + r"/(?P<id>[^/:]+)", self._sa_delete)
        self.route("POST", r"/token", self._token)

    # --- helpers ------------------------------------------------------------------------
    def add_api_key(
        self, project: str = "123", key: str = "old", service_account: str | None = None
    ) -> ApiKey:
        name = f"projects/{project}/locations/global/keys/{key}"
        item = ApiKey(
            name,
            "AIza" + secrets.token_urlsafe(26)[:35],
            {"apiTargets": [{"service": "x"}]},
            service_account_email=service_account,
        )
        self.api_keys[name] = item
        return item

    def add_sa_key(
        self, account: str = "projects/p1/serviceAccounts/bot@p1.iam.gserviceaccount.com"
    ) -> SaKey:
        key = SaKey(secrets.token_hex(20), account, rsa.generate_private_key(65537, 2048))
        self.sa_keys[key.id] = key
        return key

    def live_api_keys(self) -> list[ApiKey]:
        return [k for k in self.api_keys.values() if not k.deleted]

    def _admin(self, request: FakeRequest) -> bool:
        return request.bearer() == self.admin_token

    def _unauthenticated(self) -> Reply:
        return _rpc_error(401, "UNAUTHENTICATED", None, "Request had invalid authentication")

    def _op(self, response: dict[str, object]) -> dict[str, object]:
        name = "operations/akmf." + secrets.token_hex(6)
        self._operations[name] = {"name": name, "done": True, "response": response}
        return {"name": name, "done": False}

    # --- API keys -----------------------------------------------------------------------
    def _models(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        value = request.query.get("key")
        if not any(k.value == value and not k.deleted for k in self.api_keys.values()):
            return _rpc_error(
                400,
                "INVALID_ARGUMENT",
                "API_KEY_INVALID",
                "API key not valid. Please pass a valid API key.",
            )
        return Reply(200, {"models": [{"name": "models/gemini-test"}]})

    def _lookup(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._admin(request):
            return self._unauthenticated()
        for key in self.api_keys.values():
            if key.value == request.query.get("keyString") and not key.deleted:
                parent = key.name.split("/keys/")[0]
                return Reply(200, {"parent": parent, "name": key.name})
        return _rpc_error(404, "NOT_FOUND")

    def _public(self, key: ApiKey) -> dict[str, object]:
        public: dict[str, object] = {
            "name": key.name,
            "displayName": key.name.rsplit("/", 1)[1],
            "restrictions": key.restrictions,
        }
        if key.service_account_email is not None:
            public["serviceAccountEmail"] = key.service_account_email
        return public

    def _create(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._admin(request):
            return self._unauthenticated()
        key_id = request.query.get("keyId") or secrets.token_hex(8)
        name = f"projects/{match.group('project')}/locations/global/keys/{key_id}"
        if name in self.api_keys:
            return _rpc_error(409, "ALREADY_EXISTS", None, "key already exists")
        body = request.json()
        restrictions = body.get("restrictions")
        bound = body.get("serviceAccountEmail")
        key = ApiKey(
            name,
            "AIza" + secrets.token_urlsafe(26)[:35],
            restrictions if isinstance(restrictions, dict) else {},
            service_account_email=bound if isinstance(bound, str) and bound else None,
        )
        self.api_keys[name] = key
        return Reply(200, self._op(self._public(key)))

    def _list(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._admin(request):
            return self._unauthenticated()
        prefix = f"projects/{match.group('project')}/"
        return Reply(
            200,
            {"keys": [self._public(k) for k in self.live_api_keys() if k.name.startswith(prefix)]},
        )

    def _named(self, match: re.Match[str]) -> ApiKey | None:
        name = f"projects/{match.group('project')}/locations/global/keys/{match.group('key')}"
        key = self.api_keys.get(name)
        return key if key is not None and not key.deleted else None

    def _get(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._admin(request):
            return self._unauthenticated()
        key = self._named(match)
        return Reply(200, self._public(key)) if key else _rpc_error(404, "NOT_FOUND")

    def _delete(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._admin(request):
            return self._unauthenticated()
        key = self._named(match)
        if key is None:
            return _rpc_error(404, "NOT_FOUND")
        key.deleted = True  # soft delete: undelete would bring it back
        return Reply(200, self._op(self._public(key)))

    def _key_string(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._admin(request):
            return self._unauthenticated()
        key = self._named(match)
        return Reply(200, {"keyString": key.value}) if key else _rpc_error(404, "NOT_FOUND")

    def _operation(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._admin(request):
            return self._unauthenticated()
        operation = self._operations.get(f"operations/{match.group('op')}")
        return Reply(200, operation) if operation else _rpc_error(404, "NOT_FOUND")

    # --- service-account keys -----------------------------------------------------------
    def _account(self, match: re.Match[str]) -> str:
        return f"projects/{match.group('project')}/serviceAccounts/{match.group('email')}"

    def _sa_list(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._admin(request):
            return self._unauthenticated()
        account = self._account(match)
        return Reply(
            200,
            {
                "keys": [
                    {
                        "name": f"{account}/keys/{k.id}",
                        "disabled": k.disabled,
                        "keyType": "USER_MANAGED",
                        "validAfterTime": k.created,
                    }
                    for k in self.sa_keys.values()
                    if k.account == account
                ]
            },
        )

    def _sa_create(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._admin(request):
            return self._unauthenticated()
        key = self.add_sa_key(self._account(match))
        data = base64.b64encode(json.dumps(key.key_file()).encode()).decode()
        return Reply(
            200,
            {
                "name": f"{key.account}/keys/{key.id}",
                "privateKeyData": data,
                "keyType": "USER_MANAGED",
                "validAfterTime": key.created,
            },
        )

    def _sa_disable(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._admin(request):
            return self._unauthenticated()
        key = self.sa_keys.get(match.group("id"))
        if key is None:
            return _rpc_error(404, "NOT_FOUND")
        key.disabled = True
        return Reply(200, {})

    def _sa_delete(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._admin(request):
            return self._unauthenticated()
        if self.sa_keys.pop(match.group("id"), None) is None:
            return _rpc_error(404, "NOT_FOUND")
        return Reply(200, {})

    def _token(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        invalid = Reply(
            400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        )
        try:
            head, body, signature = request.form()["assertion"].split(".")
            header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
            key = self.sa_keys.get(str(header.get("kid")))
            if key is None or key.disabled:
                return invalid
            key.private.public_key().verify(
                base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)),
                f"{head}.{body}".encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except (KeyError, ValueError, InvalidSignature):
            return invalid
        return Reply(
            200,
            {
                "access_token": "ya29.sa-" + secrets.token_hex(8),
                "expires_in": 3599,
                "token_type": "Bearer",
            },
        )
