"""Whether a key's expiry is still ahead, for replacements that copy the leaked key's expiry.

Stage: rotators (providers). OpenRouter and xAI give keys an ISO 8601 expiry; a replacement
copies it only while it lies in the future, since a past one would make the new key useless
(and the leaked key carrying it is dead already).
"""

from __future__ import annotations

from datetime import UTC, datetime


def is_ahead(stamp: str) -> bool:
    """True for an ISO 8601 time after now; a time without a zone is read as UTC."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return False
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) > datetime.now(UTC)
