"""Checking GitHub's `X-Hub-Signature-256` header on an inbound webhook.

Stage: inbound webhooks (the receiver's first gate). GitHub signs the raw request body with
HMAC-SHA256 under the webhook's secret and sends `sha256=<hex digest>`. The comparison is
constant-time so a caller cannot learn the digest byte by byte from response times.
"""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="


def signature_of(secret: bytes, body: bytes) -> str:
    """The header value GitHub would send for `body` (also what the tests sign with)."""
    return PREFIX + hmac.new(secret, body, hashlib.sha256).hexdigest()


def is_signed(secret: bytes, body: bytes, header: str | None) -> bool:
    """True only when `header` is a well-formed signature of `body` under `secret`."""
    if not secret or not header or not header.startswith(PREFIX):
        return False
    expected = signature_of(secret, body).encode()
    # Compare bytes: compare_digest refuses non-ASCII str, and a header is attacker-chosen.
    return hmac.compare_digest(expected, header.strip().encode("utf-8", "replace"))
