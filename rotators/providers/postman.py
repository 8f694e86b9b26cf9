"""Postman API keys: verify with GET /me; regenerate in Postman's settings.

Stage: rotators.
"""

from __future__ import annotations

import httpx

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Verdict
from leakward.rotators.providers.http import probe
from leakward.rotators.providers.verify_only import VerifyOnlyRotator


class PostmanRotator(VerifyOnlyRotator):
    provider = "postman"
    instructions = (
        "At {console} delete {key}, generate a new API key, and update every consumer. Keys in "
        "public workspaces are revoked by Postman's own scanner."
    )

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        answer = probe(self._client, "GET", self._url("me"), headers=self._key_headers(secret))
        identity = None
        if isinstance(answer, httpx.Response) and answer.status_code == 200:
            try:
                user = answer.json().get("user", {})
            except (ValueError, AttributeError):
                user = {}
            if isinstance(user, dict) and user.get("username"):
                identity = str(user["username"])
        return self._read(answer, identity)
