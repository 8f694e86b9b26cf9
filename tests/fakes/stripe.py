"""Fake Stripe: GET /v1/account with a Bearer secret or restricted key.

Stage: tests (rotators). Answers as Stripe's OpenAPI document (tests/contracts/specs/stripe.yaml)
and docs.stripe.com/error-codes say: 401 `invalid_request_error` for an unknown key and, with
the code `api_key_expired`, for an expired one; a restricted key without the account permission
gets 403, also an `invalid_request_error` (`api_errors.type` knows only four types, and
`permission_error` is not one). Messages name a key the way Stripe does, masked to its last
four characters.
"""

from __future__ import annotations

import re
import secrets
import string

from tests.fakes.server import FakeRequest, FakeServer, Reply


def _masked(value: str) -> str:
    prefix = value[: value.index("_", 3) + 1] if value.count("_") >= 2 else ""
    return f"{prefix}{'*' * 12}{value[-4:]}"


class FakeStripe(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.keys: dict[str, bool] = {}  # value -> may read the account
        self.expired: set[str] = set()
        self.route("GET", r"/v1/account", self._account)

    def add_key(self, *, restricted: bool = False) -> str:
        """A key shaped like Stripe's: the mode prefix and 99 letters and digits."""
        body = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(99))
        value = ("rk_live_" if restricted else "sk_live_") + body
        self.keys[value] = not restricted
        return value

    def expire(self, value: str) -> None:
        """What rolling a key with an expiry does once the expiry has passed."""
        self.expired.add(value)

    def _account(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        key = request.bearer() or ""
        allowed = self.keys.get(key)
        if key in self.expired:
            return _error(401, f"Expired API Key provided: {_masked(key)}", "api_key_expired")
        if allowed is None:
            return _error(401, f"Invalid API Key provided: {_masked(key)}")
        if not allowed:
            return _error(
                403,
                f"The provided key '{_masked(key)}' does not have the required permissions "
                "for this endpoint on account 'acct_fake'.",
            )
        return Reply(
            200,
            {
                "id": "acct_fake",
                "object": "account",
                "type": "standard",
                "country": "US",
                "default_currency": "usd",
                "email": None,
                "charges_enabled": True,
                "payouts_enabled": True,
                "details_submitted": True,
                "created": 1_700_000_000,
            },
        )


def _error(status: int, message: str, code: str | None = None) -> Reply:
    error: dict[str, str] = {"type": "invalid_request_error", "message": message}
    if code is not None:
        error["code"] = code
        error["doc_url"] = f"https://docs.stripe.com/error-codes/{code.replace('_', '-')}"
    return Reply(status, {"error": error})
