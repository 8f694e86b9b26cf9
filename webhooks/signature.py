"""Checking GitHub's `X-Hub-Signature-256` header on an inbound webhook.

Stage: inbound webhooks (the receiver's first gate). GitHub signs the raw request body with
HMAC-SHA256 under the webhook's secret and sends `sha256=<hex digest>`. The header's form is
checked before the body is read (a request without one is refused unread), the digest is
computed as the body arrives (webhooks/request_body.py), and the comparison is constant-time so
a caller cannot learn the digest byte by byte from response times.
"""

from __future__ import annotations

import hashlib
import hmac
import re

PREFIX = "sha256="
_WELL_FORMED = re.compile(r"sha256=[0-9a-f]{64}")


def signature_of(secret: bytes, body: bytes) -> str:
    """The header value GitHub would send for `body` (also what the tests sign with)."""
    return PREFIX + hmac.new(secret, body, hashlib.sha256).hexdigest()


def is_well_formed(header: str | None) -> bool:
    """True when `header` has the form GitHub sends: `sha256=` and 64 lower-case hex digits."""
    return header is not None and _WELL_FORMED.fullmatch(header.strip()) is not None


def body_hasher(secret: bytes) -> hmac.HMAC:
    """An HMAC to feed the body to as it arrives; `is_signature_of` checks it at the end."""
    return hmac.new(secret, digestmod=hashlib.sha256)


def is_signature_of(hasher: hmac.HMAC, header: str | None) -> bool:
    """True only when `header` is a well-formed signature of what `hasher` was fed."""
    if header is None or not is_well_formed(header):
        return False
    expected = (PREFIX + hasher.hexdigest()).encode()
    return hmac.compare_digest(expected, header.strip().encode())
