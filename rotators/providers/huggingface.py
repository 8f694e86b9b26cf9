"""Hugging Face user tokens: verify with whoami-v2; revoke and reissue in the settings page.

Stage: rotators.
"""

from __future__ import annotations

import httpx

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Verdict
from leakward.rotators.providers.http import probe
from leakward.rotators.providers.verify_only import VerifyOnlyRotator


class HuggingFaceRotator(VerifyOnlyRotator):
    provider = "huggingface"
    instructions = (
        "At {console} invalidate (or delete) {key}, create a fine-grained token with only the "
        "repositories it needs, and update every consumer."
    )

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        answer = probe(
            self._client,
            "GET",
            self._url("whoami"),
            headers=self._key_headers(secret),
        )
        identity = None
        if isinstance(answer, httpx.Response) and answer.status_code == 200:
            try:
                body = answer.json()
            except ValueError:
                body = {}
            name = body.get("name") if isinstance(body, dict) else None
            identity = str(name) if name else None
        return self._read(answer, identity)
