"""Fake Hugging Face Hub: GET /api/whoami-v2 with a Bearer user token.

Stage: tests (rotators). Answers as the Hub's OpenAPI document (tests/contracts/specs/
huggingface.yaml) says: the user with every field the document requires, and the token under
`auth.accessToken` with its role (`read`, `write` or `fineGrained`, whose permissions are listed
per entity). An unknown token gets 401 `{"error": "Invalid credentials in Authorization
header"}` with the same text in X-Error-Message, which is what huggingface_hub reads.
"""

from __future__ import annotations

import re
import secrets
import string

from tests.fakes.server import FakeRequest, FakeServer, Reply

INVALID = "Invalid credentials in Authorization header"
USER_ID = "6a61ec32fc25ba6426e21b6f"  # the Hub's ids are 24 hex digits


class FakeHuggingFace(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.tokens: dict[str, str] = {}  # value -> role
        self.route("GET", r"/api/whoami-v2", self._whoami)

    def add_token(self, role: str = "read") -> str:
        """A token shaped like the Hub's: `hf_` and 34 letters."""
        value = "hf_" + "".join(secrets.choice(string.ascii_letters) for _ in range(34))
        self.tokens[value] = role
        return value

    def _whoami(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        role = self.tokens.get(request.bearer() or "")
        if role is None:
            return Reply(401, {"error": INVALID}, {"x-error-message": INVALID})
        token: dict[str, object] = {
            "displayName": f"leakward-{role}",
            "role": role,
            "createdAt": "2026-07-23T10:27:03.276Z",
        }
        if role == "fineGrained":
            token["fineGrained"] = {
                "canReadGatedRepos": False,
                "global": ["discussion.write"],
                "scoped": [
                    {
                        "entity": {"_id": USER_ID, "type": "user", "name": "hf-user"},
                        "permissions": ["repo.content.read", "repo.write"],
                    }
                ],
            }
        return Reply(
            200,
            {
                "type": "user",
                "id": USER_ID,
                "name": "hf-user",
                "fullname": "HF User",
                "email": None,
                "emailVerified": True,
                "canPay": False,
                "isPro": False,
                "avatarUrl": "/avatars/hf-user.svg",
                "periodEnd": None,
                "orgs": [],
                "auth": {"type": "access_token", "accessToken": token},
            },
        )
