"""Stable keyed fingerprints of secrets, the only form in which a report names a secret's value.

Stage: reporters and baselines. HMAC-SHA256 keyed by `LEAKWARD_FINGERPRINT_KEY` (or the default
below), so a fingerprint is stable across machines (baselines written in CI match locally) while a
team that sets its own key makes its reports useless for testing guesses of weak passwords.
The registry uses its own secret pepper (registry issue); these two never need to agree.
"""

from __future__ import annotations

import hashlib
import hmac
import os

DEFAULT_KEY = b"leakward-fingerprint-v1"


def fingerprint_key() -> bytes:
    configured = os.environ.get("LEAKWARD_FINGERPRINT_KEY")
    return configured.encode() if configured else DEFAULT_KEY


def fingerprint(secret: str, key: bytes | None = None) -> str:
    """32 hex characters (128 bits) of HMAC-SHA256(key, secret)."""
    digest = hmac.new(key or fingerprint_key(), secret.encode("utf-8", "surrogateescape"), "sha256")
    return digest.hexdigest()[:32]


def content_id(data: bytes) -> str:
    """Plain SHA-256 of bytes that are not secrets (rule files, blobs), for cache keys."""
    return hashlib.sha256(data).hexdigest()
