"""Match a leaked secret to a provider's redacted hint ("sk-abc...wxyz", "sk-ant-api03-R2D...igAA").

Stage: rotators. Providers that never return a key's value list a redacted form of it instead;
this is how a leaked value finds its key id without the value leaving memory. A key leakward
issued carries its issue attempt's token in its name, which is how a replacement whose answer was
lost is found again (`tagged`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Unrecorded

_ELISION = re.compile(r"\.{3}|…|\*{3,}")


def token_attributes(name: object, prefix: str) -> tuple[tuple[str, str], ...]:
    """("idempotency_token", …) for a key leakward named `prefix + token` when it issued it, so
    the pipeline can find a replacement whose id never reached the registry."""
    if isinstance(name, str) and name.startswith(prefix) and len(name) > len(prefix):
        return (("idempotency_token", name[len(prefix) :]),)
    return ()


def matches_hint(secret: Secret, hint: str | None) -> bool:
    """True when every visible part of `hint` is where it should be in the secret."""
    if not hint:
        return False
    parts = _ELISION.split(hint)
    if len(parts) != 2:
        return False
    head, tail = parts
    value = secret.reveal()
    # Both ends must be anchored: a hint with nothing visible matches nothing.
    if not head and not tail:
        return False
    return value.startswith(head) and value.endswith(tail) and len(value) >= len(head) + len(tail)


def tagged(listed: Iterable[KeyRef], idempotency_token: str) -> Unrecorded:
    """The listed keys an issue attempt named after `idempotency_token` (`token_attributes`)."""
    return Unrecorded(
        tuple(key for key in listed if key.attribute("idempotency_token") == idempotency_token)
    )


def valid_for(lifetime: timedelta) -> Unrecorded:
    """A credential with no public id, issued before now, is valid at most `lifetime` from now."""
    until = datetime.now(UTC) + lifetime
    return Unrecorded(expires_by=until.strftime("%Y-%m-%dT%H:%M:%SZ"))
