"""Fake Azure: the Microsoft identity platform's token endpoint (client credentials) and Azure
Resource Manager's Microsoft.CognitiveServices account keys, on one server.

Stage: tests (rotators). Follows the ARM operations Accounts_ListKeys and Accounts_RegenerateKey
(Azure/azure-rest-api-specs, cognitiveservices stable/2024-10-01: both POST, `api-version`
required, `ApiKeys {key1, key2}` answered, `RegenerateKeyParameters {keyName: Key1|Key2}`, errors
as ARM's `ErrorResponse {error: {code, message}}`) and the client credentials grant
(learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow: form body,
`access_token`/`expires_in`, `{"error": "invalid_client", …}` on a wrong secret). ARM answers
carry its x-ms-ratelimit-remaining-subscription-reads/writes headers. Keys are 32 hex
characters, as Azure OpenAI keys are; a regenerated key stops working at once.
"""

from __future__ import annotations

import re
import secrets
import uuid

from tests.fakes.server import FakeRequest, FakeServer, Reply

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
CLIENT_ID = "00001111-aaaa-2222-bbbb-3333cccc4444"
SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"
ACCOUNT = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-ai/providers/"
    "Microsoft.CognitiveServices/accounts/acme-openai"
)
_ACCOUNT_PATH = (
    r"(?P<account>/subscriptions/[^/]+/resourceGroups/[^/]+/providers/"
    r"Microsoft\.CognitiveServices/accounts/[^/]+)"
)


def _arm_error(status: int, code: str, message: str) -> Reply:
    return Reply(status, {"error": {"code": code, "message": message}})


class FakeAzure(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.client_secret = "Xq8" + "Q~" + secrets.token_urlsafe(30)[:34]
        self.accounts: dict[str, dict[str, str]] = {}
        self.tokens: set[str] = set()
        self.regenerated: list[tuple[str, str]] = []  # (account, slot), in order
        self.writes_left = 1199
        self.route("POST", r"/(?P<tenant>[^/]+)/oauth2/v2\.0/token", self._token)
        self.route("POST", _ACCOUNT_PATH + r"/listKeys", self._list_keys)
        self.route("POST", _ACCOUNT_PATH + r"/regenerateKey", self._regenerate)

    def add_account(self, account: str = ACCOUNT) -> dict[str, str]:
        self.accounts[account] = {"key1": secrets.token_hex(16), "key2": secrets.token_hex(16)}
        return self.accounts[account]

    def _token(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        form = request.form()
        if form.get("grant_type") != "client_credentials":
            return Reply(400, {"error": "unsupported_grant_type", "error_codes": [70003]})
        if (
            match.group("tenant") != TENANT
            or form.get("client_id") != CLIENT_ID
            or form.get("client_secret") != self.client_secret
        ):
            return Reply(
                401,
                {
                    "error": "invalid_client",
                    "error_description": "AADSTS7000215: Invalid client secret provided.",
                    "error_codes": [7000215],
                },
            )
        token = "eyJ0eXAiOiJKV1Qi." + secrets.token_urlsafe(48)
        self.tokens.add(token)
        lifetime = {"expires_in": 3599, "ext_expires_in": 3599}
        return Reply(200, {"token_type": "Bearer", **lifetime, "access_token": token})

    def _arm(self, request: FakeRequest, match: re.Match[str]) -> dict[str, str] | Reply:
        if request.bearer() not in self.tokens:
            return _arm_error(401, "AuthenticationFailed", "Authentication failed.")
        if "api-version" not in request.query:
            return _arm_error(
                400, "MissingApiVersionParameter", "The api-version query parameter is required."
            )
        keys = self.accounts.get(match.group("account"))
        if keys is None:
            return _arm_error(404, "ResourceNotFound", "The Resource was not found.")
        return keys

    def _answer(self, keys: dict[str, str], header: str, left: int) -> Reply:
        headers = {
            f"x-ms-ratelimit-remaining-subscription-{header}": str(left),
            "x-ms-request-id": str(uuid.uuid4()),
        }
        return Reply(200, {"key1": keys["key1"], "key2": keys["key2"]}, headers)

    def _list_keys(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        keys = self._arm(request, match)
        return keys if isinstance(keys, Reply) else self._answer(keys, "reads", 11999)

    def _regenerate(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        keys = self._arm(request, match)
        if isinstance(keys, Reply):
            return keys
        name = request.json().get("keyName")
        slot = {"Key1": "key1", "Key2": "key2"}.get(str(name))
        if slot is None:
            return _arm_error(400, "InvalidRequestContent", "keyName must be Key1 or Key2.")
        keys[slot] = secrets.token_hex(16)
        self.regenerated.append((match.group("account"), slot))
        self.writes_left -= 1
        return self._answer(keys, "writes", self.writes_left)
