"""Fake Postman API: GET /me with the X-Api-Key header.

Stage: tests (rotators). 401 `{"error": {"name": "AuthenticationError"}}` for an unknown key.
"""

from __future__ import annotations

import re
import secrets

from tests.fakes.server import FakeRequest, FakeServer, Reply


class FakePostman(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.keys: set[str] = set()
        self.route("GET", r"/me", self._me)

    def add_key(self) -> str:
        value = "PMAK-" + secrets.token_hex(12) + "-" + secrets.token_hex(17)
        self.keys.add(value)
        return value

    def _me(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if request.headers.get("x-api-key") not in self.keys:
            return Reply(
                401,
                {
                    "error": {
                        "name": "AuthenticationError",
                        "message": "Invalid API Key.",
                    }
                },
            )
        return Reply(200, {"user": {"id": 1, "username": "postman-user"}})
