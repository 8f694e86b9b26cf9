"""The bytes a rule's match may hold right beside one of its keywords, read from its pattern.

Stage: engine setup (the `regex` engine). A keyword is where that engine looks for a rule, and
on a rails release tree the short ones are everywhere: `|` (facebook.app_access_token) at 40,000
places, `value` (generic.k8s_env_value) at 24,000, `ion_` at 14,000 (in every `action_`), each
a window the rule's pattern then searched. When the keyword is plain text that every match
passes through at one place of the pattern (not inside a choice or a repeat), the byte before
that place is one the pattern allows there (`[0-9]` before facebook's `|`, not a word byte
before `ion_`), and so is the byte after: a place without them holds no match through it, and
every match has its own place that does. The sets are supersets: whatever is not proven (a
lookaround of more than one byte, a backreference) allows any byte, and the start or end of the
text is always allowed.
"""

from __future__ import annotations

import re
import string
import warnings
from dataclasses import dataclass, field
from typing import Any

from leakward.scanner.engines.translate import STDLIB_PARSER

_ALL = frozenset(range(256))
_HIGH = frozenset(range(128, 256))
_DIGITS = frozenset(string.digits.encode())
_WORD = frozenset((string.ascii_letters + string.digits + "_").encode())
_SPACE = frozenset(b" \t\n\r\x0b\x0c")
# What `regex` may count in a category, over bytes: more than `re` for some, never less.
_GENEROUS = {
    "CATEGORY_DIGIT": _DIGITS | _HIGH,
    "CATEGORY_WORD": _WORD | _HIGH,
    "CATEGORY_SPACE": _SPACE | frozenset(b"\x1c\x1d\x1e\x1f") | _HIGH,
    "CATEGORY_NOT_DIGIT": _ALL - _DIGITS,
    "CATEGORY_NOT_WORD": _ALL - _WORD,
    "CATEGORY_NOT_SPACE": _ALL - _SPACE,
}
# And the least it counts: a negated class is all bytes but these.
_STRICT = {
    "CATEGORY_DIGIT": _DIGITS,
    "CATEGORY_WORD": _WORD,
    "CATEGORY_SPACE": _SPACE,
}
# `regex` syntax the stdlib parser would read as something else (POSIX classes, set operations,
# fuzzy matching, Unicode properties) or not read: such a pattern is left unbounded.
_FOREIGN = re.compile(r"\[\[|--|&&|~~|\|\||\{[eisd]|\\[pPXKGhNmMLFRV]|\(\?[V&R0-9|(]")
_ZERO_WIDTH = frozenset({"AT", "ASSERT", "ASSERT_NOT"})
_REPEATS = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})


Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Edges:
    """Bytes allowed right before and right after a keyword's place (None: any byte)."""

    before: frozenset[int] | None
    after: frozenset[int] | None
    # Each set as 256 flags, one per byte value: a lookup per place, no call.
    _before_flags: bytes = field(init=False, repr=False, compare=False)
    _after_flags: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_before_flags", _flags(self.before))
        object.__setattr__(self, "_after_flags", _flags(self.after))

    def allowed(self, data: bytes, places: list[Span]) -> list[Span]:
        """The keyword places (spans of `data`, in order) with allowed bytes on both sides; the
        start and the end of `data` count as allowed."""
        before, after = self._before_flags, self._after_flags
        last = len(data)
        return [
            (start, end)
            for start, end in places
            if (not start or before[data[start - 1]]) and (end >= last or after[data[end]])
        ]


def _flags(chars: frozenset[int] | None) -> bytes:
    return bytes(1 if chars is None or n in chars else 0 for n in range(256))


def _cased(chars: frozenset[int]) -> frozenset[int]:
    """`chars` with the other case of each ASCII letter: the pattern may ignore case."""
    return chars | frozenset(c ^ 0x20 for c in chars if 65 <= c <= 90 or 97 <= c <= 122)


def _class(items: Any) -> frozenset[int] | None:
    """The bytes a `[…]` may match (case-closed); None for a member not understood."""
    negated = bool(items) and str(items[0][0]) == "NEGATE"
    found: set[int] = set()
    for op, value in items[1:] if negated else items:
        kind = str(op)
        if kind == "LITERAL":
            found.add(value)
        elif kind == "RANGE":
            found.update(range(value[0], value[1] + 1))
        elif kind == "CATEGORY":
            table = _STRICT if negated else _GENEROUS
            if str(value) not in table:
                return None
            found |= table[str(value)]
        else:
            return None
    if negated:
        # Case ignored, `[^a]` also refuses `A`: refusing only `a` allows more.
        return _ALL - frozenset(found)
    return _cased(frozenset(found))


def _ends(item: tuple[Any, Any], last: bool) -> tuple[frozenset[int], bool] | None:
    """The bytes `item` may begin (or, when `last`, end) with, and whether it may match
    nothing; None when not understood."""
    op, value = str(item[0]), item[1]
    if op == "LITERAL":
        return _cased(frozenset({value})), False
    if op == "NOT_LITERAL":
        return _ALL - {value}, False
    if op == "ANY":
        return _ALL, False
    if op == "IN":
        members = _class(value)
        return None if members is None else (members, False)
    if op in _ZERO_WIDTH:
        return frozenset(), True
    if op in _REPEATS:
        least, _, body = value
        inner = _sequence_ends(list(body), last)
        return None if inner is None else (inner[0], inner[1] or least == 0)
    if op == "SUBPATTERN":
        return _sequence_ends(list(value[3]), last)
    if op == "ATOMIC_GROUP":
        return _sequence_ends(list(value), last)
    if op == "BRANCH":
        chars: frozenset[int] = frozenset()
        empty = False
        for branch in value[1]:
            ends = _sequence_ends(list(branch), last)
            if ends is None:
                return None
            chars |= ends[0]
            empty |= ends[1]
        return chars, empty
    return None  # backreferences, conditionals


def _sequence_ends(items: list[Any], last: bool) -> tuple[frozenset[int], bool] | None:
    chars: frozenset[int] = frozenset()
    for item in reversed(items) if last else items:
        ends = _ends(item, last)
        if ends is None:
            return None
        chars |= ends[0]
        if not ends[1]:
            return chars, False
    return chars, True


def _one_byte(body: Any) -> frozenset[int] | None:
    """The bytes a lookaround's body matches when it is exactly one byte wide; else None."""
    items = list(body)
    if len(items) != 1:
        return None
    ends = _ends(items[0], last=False)
    if ends is None or ends[1] or str(items[0][0]) in _REPEATS:
        return None
    return ends[0]


def _beside(items: list[Any], ahead: bool) -> frozenset[int] | None:
    """The bytes that may stand next to the keyword, walking `items` away from it (forward when
    `ahead`); None when any may (the walk left the pattern, or met what it does not know)."""
    chars: frozenset[int] = frozenset()
    for op, value in items:
        kind = str(op)
        if kind in ("ASSERT", "ASSERT_NOT"):
            direction, body = value
            if (direction < 0) == ahead:
                continue  # looks the other way: no bound on this side
            one = _one_byte(body)
            if one is not None:
                return chars | (one if kind == "ASSERT" else _ALL - one)
            if kind == "ASSERT" and direction > 0:
                inner = _sequence_ends(list(body), last=False)
                if inner is not None and not inner[1]:
                    return chars | inner[0]
            continue
        ends = _ends((op, value), last=not ahead)
        if ends is None:
            return None
        chars |= ends[0]
        if not ends[1]:
            return chars
    return None


def _flat(items: Any) -> list[Any]:
    """The pattern's top-level sequence with the groups every match passes through whole (plain
    and capturing ones without a choice at their top) opened in place."""
    found: list[Any] = []
    for op, value in items:
        if str(op) == "SUBPATTERN" and not any(str(o) == "BRANCH" for o, _ in value[3]):
            found += _flat(value[3])
        else:
            found.append((op, value))
    return found


def keyword_edges(pattern: str, keyword: str) -> Edges | None:
    """Bytes allowed beside `keyword` (any case) where every match of `pattern` holds it as
    plain text; None when no such place is proven or nothing is bounded there."""
    if _FOREIGN.search(pattern):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "possible nested set" and the like: unproven
            parsed = STDLIB_PARSER.parse(pattern.encode())
    except (re.error, ValueError, OverflowError, RecursionError, Warning):
        return None
    items = _flat(parsed)
    wanted = [ord(c) for c in keyword.lower()]
    if not wanted or any(c > 127 for c in wanted):
        return None
    # Each item's byte when it is a literal, lowered as the keyword is (None: not a literal).
    lowered = [
        (value | 0x20 if 65 <= value <= 90 else value) if str(op) == "LITERAL" else None
        for op, value in items
    ]
    size = len(wanted)
    for at in range(len(items) - size + 1):
        if lowered[at : at + size] == wanted:
            edges = Edges(
                _beside(list(reversed(items[:at])), ahead=False),
                _beside(items[at + size :], ahead=True),
            )
            return None if edges.before is None and edges.after is None else edges
    return None
