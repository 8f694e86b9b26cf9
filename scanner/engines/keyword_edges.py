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
from collections.abc import Sequence
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
# A named group's opening: a plain group to the stdlib parser, which refuses a name used twice
# (`regex` allows it: `(?P<secret>…)|(?P<secret>…)`).
_NAMED = re.compile(r"(?<!\\)\((?:\?P<|\?<(?![=!]))[A-Za-z_][A-Za-z0-9_]*>")
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


def _beside(items: Any, ahead: bool, outer: frozenset[int] | None) -> frozenset[int] | None:
    """The bytes that may stand next to a point, walking `items` away from it (forward when
    `ahead`), then `outer` (what may stand beyond them) if they may all match nothing; None
    when any byte may (unbounded, or something the walk does not know)."""
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
    return None if outer is None else chars | outer


def _flat(items: Any) -> list[Any]:
    """A sequence with the groups every match passes through whole (plain and capturing ones
    without a choice at their top) opened in place."""
    found: list[Any] = []
    for op, value in items:
        if str(op) == "SUBPATTERN" and not any(str(o) == "BRANCH" for o, _ in value[3]):
            found += _flat(value[3])
        else:
            found.append((op, value))
    return found


def _opened(items: Any) -> list[Any]:
    """A sequence with every group without flags of its own opened in place, a choice at its top
    included: a sequence matches the same with its groups' items in their place. `_flat` keeps a
    choice's group whole for the keywords inside it; a gate looks only at the top level, where
    postgres.pgpass's `:` before its port sits in a group whose branches the parser factored."""
    found: list[Any] = []
    for op, value in items:
        if str(op) == "SUBPATTERN" and not value[1] and not value[2]:
            found += _opened(value[3])
        else:
            found.append((op, value))
    return found


def _unfactored(items: list[Any]) -> list[Any]:
    """A choice whose branches' common opening the stdlib parser took out (`pass|pwd` is read
    as `p(?:ass|wd)`) with that opening put back in each branch: the same matches, and each
    keyword whole in one sequence."""
    if len(items) < 2 or str(items[-1][0]) != "BRANCH":
        return items
    opening = items[:-1]
    if not all(str(op) == "LITERAL" for op, _ in opening):
        return items
    branches = [[*opening, *branch] for branch in items[-1][1][1]]
    return [(items[-1][0], (items[-1][1][0], branches))]


def _union(edges: list[Edges]) -> Edges:
    befores = [e.before for e in edges]
    afters = [e.after for e in edges]
    return Edges(
        None if None in befores else frozenset().union(*befores),  # type: ignore[arg-type]
        None if None in afters else frozenset().union(*afters),  # type: ignore[arg-type]
    )


class _Walk:
    """The plain-text places of the keywords in a parsed pattern, each with the bytes that may
    stand beside it, and whether every match passes one of them."""

    def __init__(self, keywords: list[list[int]]) -> None:
        self.keywords = keywords
        self.found: list[list[Edges]] = [[] for _ in keywords]

    def sequence(
        self, items: Any, before: frozenset[int] | None, after: frozenset[int] | None
    ) -> bool:
        """Record the places in `items`, a sequence with `before` and `after` beside it;
        whether every path through it passes one."""
        items = _unfactored(_flat(items))
        # Each item's byte when it is a literal, lowered as keywords are (None: not a literal).
        lowered = [
            (value | 0x20 if 65 <= value <= 90 else value) if str(op) == "LITERAL" else None
            for op, value in items
        ]
        passes = False
        for number, wanted in enumerate(self.keywords):
            size = len(wanted)
            for at in range(len(items) - size + 1):
                if lowered[at : at + size] == wanted:
                    passes = True
                    self.found[number].append(
                        Edges(
                            _beside(reversed(items[:at]), False, before),
                            _beside(items[at + size :], True, after),
                        )
                    )
        for at, (op, value) in enumerate(items):
            kind = str(op)
            if kind not in ("SUBPATTERN", "ATOMIC_GROUP", "BRANCH") and kind not in _REPEATS:
                continue
            inner_before = _beside(reversed(items[:at]), False, before)
            inner_after = _beside(items[at + 1 :], True, after)
            passes |= self._item(kind, value, inner_before, inner_after)
        return passes

    def _item(
        self, kind: str, value: Any, before: frozenset[int] | None, after: frozenset[int] | None
    ) -> bool:
        if kind == "SUBPATTERN":
            return self.sequence(value[3], before, after)
        if kind == "ATOMIC_GROUP":
            return self.sequence(value, before, after)
        if kind == "BRANCH":
            # Every branch is walked, not up to the first without a place: each records places.
            passes = [self.sequence(branch, before, after) for branch in value[1]]
            return all(passes)
        least, most, body = value
        if most != 1:
            # The body may follow itself: its own ends stand beside it too.
            last, first = _sequence_ends(list(body), True), _sequence_ends(list(body), False)
            before = None if before is None or last is None else before | last[0]
            after = None if after is None or first is None else after | first[0]
        return self.sequence(body, before, after) and least >= 1


def keyword_edges(pattern: str, keywords: Sequence[str]) -> dict[str, Edges | None]:
    """Bytes allowed beside each of `keywords` (lowered; any case) where the pattern holds it
    as plain text, when every match holds one of them so: a place of one without them holds
    no match, and every match has a place of one with them. None where nothing is proven."""
    names = [k.lower() for k in keywords]
    unproven: dict[str, Edges | None] = dict.fromkeys(names)
    if any(not k or not k.isascii() for k in names):
        return unproven
    parsed = _parsed(pattern)
    if parsed is None:
        return unproven
    walk = _Walk([[ord(c) for c in name] for name in names])
    if not walk.sequence(parsed, None, None):
        return unproven
    found: dict[str, Edges | None] = {}
    for name, places in zip(names, walk.found, strict=True):
        # A keyword with no place of its own in the pattern holds no match: every match passes
        # a place of another.
        edges = _union(places) if places else Edges(frozenset(), frozenset())
        found[name] = None if edges.before is None and edges.after is None else edges
    return found


def gate_of(pattern: str) -> tuple[int, Edges] | None:
    """A byte, not a letter, that every match of `pattern` holds at one place of its top-level
    sequence, with the bytes allowed beside that place (the one with the fewest after it); None
    when there is none. A rule without keywords is searched only around such bytes:
    postgres.pgpass read every line of every file for the `:` and a port of `host:5432:`."""
    parsed = _parsed(pattern)
    if parsed is None:
        return None
    return _gate(_opened(parsed), _BRANCH_DEPTH)


# Choices opened to find a gate inside each branch, at most this deep: each level multiplies
# the sequences read by its number of branches.
_BRANCH_DEPTH = 2


def _gate(items: list[Any], depth: int) -> tuple[int, Edges] | None:
    best: tuple[int, Edges] | None = None
    for at, (op, value) in enumerate(items):
        found: tuple[int, Edges] | None = None
        if str(op) == "BRANCH" and depth:
            found = _branch_gate(items, at, depth)
        elif str(op) == "LITERAL" and value <= 127 and not chr(value).isalpha():
            after = _beside(items[at + 1 :], True, None)
            if after is not None:
                found = (value, Edges(_beside(reversed(items[:at]), False, None), after))
        if found is not None and (
            best is None or len(found[1].after or ()) < len(best[1].after or ())
        ):
            best = found
    return best


def _branch_gate(items: list[Any], at: int, depth: int) -> tuple[int, Edges] | None:
    """The gate of a choice whose every branch holds the same byte: the union of each branch's
    edges (postgres.pgpass's `:*`, `:0`...`:9`, one branch per first character of its port)."""
    gates = [
        _gate([*items[:at], *_opened(branch), *items[at + 1 :]], depth - 1)
        for branch in items[at][1][1]
    ]
    found = [g for g in gates if g is not None]
    if not found or len(found) < len(gates) or len({byte for byte, _ in found}) != 1:
        return None
    return found[0][0], _union([edges for _, edges in found])


def _parsed(pattern: str) -> Any | None:
    """The stdlib parser's tree of `pattern` (named groups as plain ones); None when it reads
    `regex` syntax as something else or not at all."""
    if _FOREIGN.search(pattern):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "possible nested set" and the like: unproven
            return STDLIB_PARSER.parse(_NAMED.sub("(", pattern).encode())
    except (re.error, ValueError, OverflowError, RecursionError, Warning):
        return None
