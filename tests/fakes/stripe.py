"""Fake Stripe: GET /v1/account with a Bearer secret or restricted key.

Stage: tests (rotators). Follows docs.stripe.com/api/errors: 401 `invalid_request_error` for an
unknown key; a restricted key without the account permission gets 403 `permission_error`.
"""

from __future__ import annotations

import re
import secrets

from tests.fakes.server import FakeRequest, FakeServer, Reply


class FakeStripe(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.keys: dict[str, bool] = {}  # value -> may read the account
        self.route("GET", r"/v1/account", self._account)

    def add_key(self, *, restricted: bool = False) -> str:
        value = ("rk_live_" if restricted else "sk_live_") + secrets.token_urlsafe(24)
        self.keys[value] = not restricted
        return value

    def _account(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        allowed = self.keys.get(request.bearer() or "")
        if allowed is None:
            return Reply(
                401,
                {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}},
            )
        if not allowed:
            return Reply(
                403,
                {
                    "error": {
                        "type": "permission_error",
                        "message": "The provided key does not have access",
                    }
                },
            )
        return Reply(200, {"id": "acct_fake", "object": "account"})
