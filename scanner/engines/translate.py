"""Turns a rule's `regex` pattern into one Hyperscan can compile: a superset of the original.

Stage: engine setup. Hyperscan has no lookarounds and ignores captures, so lookarounds are
removed (Hyperscan then finds a superset of the matches), a one-character lookahead that ends the
pattern is matched as text (see `_one_char_ahead`), a possessive repeat (`{10,}+`) becomes
a plain one (the same matches, found by backtracking), and named groups become plain groups;
the `regex` module confirms every hit with the exact pattern afterwards. A positive lookbehind
that opens the pattern is matched as text instead: it still ends every hit where the original
match ends, and removing it left `cloudinary.url` as a bare `[A-Za-z0-9_-]{27}`, one hit for
every byte of every long word.
"""

from __future__ import annotations

import importlib
import re
import warnings
from typing import Any, AnyStr

_LOOKAROUNDS = ("(?=", "(?!", "(?<=", "(?<!")
# A run of plain text and escapes, or a whole class, which `for_hyperscan` copies as it is: a
# step per character was most of the Python a small scan ran (its rules' shapes are read then).
_COPIED = re.compile(r"(?:[^\\\[(]|\\.)+|\[\^?\]?(?:\\.|[^\]\\])*\]", re.DOTALL)
# The stdlib's own parser (a lookahead's width here; patterns' shapes and anchors elsewhere); it has
# no public name, hence the dynamic import.
STDLIB_PARSER: Any = importlib.import_module("re._parser")
# Inline flags that may come before a pattern's first lookbehind, and the space `(?x)` ignores.
_LEADING_FLAGS = re.compile(r"(?:\(\?[a-zA-Z]+\)\s*)*")
# An escape or a class, taken whole (group 1), or a repeat with the `+` that makes it possessive
# (group 2, the `+` left out): substituted by `\1\2`, a pattern loses its possessive `+`s in C.
# Hyperscan has no possessive repeats, and reports every end of a match anyway.
_POSSESSIVE = re.compile(r"(\\.|\[\^?\]?(?:\\.|[^\]\\])*\])|([*+?]|\{\d+(?:,\d*)?\})\+")


def group_end(pattern: str, start: int) -> int:
    """Index just past the `)` closing the group that opens at `start`."""
    depth = 0
    index = start
    in_class = False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
        elif char == "[":
            in_class = True
            # A `]` right after `[` or `[^` is a literal, not the end of the class.
            if pattern.startswith("^]", index + 1):
                index += 2
            elif pattern.startswith("]", index + 1):
                index += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    raise ValueError("unbalanced parentheses")


# `(?<!c)` of one plain character; and `(?<!(?<!-w1)(?<!-w2)…=)`, no `=` but one that closes a
# command-line flag whose name ends in one of the words, as a rule's opening (`_after_one_of`).
# A rule may put a word-start lookbehind of one class first (`(?<![A-Za-z0-9_.-])`): the
# `regex` engine then tries the flag's only at word starts (generic.named_key: 13 -> 6.5 steps a
# byte of AWS pairs, 23 -> 8 of prose); it is dropped here as any other lookbehind is.
_SINGLE_OPENING = re.compile(r"\(\?<!([^\\()\[\]{}|.^$*+?\n])\)")
_FLAG_OPENING = re.compile(r"(?:\(\?<!\[[^\]^][^\]]*\]\))?\(\?<!((?:\(\?<!-[A-Za-z]+\))+)=\)")
_FLAG_WORD = re.compile(r"\(\?<!-([A-Za-z]+)\)")


def _after_one_of(pattern: str, start: int, *, in_blocks: bool) -> tuple[str, int] | None:
    """An opening `(?<![^C])` (the match starts after one of C, or at the start) as the text
    `(?:^|[C])`, or `(?<!c)` of one plain character as `(?:^|[^c])` (and
    `(?<!(?<!-w1)(?<!-w2)=)` as `(?:^|[^=]|-(?:w1|w2)=)`), and the index just past the
    lookbehind; None for any other opening. With `in_blocks`, `[^c]` is given as `all_but(c)`.

    Only when C holds a newline: `scan_many` joins pieces with one, and a piece's own start
    must still match. Dropped instead, `generic.env_secret` hit at every `TOKEN=` of a run of
    them, each hit a call into Python.
    """
    flagged = _FLAG_OPENING.match(pattern, start)
    if flagged is not None:
        # As `(?<!=)`, or right after a command-line flag's `=`
        # (`--from-literal=api_key=…`): the flag is matched as text, and a run of `TOKEN=`,
        # which holds no `-`, still checks one byte before each word.
        words = "|".join(_FLAG_WORD.findall(flagged.group(1)))
        others = all_but("=") if in_blocks else "[^=]"
        return f"(?:^|{others}|-(?:{words})=)", flagged.end()
    single = _SINGLE_OPENING.match(pattern, start)
    if single is not None:
        # `(?<!=)`: the match starts after anything but `=`, or at the start (`TOKEN=TOKEN=…`
        # then hits no gated rule where the keyword gate does not fire: rules/_gates.yaml).
        char = single.group(1)
        return f"(?:^|{all_but(char) if in_blocks else f'[^{re.escape(char)}]'})", single.end()
    if not pattern.startswith("(?<![^", start):
        return None
    body_start = start + len("(?<!")
    body_end = class_end(pattern, body_start)
    if not pattern.startswith(")", body_end):
        return None
    members = "[" + pattern[body_start + 2 : body_end]
    try:
        if re.fullmatch(members, "\n") is None:
            return None
    except re.error:
        return None
    return f"(?:^|{members})", body_end + 1


# Below this many bytes a block of `all_but` is given as its bytes one by one, each a branch.
_SMALLEST_CLASS = 8


def all_but(char: str) -> str:
    """`[^c]` for Hyperscan, as a choice of byte blocks that each share their high bits (and of
    the bytes of the smallest blocks one by one) that together hold every byte but `c`.

    Before a word, Hyperscan keys `[^=](?i:token)…` on `token` and checks the byte before each
    one in a step of its own: a run of `TOKEN=` paid it at every word (2 ms per MB of the main
    database, plain text 0.3). A block of bytes that share their high bits is checked with the
    literal, in Hyperscan's literal matcher; a byte on its own makes a longer literal (`<token`),
    which a run of `TOKEN=` never holds: 0.9 ms per MB. Thirteen blocks and bytes at most, so a
    rule's opening still splits into its branches (alternatives.MOST). A letter (whose other
    case a block may hold under `(?i)`) or a character beyond ASCII stays `[^c]`."""
    value = ord(char)
    if char.isalpha() or value > 0x7F:
        return f"[^{re.escape(char)}]"
    branches = []
    for bit in range(7, -1, -1):
        low = ((value >> bit) ^ 1) << bit
        if 1 << bit >= _SMALLEST_CLASS:
            branches.append(f"[\\x{low:02x}-\\x{low + (1 << bit) - 1:02x}]")
        else:
            branches += [f"\\x{byte:02x}" for byte in range(low, low + (1 << bit))]
    return "|".join(branches)


def _one_char_ahead(pattern: str, start: int, end: int) -> bool:
    """Whether the lookahead `pattern[start:end]` is positive, ends the pattern (only closing
    parentheses after it) and looks at one character at most (`(?=\\s|$)`).

    Such a lookahead is matched as text: every match still has a hit, one character later at
    most, which the window's margin covers. Dropped, `generic.env_secret`'s value ran on past a
    `#` that ends it, so `'TOKEN=' * N + '#'` hit once and the confirmation searched the whole
    megabyte for a match that cannot be there (most of that shape's cost)."""
    if not pattern.startswith("(?=", start) or pattern[end:].strip(")"):
        return False
    try:
        return int(STDLIB_PARSER.parse(pattern[start + 3 : end - 1]).getwidth()[1]) <= 1
    except (re.error, ValueError, OverflowError, RecursionError):
        return False


def for_hyperscan(
    pattern: str, *, negated_opening: bool = True, opening_in_blocks: bool = False
) -> str:
    """The pattern without lookarounds (but a one-character one that ends it, as text),
    possessive repeats as plain ones, and with
    `(?P<name>…)` / `(?<name>…)` as `(…)`; a positive lookbehind at its very start becomes a
    plain group, and a negative one of a single negated class the alternative of the start and
    that class (see `_after_one_of`) unless `negated_opening` is false (a match's shape: that
    class may be a newline, the match's first byte may not). `opening_in_blocks` gives a
    `(?<!c)` opening's `[^c]` as `all_but(c)`: for a keyword gate, which the main database
    reads everywhere. Not for the rules behind it, which only its windows read: there, on a
    file of AWS pairs (a window a line), split into 14 branches each they cost 56 ms per MB,
    as `[^c]` 41."""
    pattern = _POSSESSIVE.sub(r"\1\2", pattern)
    out: list[str] = []
    index = 0
    leading = _LEADING_FLAGS.match(pattern)
    if leading is not None and pattern.startswith("(?<=", leading.end()):
        out.append(pattern[: leading.end()] + "(?:")
        index = leading.end() + len("(?<=")
    elif (
        negated_opening
        and leading is not None
        and (opening := _after_one_of(pattern, leading.end(), in_blocks=opening_in_blocks))
        is not None
    ):
        out.append(pattern[: leading.end()] + opening[0])
        index = opening[1]
    while index < len(pattern):
        copied = _COPIED.match(pattern, index)
        if copied is not None:
            out.append(copied.group())
            index = copied.end()
        elif pattern.startswith(_LOOKAROUNDS, index):
            end = group_end(pattern, index)
            if _one_char_ahead(pattern, index, end):
                out.append("(?:")
                index += len("(?=")
            else:
                index = end
        elif pattern.startswith("(?P<", index) or pattern.startswith("(?<", index):
            index = pattern.index(">", index) + 1
            out.append("(")
        elif pattern.startswith("[", index):
            out.append(pattern[index:])  # a class never closed: all the rest is in it
            break
        else:
            out.append(pattern[index])  # any other `(`, or a lone `\` at the end
            index += 1
    return "".join(out)


# A repeat of a range that ends a pattern (`{10,}`, `{16,256}` or `+`, lazy or not), before
# closing groups and an optional atom (`={0,2}`, `=?`).
_OPEN_REPEAT = re.compile(r"(?:\{(\d+),(\d*)\}|\+)\??$")
_OPTIONAL_REPEAT = re.compile(r"(?:\{0,\d+\}|\?)$")
_TAIL_ESCAPES = frozenset({r"\S", r"\s", r"\w", r"\W", r"\d", r"\D"})


def class_end(text: str, start: int) -> int:
    """Index just past the `]` closing the class that opens at `start`."""
    index = start + 1
    index += text.startswith("^", index)
    index += text.startswith("]", index)
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == "]":
            return index + 1
        index += 1
    return len(text)


def _optional_atom(text: str) -> str | None:
    """The class, class escape or plain character that ends `text` (before an optional repeat)."""
    if re.search(r"(?<!\\)[A-Za-z0-9=_\-:/@,;]$", text):
        return text[-1]
    return _last_atom(text)


def _last_atom(text: str) -> str | None:
    """The class or class escape (`\\S`) that ends `text`, if that is what ends it."""
    index = 0
    start = 0
    while index < len(text):
        start = index
        if text[index] == "\\":
            index += 2
        elif text[index] == "[":
            index = class_end(text, index)
        else:
            index += 1
    atom = text[start:]
    if atom in _TAIL_ESCAPES or (atom.startswith("[") and "[:" not in atom and index == len(text)):
        return atom
    return None


def open_tail(expression: str) -> tuple[str, str] | None:
    """(the expression with its final repeat cut to its minimum, what the cut part may run on).

    Hyperscan reports every end offset of every match: `TOKEN=([^\\s"'#$]{10,})` hit at each
    byte of a long value, each hit a call into Python, and `generic.named_key`'s
    `[^\\s…]{16,256}={0,2}` at each of the 25 ends of a 40-byte AWS secret. Cut to `{10}` (and
    an optional atom after it dropped) it hits once where a value starts; the engine then reads
    on over the tail (`[^\\s"'#$]*`, or `[^\\s…]{0,240}={0,2}`) in C to find where the window
    ends. None when the pattern does not end so, or its text is not plain enough to cut safely.
    """
    if "(?x" in expression:
        return None  # comments and spacing: the text's end is not the pattern's end
    body = expression.rstrip(")")
    if body.endswith("\\"):
        return None  # an escaped `)`
    optional = ""
    trailing = _OPTIONAL_REPEAT.search(body)
    if trailing is not None and (atom := _optional_atom(body[: trailing.start()])) is not None:
        optional = atom + trailing.group()
        body = body[: len(body) - len(optional)]
    repeat = _OPEN_REPEAT.search(body)
    if repeat is None:
        return None
    before = body[: repeat.start()]
    atom = _last_atom(before)
    if atom is None:
        return None
    least = int(repeat.group(1) or 1)
    most = repeat.group(2)
    if least < 1 or (most and int(most) <= least):
        return None  # nothing to cut to, or no range to cut
    cut = f"{atom}{{{least}}}" if least > 1 else atom
    more = f"{{0,{int(most) - least}}}" if most else "*"
    return before[: len(before) - len(atom)] + cut + expression[len(body) + len(optional) :], (
        f"{atom}{more}{optional}"
    )


def in_stdlib(pattern: AnyStr) -> re.Pattern[AnyStr] | None:
    """`pattern` compiled by the standard library's `re`, or None where `re` would read it
    otherwise than the `regex` module does or not at all (`\\p{L}`, repeated group names,
    variable-width lookbehinds, `[[:alpha:]]`, which `re` reads as a set with a warning).

    A confirmation searches a short window and a placeholder check a short secret: there
    `regex` spent more setting up than matching (`generic.env_secret` over a 1 MB line of
    `TOKEN=`: 0.15 s against `re`'s 0.045). Both backtrack the same way, so they find the same
    matches; tests/scanner/test_rule_work.py bounds every rule's steps as a plain backtracker.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return re.compile(pattern)
        except (re.error, Warning):
            return None


_NAMED_GROUP = re.compile(r"(?<!\\)\(\?P<(\w+)>")


def with_distinct_names(pattern: str) -> tuple[str, dict[str, tuple[str, ...]]]:
    """The pattern with each repeat of a group name renamed (`secret`, then `secret__2`), and
    every name's names in order; unchanged where no name repeats.

    `regex` lets the branches of an alternation each capture into `secret`; `re` refuses a name
    twice. Renamed, `re` reads such a rule too, and a match's secret is in whichever copy took
    part (`generic.named_key`, quoted or not: 0.15 s over 1 MB of AWS pairs with `regex`, 0.08
    with `re`)."""
    seen: dict[str, list[str]] = {}

    def rename(found: re.Match[str]) -> str:
        names = seen.setdefault(found.group(1), [])
        name = found.group(1) if not names else f"{found.group(1)}__{len(names) + 1}"
        names.append(name)
        return f"(?P<{name}>"

    renamed = _NAMED_GROUP.sub(rename, pattern)
    return renamed, {name: tuple(names) for name, names in seen.items()}
