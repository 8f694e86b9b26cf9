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
# A quote, a link and a quote: where a chain may be (the engines' concatenation trigger).
_LINK_AT = re.compile(rb"[\"'`]%s[\"'`]" % _LINK)
# The same from its `+` on, the quote before it looked behind for (`regex` allows that at any
# width): `regex` then skips to each `+` in C, eight times faster than `re` tries each quote.
_PLUS_OF_LINK = regex.compile(rb"(?<=[\"'`][ \t\r\n]{0,8})\+[ \t\r\n]{0,8}[\"'`]")
# How far a chain reaches past the start of one of its links: a link and a literal.
_REACH = _MAX_LITERAL + 32


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
_TEXTS = regex.compile(rb"(?s)(?|%s)" % b"|".join(_literal(q, b"(%s)") for q in (b'"', b"'", b"`")))

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


def _chains(data: bytes, start: int) -> Iterator[tuple[int, int]]:
    """[start, end) of each chain from `start` on, read only on the lines that hold a link.

    A regex tried from every quote of a file reads on to the next quote each time, six times
    the file in all (0.05 s per MB of Python source, fifty times plain text), so the links (a
    quote, `+`, a quote) are found in C first. A chain is read from the start of its first
    link's line (a template literal that opens on an earlier line is not) to the end of the
    line its link reaches, or a literal further when a backtick on it is left open; a chain
    that goes on past that is read again whole.
    """
    position = start
    while (link := _PLUS_OF_LINK.search(data, position)) is not None:
        # The link's first quote is at most nine bytes before its `+`.
        head = max(position, link.start() - 9)
        lowest = max(position, head - _MAX_LITERAL)
        begin = max(lowest, data.rfind(b"\n", lowest, head) + 1)
        end = data.find(b"\n", link.end())
        end = len(data) if end < 0 else end
        if data.count(b"`", begin, end) % 2:  # a template literal that goes on
            end = min(len(data), end + _MAX_LITERAL)
        position = end
        for chain in _CHAIN.finditer(data, begin, end):
            span = chain.span()
            if span[1] > end - _REACH and _LINK_AT.match(data, span[1] - 1):
                whole = _CHAIN.match(data, span[0])
                span = whole.span() if whole is not None else span
                position = span[1]
                yield span
                break
            yield span


def decode_concat(data: bytes, anchors: list[int], floor: int = 0) -> Iterator[Decoded]:
    """One span per group of chains that lie within JOIN bytes of each other, from the first of
    `anchors` on, leaving out chains that end at or before `floor`."""
    if not anchors:
        return
    lowest = max(0, min(anchors) - 2 * _MAX_LITERAL)
    newline = data.find(b"\n", lowest, min(anchors))
    start = newline + 1 if lowest and newline >= 0 else lowest
    group: list[tuple[int, int]] = []
    for span in _chains(data, start):
        if span[1] <= floor:
            continue
        if group and span[0] - group[-1][1] >= JOIN:
            yield _span(data, group)
            group = []
        group.append(span)
    if group:
        yield _span(data, group)
