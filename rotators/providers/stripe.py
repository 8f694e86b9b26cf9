"""Stripe secret and restricted keys: verify only; rolling happens in the Dashboard.

Stage: rotators. `GET /v1/account` with the key: 401 means the key is dead, while 403 means a
restricted key that is live but lacks the permission to read the account.
"""

from __future__ import annotations

import httpx

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Verdict
from leakward.rotators.providers.http import probe
from leakward.rotators.providers.verify_only import VerifyOnlyRotator


class StripeRotator(VerifyOnlyRotator):
    provider = "stripe"
    instructions = (
        "In the Stripe Dashboard ({console}) roll {key} with expiry 'now', put the new key into "
        "every consumer, and prefer restricted keys with only the permissions needed."
    )

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        answer = probe(self._client, "GET", self._url("account"), headers=self._key_headers(secret))
        identity = None
        if isinstance(answer, httpx.Response) and answer.status_code == 200:
            try:
                body = answer.json()
            except ValueError:
                body = {}
            identity = str(body.get("id")) if isinstance(body, dict) and body.get("id") else None
        return self._read(answer, identity)
