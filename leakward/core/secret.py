"""The one wrapper a raw credential lives in: every printed form is redacted.

Like leakward/core/errors.py this module imports nothing of leakward, so the scanner, the registry
bridge and the rotators (which may not import the scanner) all share it.
"""

from __future__ import annotations

_ELLIPSIS = "…"


class Secret:
    """A credential value held in memory: printed forms are redacted, `.reveal()` is explicit."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def redacted(self) -> str:
        """Enough to recognise the credential type and tell two keys apart, never enough to use it.

        Short values show two characters; longer ones a type prefix (up to six characters, at most
        a fifth of the value) and the last four, the way providers show their own key hints.
        """
        value = self._value
        if len(value) < 12:
            return value[:2] + _ELLIPSIS
        head = min(6, len(value) // 5)
        return value[:head] + _ELLIPSIS + value[-4:]

    def __repr__(self) -> str:
        return f"Secret({self.redacted()!r})"

    __str__ = redacted

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("leakward.Secret", self._value))

    def __getstate__(self) -> str:
        return self._value

    def __setstate__(self, state: str) -> None:
        self._value = state

    def __len__(self) -> int:
        return len(self._value)
