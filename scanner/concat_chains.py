"""The concatenation decoder: chains of string literals joined by `+`, found and joined in C.

Stage: decoders. `"sk-proj-" + '…'` hides a token from every rule; each chain is joined into one
quoted string. The engines report only the first link of a chunk (triggers.FIRST_ONLY): a call
into Python per link, and a walk over each chain's bytes in Python, cost `'+"' * 350000` 2.4 s
per MB (plain text 0.001 s). From that link one regex finds each chain whole, reading literals
left to right, and chains that lie close together are decoded as one span, as the matcher's
view would join them anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from operator import itemgetter

import regex

from leakward.scanner.decoded import Builder, Decoded, LazyMap, OffsetMap

_MAX_LITERAL = 4096
# The widest raw gap, newlines included, between two chains decoded as one span
# (`views.CONTEXT`).
JOIN = 128
_LINK = rb"[ \t\r\n]{0,8}\+[ \t\r\n]{0,8}"


def _literal(quote: bytes, body: bytes = b"") -> bytes:
    """A string literal of at most _MAX_LITERAL bytes: escapes take the next byte, and only a
    template literal spans lines. `body` wraps its text (a group to capture it)."""
    newline = b"" if quote == b"`" else rb"\n"
    text = rb"(?:[^%s\\%s]|\\.){0,%d}" % (quote, newline, _MAX_LITERAL - 2)
    return quote + (body % text if body else text) + quote


_LITERAL = b"|".join(_literal(quote) for quote in (b'"', b"'", b"`"))
LITERAL = re.compile(rb"(?s)" + _LITERAL)
# A literal, then one or more links to the next: a regex tries it from each quote in C.
_CHAIN = re.compile(rb"(?s)(?:%s)(?:%s(?:%s))+" % (_LITERAL, _LINK, _LITERAL))
# Each literal's text as group 1 whatever its quote (`regex` branch reset), so `findall` gives
# a chain's texts in one C call (as 1-tuples: `regex` makes a tuple per branch-reset match).
_TEXTS = regex.compile(
    rb"(?s)(?|%s)" % b"|".join(_literal(q, b"(%s)") for q in (b'"', b"'", b"`"))
)

_FIRST = itemgetter(0)


def literal_end(data: bytes, open_: int) -> int | None:
    """Index of the closing quote of the literal opening at `open_`, if it has one."""
    found = LITERAL.match(data, open_)
    return found.end() - 1 if found is not None else None


def _joined(data: bytes, chains: list[tuple[int, int]]) -> bytes:
    """The span from the first chain to the last, each chain one quoted string: its opening
    quote, its literals' texts, its closing quote."""
    pieces: list[bytes] = []
    raw_from = chains[0][0]
    for start, end in chains:
        pieces += (data[raw_from:start], data[start : start + 1])
        pieces += map(_FIRST, _TEXTS.findall(data, start, end))
        pieces.append(data[end - 1 : end])
        raw_from = end
    return b"".join(pieces)


def _offset_map(data: bytes, chains: list[tuple[int, int]]) -> OffsetMap:
    built = Builder()
    raw_from = chains[0][0]
    for start, end in chains:
        built.copy(data, raw_from, start + 1)
        for literal in LITERAL.finditer(data, start, end):
            built.copy(data, literal.start() + 1, literal.end() - 1)
        built.copy(data, end - 1, end)
        raw_from = end
    return built.finish(raw_from)[1]


def _span(data: bytes, chains: list[tuple[int, int]]) -> Decoded:
    return Decoded(
        "concat",
        _joined(data, chains),
        chains[0][0],
        chains[-1][1],
        LazyMap(partial(_offset_map, data, chains)),
    )


def decode_concat(data: bytes, anchors: list[int], floor: int = 0) -> Iterator[Decoded]:
    """One span per group of chains that lie within JOIN bytes of each other, from the chain of
    the first of `anchors` on, leaving out chains that end at or before `floor`.

    The search starts at a line start up to two literals before the first link, so a chain
    whose head sits on an earlier line (`"a" +\\n "b"`) is read from its head."""
    if not anchors:
        return
    lowest = max(0, min(anchors) - 2 * _MAX_LITERAL)
    newline = data.find(b"\n", lowest, min(anchors))
    start = newline + 1 if lowest and newline >= 0 else lowest
    group: list[tuple[int, int]] = []
    for chain in _CHAIN.finditer(data, start):
        span = chain.span()
        if span[1] <= floor:
            continue
        if group and span[0] - group[-1][1] >= JOIN:
            yield _span(data, group)
            group = []
        group.append(span)
    if group:
        yield _span(data, group)
