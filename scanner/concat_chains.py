"""The concatenation decoder: chains of string literals joined by `+`, found and joined in C.

Stage: decoders. `"sk-proj-" + '…'` hides a token from every rule; each chain is joined into one
quoted string. The engines report only the first link of a chunk (triggers.FIRST_ONLY): a call
into Python per link, and a walk over each chain's bytes in Python, cost `'+"' * 350000` 2.4 s
per MB (plain text 0.001 s). From that link one regex finds each chain whole, reading literals
left to right, and chains that lie close together are decoded as one span, as the matcher's
view would join them anyway.
A line is read only where a link joins text that could be part of a secret (see
`_has_joinable_link`): `'+"` repeated is all links, and joining it cost 0.2 s per MB.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial

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
# Bytes as `_has_joinable_link` reads them, after a link's white space is deleted: a quote is
# `q`, a `+` stays itself, and any other byte, what a secret is made of, is `x`.
_LINK_SPACE = b" \t\r\n"
_CLASSES = bytes(
    ord("q") if byte in b"\"'`" else ord("+") if byte == ord("+") else ord("x")
    for byte in range(256)
)
# Bytes that are never `x` there: a line of nothing else joins nothing.
_NOT_JOINED = b"\"'`+" + _LINK_SPACE
# A link with a plain byte on one side at least: `x"+"` or `"+"x` after `_CLASSES`.
_JOINABLE = (b"xq+q", b"q+qx")


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
# Chains that follow each other with nothing between (`'a'+'b''c'+'d'`): found whole by one
# match, they are read and joined by a C call or two, not a Python step each.
_CHAINS = re.compile(rb"(?s)(?:%s)++" % _CHAIN.pattern[4:])


def _joining(quote: bytes) -> bytes:
    """A literal of a run of chains, as `_JOINER` reads it: its opening quote as group 1 unless
    a link comes before it, its text as group 2, its closing quote as group 3 unless a link
    follows it (then the link is taken in, and dropped)."""
    newline = b"" if quote == b"`" else rb"\n"
    text = rb"(?:[^%s\\%s]|\\.){0,%d}" % (quote, newline, _MAX_LITERAL - 2)
    return rb"(?:(?<=\+[ \t\r\n]{0,8})%s|(%s))(%s)(?:%s%s(?=[\"'`])|(%s))" % (
        quote,
        quote,
        text,
        quote,
        _LINK,
        quote,
    )


# Each chain of a run joined by one substitution in C: its literals' texts between its first
# opening quote and its last closing quote (`regex`: a branch reset numbers the groups of each
# quote alike, and a group that took no part is empty in the template).
_JOINER = regex.compile(rb"(?s)(?|%s)" % b"|".join(_joining(q) for q in (b'"', b"'", b"`")))
_JOINED = rb"\1\2\3"


def literal_end(data: bytes, open_: int) -> int | None:
    """Index of the closing quote of the literal opening at `open_`, if it has one."""
    found = LITERAL.match(data, open_)
    return found.end() - 1 if found is not None else None


def _joined(data: bytes, runs: list[tuple[int, int]]) -> bytes:
    """The span from the first run of chains to the last, each chain one quoted string: its
    opening quote, its literals' texts, its closing quote."""
    pieces: list[bytes] = []
    raw_from = runs[0][0]
    for start, end in runs:
        # A copy of the run: the joiner's look-behind must not see a link before it.
        pieces += (data[raw_from:start], _JOINER.sub(_JOINED, data[start:end]))
        raw_from = end
    return b"".join(pieces)


def _offset_map(data: bytes, runs: list[tuple[int, int]]) -> OffsetMap:
    built = Builder()
    raw_from = runs[0][0]
    for start, end in runs:
        built.copy(data, raw_from, start)
        for literal in _JOINER.finditer(data[start:end]):
            for group in (1, 2, 3):
                first, last = literal.span(group)
                if first >= 0:
                    built.copy(data, start + first, start + last)
        raw_from = end
    return built.finish(raw_from)[1]


def _span(data: bytes, runs: list[tuple[int, int]]) -> Decoded:
    return Decoded(
        "concat",
        _joined(data, runs),
        runs[0][0],
        runs[-1][1],
        LazyMap(partial(_offset_map, data, runs)),
    )


def _has_joinable_link(data: bytes, start: int, end: int) -> bool:
    """Whether [start, end) may hold a link that joins a byte other than a quote, `+` or white
    space to the text across it: only there can joining make a secret that the raw text does
    not show. `'+"` repeated is nothing but links between quotes; joined, it gave 1.1 MB of
    quotes and `+` per MB to rescan, and the joining, a regex step per literal, cost 0.2 s per
    MB (plain text: 0.002 s).

    Read in C: the bytes mapped to classes with the link's white space deleted, then searched
    for either shape. It may say yes where no literal ends (a quote inside a string): the lines
    are then read as before; it never says no where such a link is."""
    text = data[start:end]
    # Deleting first: text of quotes, `+` and white space alone (the hostile line) has no `x`
    # at all, and a deletion tells so in 0.27 ms per MB where mapping every byte to its class
    # took 0.44 (plain text's whole scan 0.33).
    if not text.translate(None, _NOT_JOINED):
        return False
    classes = text.translate(_CLASSES, _LINK_SPACE)
    return any(shape in classes for shape in _JOINABLE)


def _runs(data: bytes, start: int) -> Iterator[tuple[int, int]]:
    """[start, end) of each run of chains (see `_CHAINS`) from `start` on, read only on the
    lines that hold a link.

    A regex tried from every quote of a file reads on to the next quote each time, six times
    the file in all (0.05 s per MB of Python source, fifty times plain text), so the links (a
    quote, `+`, a quote) are found in C first. A run is read from the start of its first
    link's line (a template literal that opens on an earlier line is not) to the end of the
    line its link reaches, or a literal further when a backtick on it is left open; a run that
    goes on past that is read again whole. Lines whose links join only quotes, `+` and white
    space are passed over (`_has_joinable_link`).
    """
    position = start
    while (link := _PLUS_OF_LINK.search(data, position)) is not None:
        # The link's first quote is at most nine bytes before its `+`.
        head = max(position, link.start() - 9)
        lowest = max(position, head - _MAX_LITERAL)
        begin = max(lowest, data.rfind(b"\n", lowest, head) + 1)
        end = data.find(b"\n", link.end())
        end = len(data) if end < 0 else end
        # A template literal that goes on. Looked for before the backticks are counted: a
        # memchr, where the count read a long line of links at 0.27 ms per MB.
        if data.find(b"`", begin, end) >= 0 and data.count(b"`", begin, end) % 2:
            end = min(len(data), end + _MAX_LITERAL)
        position = end
        if not _has_joinable_link(data, max(0, begin - 1), end):
            continue
        for run in _CHAINS.finditer(data, begin, end):
            span = run.span()
            if span[1] > end - _REACH and _LINK_AT.match(data, span[1] - 1):
                whole = _CHAINS.match(data, span[0])
                span = whole.span() if whole is not None else span
                position = span[1]
                yield span
                break
            yield span


def _past(data: bytes, run: tuple[int, int], floor: int) -> tuple[int, int]:
    """The part of a run made of the chains that end past `floor`."""
    for chain in _CHAIN.finditer(data, run[0], run[1]):
        if chain.end() > floor:
            return chain.start(), run[1]
    return run[1], run[1]


def decode_concat(data: bytes, anchors: list[int], floor: int = 0) -> Iterator[Decoded]:
    """One span per group of runs of chains that lie within JOIN bytes of each other, from the
    first of `anchors` on, leaving out chains that end at or before `floor`."""
    if not anchors:
        return
    lowest = max(0, min(anchors) - 2 * _MAX_LITERAL)
    newline = data.find(b"\n", lowest, min(anchors))
    start = newline + 1 if lowest and newline >= 0 else lowest
    group: list[tuple[int, int]] = []
    for run in _runs(data, start):
        if run[0] < floor:
            run = _past(data, run, floor)
        if run[0] == run[1]:
            continue
        if group and run[0] - group[-1][1] >= JOIN:
            yield _span(data, group)
            group = []
        group.append(run)
    if group:
        yield _span(data, group)
