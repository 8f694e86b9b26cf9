"""The one wrapper a raw credential lives in: every printed form is redacted.

Like leakward/core/errors.py this module imports nothing of leakward, so the scanner, the registry
bridge and the rotators (which may not import the scanner) all share it.
"""

from __future__ import annotations

import math
from collections import Counter

_ELLIPSIS = "…"
# Below this many bits of guess-resistance a value could be found by guessing and checking each
# guess against what a report shows, so reports show it only as a 4-character redacted form.
GUESSABLE_BITS = 80
_CLASSES = (
    (str.islower, 26),
    (str.isupper, 26),
    (str.isdigit, 10),
)
_OTHER = 33  # printable ASCII punctuation and space


def guess_bits(value: str) -> float:
    """A generous estimate of how many bits a guesser must cover to find `value`: the smaller of
    its length times the alphabet its character classes span, and its length times its Shannon
    entropy per character (repeats and runs cost a guesser little)."""
    if not value:
        return 0.0
    alphabet = sum(size for test, size in _CLASSES if any(test(c) for c in value))
    if any(not (c.islower() or c.isupper() or c.isdigit()) for c in value):
        alphabet += _OTHER
    counts = Counter(value)
    shannon = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    return len(value) * min(math.log2(max(alphabet, 2)), shannon)


def is_guessable(value: str) -> bool:
    return guess_bits(value) < GUESSABLE_BITS


class Secret:
    """A credential value held in memory: printed forms are redacted, `.reveal()` is explicit."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def redacted(self) -> str:
        """Enough to recognise the credential type and tell two keys apart, never enough to use it.

        A value that could be guessed (a password, a short generic secret) shows at most four
        characters, two from each end, and short ones two; a random key shows a type prefix (up
        to six characters, at most a fifth of the value) and the last four, the way providers
        show their own key hints.
        """
        value = self._value
        if len(value) < 12:
            return value[:2] + _ELLIPSIS
        if is_guessable(value):
            return value[:2] + _ELLIPSIS + value[-2:]
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
