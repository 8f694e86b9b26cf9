"""Fake Hugging Face Hub: GET /api/whoami-v2 with a Bearer user token.

Stage: tests (rotators). 401 `{"error": "Invalid credentials in Authorization header"}` for an
unknown token, otherwise the user with the token's role, as huggingface.co does.
"""

from __future__ import annotations

import re
import secrets

from tests.fakes.server import FakeRequest, FakeServer, Reply


class FakeHuggingFace(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.tokens: set[str] = set()
        self.route("GET", r"/api/whoami-v2", self._whoami)

    def add_token(self) -> str:
        value = "hf_" + secrets.token_hex(17)
        self.tokens.add(value)
        return value

    def _whoami(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if request.bearer() not in self.tokens:
            return Reply(401, {"error": "Invalid credentials in Authorization header"})
        return Reply(
            200,
            {
                "type": "user",
                "name": "hf-user",
                "auth": {"type": "access_token", "accessToken": {"role": "read"}},
            },
        )
