"""A Hyperscan expression whose match opens with a choice, split into one expression per branch.

Stage: engine setup. `(?i:twitter…(?:key|token|secret)|x…access…token)REST` shares its last
literal, `token`, between branches: Hyperscan then keys the whole pattern on that literal and
checks the prefix before it at each hit. `'TOKEN=' * N` hits it every six bytes (2.9 ms per MB
for that one rule; each branch alone, keyed on `twitter` or `access`, 0.06). Split, each branch
is keyed on a literal of its own. The branches end at exactly the ends the whole pattern does, so
the engine, which needs only where matches end, reports the same hits under the same rule id.

A repeat that may match nothing (`[A-Za-z0-9_.-]{0,30}?`) and opens the match is dropped for
the same reason: every match ends where a match without it ends.
"""

from __future__ import annotations

import re

from leakward.scanner.engines.translate import class_end, group_end

# Most expressions one pattern becomes: each is compiled into the database.
MOST = 16
_FLAGS = re.compile(r"(?:\(\?[a-zA-Z]+\))*")
# A group's opening: plain, capturing, or with scoped flags (`(?i:`).
_OPENING = re.compile(r"\((?:\?[a-zA-Z]*:)?")
# A quantifier that lets its atom match nothing, lazy or not.
_NULLABLE = re.compile(r"(?:\{0(?:,\d*)?\}|[*?])\??")


def _branches(body: str) -> list[str]:
    """`body` cut at each `|` outside groups and classes."""
    found: list[str] = []
    depth = 0
    start = index = 0
    while index < len(body):
        char = body[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = class_end(body, index)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            found.append(body[start:index])
            start = index + 1
        index += 1
    found.append(body[start:])
    return found


def _atom_end(text: str, start: int) -> int | None:
    """Index just past the class, escape or plain character at `start`; None for a group."""
    if start >= len(text) or text[start] in "()|":
        return None
    if text[start] == "[":
        return class_end(text, start)
    if text[start] == "\\":
        return start + 2
    return None if text[start] in "^$.*+?{" else start + 1


def _without_nullable_opening(text: str, start: int) -> str:
    """`text` without the atom-and-repeat that may match nothing at `start`, if one is there."""
    end = _atom_end(text, start)
    repeat = _NULLABLE.match(text, end) if end is not None else None
    if repeat is None or not text[repeat.end() :].strip(")"):
        return text  # none there, or nothing would be left to match
    return text[:start] + text[repeat.end() :]


def split_expression(expression: str) -> list[str]:
    """Expressions whose matches end where `expression`'s do, one per branch of the first choice
    that opens it (inside groups that only wrap it), at most MOST of them; the expression alone
    when it opens with no choice or would split into more.

    Only the first choice: splitting the branches' own (`(?:auth|access|…)[_.-]?token`) made
    more expressions keyed on the same literal, and cost more than it saved."""
    if "(?x" in expression or "\\Q" in expression:
        return [expression]  # spacing and quoting: the text is not read as written
    found = _split(expression, _FLAGS.match(expression).end())  # type: ignore[union-attr]
    return found if len(found) <= MOST else [expression]


def _split(expression: str, at: int) -> list[str]:
    """`expression` split at the first choice that opens its match at `at`."""
    expression = _without_nullable_opening(expression, at)
    opening = _OPENING.match(expression, at)
    if opening is None:
        return [expression]
    try:
        end = group_end(expression, at)
    except ValueError:
        return [expression]
    if expression[end : end + 1] in ("*", "+", "?", "{"):
        return [expression]  # a repeated group: its branches may follow one another
    branches = _branches(expression[opening.end() : end - 1])
    if len(branches) == 1:
        return _split(expression, opening.end())
    head, rest = expression[: opening.end()], expression[end - 1 :]
    return [_without_nullable_opening(head + branch + rest, len(head)) for branch in branches]
