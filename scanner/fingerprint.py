"""Stable keyed fingerprints of secrets, the only form in which a report names a secret's value.

Stage: reporters and baselines. HMAC-SHA256 keyed by `LEAKWARD_FINGERPRINT_KEY` (or the default
below), so a fingerprint is stable across machines: baselines written in CI match locally.

The default key is public, so a fingerprint under it would confirm a guess: anyone holding a report
could try a dictionary of passwords against it. A value random enough to be out of a guesser's
reach (see `leakward.core.secret.guess_bits`) is fingerprinted under the default key; a guessable
one only under a team's own key, kept secret like any other (a CI secret, and the same variable on
developers' machines). Without one, a report carries no fingerprint for it (`report_fingerprint`
gives None), and baselines know it by rule and path.
The registry uses its own secret pepper (registry issue); these two never need to agree.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from leakward.core.secret import is_guessable

DEFAULT_KEY = b"leakward-fingerprint-v1"


def team_key() -> bytes | None:
    """The team's own fingerprint key, when one is set."""
    configured = os.environ.get("LEAKWARD_FINGERPRINT_KEY")
    return configured.encode() if configured else None


def fingerprint_key() -> bytes:
    return team_key() or DEFAULT_KEY


def report_fingerprint(secret: str) -> str | None:
    """The fingerprint a report, baseline or ignore file may carry: None for a guessable value
    when no team key is set, since a fingerprint under the public key would confirm a guess."""
    if team_key() is None and is_guessable(secret):
        return None
    return fingerprint(secret)


def fingerprint(secret: str, key: bytes | None = None) -> str:
    """32 hex characters (128 bits) of HMAC-SHA256(key, secret)."""
    digest = hmac.new(key or fingerprint_key(), secret.encode("utf-8", "surrogateescape"), "sha256")
    return digest.hexdigest()[:32]


def content_id(data: bytes) -> str:
    """Plain SHA-256 of bytes that are not secrets (rule files, blobs), for cache keys."""
    return hashlib.sha256(data).hexdigest()
