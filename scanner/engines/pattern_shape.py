"""What a rule's pattern can span: its widest match, and how many lines one match can cross.

Stage: engine. Hyperscan runs without start-of-match tracking, so a hit gives only its end; the
`regex` confirmation then searches a window reaching back from there. These two facts bound that
window: back by the widest match, and, for a pattern whose matches hold at most N newlines, no
further back than the start of the line N lines above the hit's. The second matters for
patterns with no upper bound (`[^\\s]{8,}`): without it each hit costs a search of
UNBOUNDED_WIDTH bytes.
"""

from __future__ import annotations

import re
from typing import Any

from leakward.scanner.engines.translate import STDLIB_PARSER, for_hyperscan

# Window for patterns with no upper bound on their width (PEM blocks, `{58,}` tails).
UNBOUNDED_WIDTH = 16384


# Character categories (`\s`, `\D`, `\W`, ...) whose members include "\n".
_NEWLINE_CATEGORIES = frozenset(
    f"{prefix}CATEGORY_{name}"
    for prefix in ("", "UNI_")
    for name in ("SPACE", "NOT_DIGIT", "NOT_WORD", "LINEBREAK")
)
_ZERO_WIDTH = frozenset({"AT", "ASSERT", "ASSERT_NOT"})
_REPEATS = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})
_NEWLINE = ord("\n")


def _parsed(pattern: str) -> Any | None:
    try:
        return STDLIB_PARSER.parse(for_hyperscan(pattern, negated_opening=False))
    except (re.error, ValueError, OverflowError, RecursionError):
        return None


def shape(pattern: str) -> tuple[int, int | None]:
    """(widest match, capped at UNBOUNDED_WIDTH; most newlines one match can hold, None when
    unbounded), from one parse. Unsure (a syntax the stdlib parser does not know, a
    backreference) means the widest answer, which only costs a wider window."""
    parsed = _parsed(pattern)
    if parsed is None:
        return UNBOUNDED_WIDTH, None
    try:
        width = min(int(parsed.getwidth()[1]), UNBOUNDED_WIDTH)
    except (OverflowError, RecursionError):
        width = UNBOUNDED_WIDTH
    return width, _newlines(parsed, dotall=bool(parsed.state.flags & re.DOTALL))


def _newlines(items: Any, dotall: bool) -> int | None:
    total = 0
    for op, value in items:
        count = _item_newlines(str(op), value, dotall)
        if count is None:
            return None
        total += count
    return total


def _item_newlines(op: str, value: Any, dotall: bool) -> int | None:
    if op == "LITERAL":
        return int(value == _NEWLINE)
    if op == "NOT_LITERAL":
        return int(value != _NEWLINE)
    if op == "ANY":
        return int(dotall)
    if op == "IN":
        return int(_class_has_newline(value))
    if op in _ZERO_WIDTH:
        return 0
    if op in _REPEATS:
        _, most, body = value
        each = _newlines(body, dotall)
        if each == 0:
            return 0
        return None if each is None or most == STDLIB_PARSER.MAXREPEAT else each * most
    if op == "BRANCH":
        counts = [_newlines(branch, dotall) for branch in value[1]]
        return None if None in counts else max(c for c in counts if c is not None)
    if op == "SUBPATTERN":
        _, added, removed, body = value
        local = (dotall or bool(added & re.DOTALL)) and not removed & re.DOTALL
        return _newlines(body, local)
    if op == "ATOMIC_GROUP":
        return _newlines(value, dotall)
    return None  # backreferences, conditionals: not worth proving


def _class_has_newline(items: list[tuple[Any, Any]]) -> bool:
    negated = bool(items) and str(items[0][0]) == "NEGATE"
    found = False
    for op, value in items[1:] if negated else items:
        kind = str(op)
        if kind == "LITERAL":
            found |= value == _NEWLINE
        elif kind == "RANGE":
            found |= value[0] <= _NEWLINE <= value[1]
        elif kind == "CATEGORY":
            found |= str(value) in _NEWLINE_CATEGORIES
        else:
            return True  # unknown member: assume the worst
    return found != negated
