"""Decoders: turn encoded spans into the text they hide, mapped back to where they came from.

Stage: decoders, between engine and matcher. The engine reports trigger offsets (scanner/triggers);
each decoder expands a trigger to the whole encoded token, decodes it, and returns a `Decoded`
span whose every byte knows its offset in the parent. Base64 (standard and URL-safe), hex,
percent-encoding, JSON/JS escapes, and JS string concatenation (`"sk-proj-" + "…"`) are joined
before matching. The matcher feeds decoded spans back through the engine, to a bounded depth.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from leakward.scanner import escape_skip
from leakward.scanner.concat_chains import decode_concat
from leakward.scanner.decoded import (
    MAX_DECODED,
    Builder,
    Decoded,
    LazyMap,
    OffsetMap,
    is_text,
    run_start,
)
from leakward.scanner.hex_runs import decode_hex
from leakward.scanner.short_tokens import (
    ESCAPES,
    has_long_decoded_searched,
    has_long_decoded_stretch,
    has_long_translated,
)
from leakward.scanner.triggers import ESCAPE_ENDS
from leakward.scanner.url_runs import decode_url

_B64_RUN = re.compile(rb"[A-Za-z0-9+/_\-]+=*")
_HEX_RUN = re.compile(rb"[0-9A-Fa-f]+")
_LAST_DELIMITER = re.compile(rb"(?s).*[^A-Za-z0-9+/_\-]")
_UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_PROBE = 32  # base64 characters decoded first, to reject noise before decoding a long run
# The shortest run of base64 characters decoded (the regex engine looks for literal triggers only
# in runs this long).
SHORTEST_BASE64 = 24
_MAX_LITERAL = 4096
_ESCAPE = re.compile(rb"\\(u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|[/\\\"'nrtbf])")
_SIMPLE_ESCAPES = {
    b"/": b"/",
    b"\\": b"\\",
    b'"': b'"',
    b"'": b"'",
    b"n": b"\n",
    b"r": b"\r",
    b"t": b"\t",
    b"b": b"\b",
    b"f": b"\f",
}


def _looks_like_base64_text(body: bytes) -> bool:
    """Cheap C-speed checks before decoding: encoded text mixes both cases (its trigger already
    required a digit), which long identifiers and paths do not."""
    head = body[:_PROBE]
    if len(head.translate(None, _UPPER)) == len(head) or head.upper() == head:
        return False
    probe = head[: len(head) - len(head) % 4]
    try:
        return is_text(_b64decode(probe), 0.85)
    except (binascii.Error, ValueError):
        return False


def _b64decode(body: bytes) -> bytes:
    padded = body + b"=" * (-len(body) % 4)
    if b"-" in body or b"_" in body:
        return base64.urlsafe_b64decode(padded)
    return base64.b64decode(padded, validate=True)


def decode_base64(data: bytes, anchors: list[int]) -> Iterator[Decoded]:
    last_end = -1
    for anchor in anchors:
        if anchor <= last_end:
            continue  # inside the run just decoded
        start = run_start(data, anchor, _LAST_DELIMITER)
        match = _B64_RUN.match(data, start)
        if match is None:
            continue
        last_end = match.end()
        body = match.group().rstrip(b"=")
        if (
            len(body) < SHORTEST_BASE64
            or _HEX_RUN.fullmatch(body)
            or not _looks_like_base64_text(body)
        ):
            continue
        body = body[: MAX_DECODED * 4 // 3]
        body = body[: len(body) - len(body) % 4] if len(body) % 4 == 1 else body
        try:
            decoded = _b64decode(body)
        except (binascii.Error, ValueError):
            continue
        if is_text(decoded):
            yield Decoded("base64", decoded, start, match.end())


# A backslash that starts anything but an escape `unescape` reads as the `unicode_escape` codec
# does: `\\u` beyond ASCII (the codec would give Latin-1, JSON means UTF-8), `\\/`, and the
# codec's own (`\\a`, `\\N{…}`, octal) that JSON does not have.
_NOT_FOR_CODEC = re.compile(rb"\\(?!u00[0-7][0-9A-Fa-f]|x[0-9A-Fa-f]{2}|[\\\"'nrtbf])")


def unescape(encoded: bytes, checked: tuple[int, int] = (0, 0)) -> bytes:
    """Every `_ESCAPE` escape in `encoded` replaced by what it stands for (`_escape_piece`).
    `encoded[checked[0]:checked[1]]` is known to hold only whole printable `\\u00XX` escapes
    (escape_skip read it): only the rest is counted.

    In C either way: the `unicode_escape` codec reads every other byte as Latin-1, so when
    each escape is one it reads the same way, its answer encoded as Latin-1 is the bytes.
    Otherwise a split into text and escape codes, each code looked up in a table of the
    distinct ones (a Python call per escape, `sub` with a function, was most of the cost of a
    run of them).
    """
    if all(part.count(b"\\u00") == part.count(b"\\") for part in _unchecked(encoded, checked)):
        # Every backslash opens `\\u00`: the codec reads it as JSON does when what comes out
        # is ASCII (else it is a `\\u0080`-`\\u00ff`, or a byte past ASCII, and read below). Two
        # counts in C: the search for any other backslash took a regex step per escape.
        try:
            text = encoded.decode("unicode_escape")
        except UnicodeDecodeError:
            pass  # a `\\u00` without its digits
        else:
            if text.isascii():
                return text.encode("ascii")
    if _NOT_FOR_CODEC.search(encoded) is None:
        return encoded.decode("unicode_escape").encode("latin-1")
    parts = _ESCAPE.split(encoded)
    codes = parts[1::2]
    table = {code: _escape_piece(code) for code in set(codes)}
    parts[1::2] = map(table.__getitem__, codes)
    return b"".join(parts)


def _unchecked(encoded: bytes, checked: tuple[int, int]) -> tuple[bytes, ...]:
    """`encoded` but for its `checked` stretch: counting a long run of escapes again cost
    1.6 ms per MB of `'\\u0041 '`, plain text's whole scan 1.1."""
    first, last = checked
    return (encoded[:first], encoded[last:]) if last > first else (encoded,)


def _escape_map(data: bytes, start: int, end: int) -> OffsetMap:
    built = Builder()
    index = start
    for match in _ESCAPE.finditer(data, start, end):
        built.copy(data, index, match.start())
        built.put(_escape_piece(match.group(1)), match.start())
        index = match.end()
    built.copy(data, index, end)
    return built.finish(end)[1]


# The rest of a double-quoted string, escapes included, through its closing quote.
_STRING_REST = re.compile(rb'(?s)(?:[^"\\]|\\.)*"')
# An unquoted run: escapes and anything but quotes and white space.
_RUN_REST = re.compile(rb"(?s)(?:\\.|[^\\\"'` \t\r\n])*")
_RUN_DELIMITERS = b"\"'` \t\r\n"


def _is_escaped(data: bytes, index: int, floor: int) -> bool:
    """Whether an odd run of backslashes (not before `floor`) precedes `data[index]`."""
    run = index
    while run > floor and data[run - 1] == 0x5C:
        run -= 1
    return (index - run) % 2 == 1


def _last_quote(data: bytes, start: int, end: int) -> int | None:
    """Just past the last `"` in [start, end) that no backslash escapes, if there is one.

    Searched backwards in C (`rfind`): a forward regex over the line cost each escape a scan of
    up to _MAX_LITERAL bytes, and a line of escapes paid it thousands of times.
    """
    quote = data.rfind(b'"', start, end)
    while quote >= 0 and _is_escaped(data, quote, start):
        quote = data.rfind(b'"', start, quote)
    return quote + 1 if quote >= 0 else None


def _last_delimiter(data: bytes, start: int, end: int) -> int | None:
    """Just past the last quote or white space in [start, end) not after a backslash."""
    found = -1
    for delimiter in _RUN_DELIMITERS:
        at = data.rfind(bytes([delimiter]), start, end)
        while at > 0 and data[at - 1] == 0x5C:
            at = data.rfind(bytes([delimiter]), start, at)
        found = max(found, at)
    return found + 1 if found >= 0 else None


@dataclass(slots=True)
class _UnclosedLine:
    """A string found to have no closing quote before its line's end: escapes after the first
    on that line need not search again (each search read the rest of the line)."""

    opening: int = -1
    line_end: int = -1


def _string_bounds(data: bytes, anchor: int, unclosed: _UnclosedLine) -> tuple[int, int]:
    """The escaped string around the escape that ends at `anchor`.

    Inside a double-quoted string on one line (JSON, a notebook cell) that is the whole string,
    so `os.environ[\\"KEY\\"] = \\"value\\"` decodes as one assignment; elsewhere the run of
    text up to white space or an unescaped quote.
    """
    lowest = max(0, anchor - _MAX_LITERAL)
    line_start = max(lowest, data.rfind(b"\n", lowest, anchor) + 1)
    newline = data.find(b"\n", anchor, anchor + _MAX_LITERAL)
    line_end = min(len(data), anchor + _MAX_LITERAL) if newline < 0 else newline
    opening = _last_quote(data, line_start, anchor - 1)
    if opening is not None and (opening, line_end) != (unclosed.opening, unclosed.line_end):
        closing = _STRING_REST.match(data, anchor, line_end)
        if closing is not None:
            return opening, closing.end() - 1
        if newline >= 0 or line_end == len(data):
            unclosed.opening, unclosed.line_end = opening, line_end
    start = _last_delimiter(data, lowest, anchor - 1)
    run = _RUN_REST.match(data, anchor, min(len(data), anchor + _MAX_LITERAL))
    return lowest if start is None else start, run.end() if run is not None else anchor


def _escape_piece(code: bytes) -> bytes:
    if code[:1] == b"u":
        return chr(int(code[1:], 16)).encode("utf-8", "surrogatepass")
    if code[:1] == b"x":
        return bytes((int(code[1:], 16),))
    return _SIMPLE_ESCAPES[code]


# The widest raw gap, newlines included, that still joins two escapes into one decoded span
# (`views.CONTEXT`), from the end of a run to the end of the next escape.
_JOIN = 128
# The rest of an escape run from its end so far: each next escape that ends about _JOIN bytes
# on or less, and the unquoted run after it (`_RUN_REST`). Possessive: taken escape by escape,
# nearest first, and never revisited, so one match takes in a run of any length in C (a loop
# step per escape in Python was most of the cost of a line of them).
_JOINED_REST = re.compile(
    rb"(?s)(?:.{0,%d}?%s(?:\\.|[^\\\"'` \t\r\n]){0,%d})*+"
    % (_JOIN - len(r"\u0000"), ESCAPE_ENDS.pattern, _MAX_LITERAL)
)


def _end_of(pattern: re.Pattern[bytes], data: bytes, position: int, endpos: int) -> int:
    """Where `pattern`, which may match nothing, stops matching from `position`."""
    found = pattern.match(data, position, endpos)
    return found.end() if found is not None else position


def _next_escape(data: bytes, position: int, taken: int) -> int | None:
    """The end of the first escape trigger found from `position` on that ends past `taken`."""
    escape = ESCAPE_ENDS.search(data, position)
    while escape is not None and escape.end() <= taken:
        escape = ESCAPE_ENDS.search(data, escape.end())
    return escape.end() if escape is not None else None


# Bytes before a chunk's first escape read for the backslashes that end them.
_SHORT_TAIL = 64


def _backslashes_before(data: bytes, position: int) -> int:
    """How many backslashes end `data[:position]`. Read from a short tail first: the whole
    head, stripped, was copied twice for every chunk with an escape."""
    tail = data[max(0, position - _SHORT_TAIL) : position]
    run = len(tail) - len(tail.rstrip(b"\\"))
    if run == _SHORT_TAIL:  # a long run of backslashes: measured in C all the same
        head = data[:position]
        run = len(head) - len(head.rstrip(b"\\"))
    return run


def _escape_runs(
    data: bytes,
    anchors: list[int],
    floor: int,
    bounds: Callable[[int], tuple[int, int]],
) -> Iterator[tuple[int, int, tuple[int, int]]]:
    """[start, end) of each run of escaped text whose escapes lie close together, leaving out
    escapes that end at or before `floor`, and the stretch of it the bulk skip found to hold
    only whole printable escapes (escape_skip.reached).

    The engines report the first escape only (and escaped assignments, `anchors`' others); the
    escapes are found here in C. A run starts at the first escape or anchor not yet taken, as
    far as its string goes (`bounds`), then takes in every escape and anchor within _JOIN bytes
    of its end, across lines: with one escape per line (`'\\u0041\\n' * 150000`) a run per
    line cost a span, a view and an engine call each, 4 s per MB.
    """
    position = max(0, min(anchors) - len(r"\u0000"))
    # From the start of the backslash run there: inside one, the first escape would be missed.
    position -= _backslashes_before(data, position)
    others = sorted(anchor for anchor in set(anchors) if anchor > floor)
    taken = floor
    while True:
        escape = _next_escape(data, position, taken)
        later = bisect.bisect_right(others, taken)
        other = others[later] if later < len(others) else None
        if escape is None and other is None:
            return
        anchor = min(found for found in (escape, other) if found is not None)
        start, end = bounds(anchor)
        checked = (0, 0)
        while True:
            end = max(end, anchor)
            if data.count(b"\\", end, end + _MAX_LITERAL) > escape_skip.DENSE:
                skipped, read = escape_skip.reached(data, end)
                if read - end > checked[1] - checked[0]:
                    checked = (end, read)
                end = skipped
            # Each next escape opens with a backslash within _JOIN bytes: without one there, a
            # memchr tells what the regex told after trying the escape at each of those bytes.
            if data.find(b"\\", end, end + _JOIN) >= 0:
                end = _end_of(_JOINED_REST, data, end, len(data))
            later = bisect.bisect_right(others, end)
            if later == len(others) or others[later] - end >= _JOIN:
                break
            anchor = others[later]
            end = _end_of(_RUN_REST, data, anchor, min(len(data), anchor + _MAX_LITERAL))
        yield start, end, checked
        position = taken = end


# Bytes a long stretch is first looked for in, before `has_long_decoded_stretch` reads a range.
_QUICK = 256


def _has_long_stretch(data: bytes, start: int, end: int) -> bool:
    """short_tokens.has_long_decoded_stretch of JSON escapes, with its first _QUICK bytes looked
    at first: ordinary text has a long stretch at once, and the whole test cost a copy of the
    range (the rest of the chunk, for the first run) and a Hyperscan pass with its own scratch,
    2.4-3.5 us a call where this is 0.3. Both checks of the quick window must say long, as the
    whole test's two do; an escape its end cuts is left out (read as one that starts no escape,
    it would make every run of escaped words long)."""
    low = max(0, start - ESCAPES.reach)
    quick = data[low : min(end + ESCAPES.reach, low + _QUICK)]
    cut = quick.rfind(b"\\", len(quick) - ESCAPES.width + 1)
    quick = quick[:cut] if cut >= 0 else quick
    return (
        has_long_translated(quick) and has_long_decoded_searched(quick, ESCAPES)
    ) or has_long_decoded_stretch(data, start, end, ESCAPES)


def decode_escapes(
    data: bytes, anchors: list[int], floor: int = 0, *, is_short_decoded: bool = True
) -> Iterator[Decoded]:
    """One span per run of escaped text (`_escape_runs`); unless `is_short_decoded`, a run of
    short stretches is left out undecoded (short_tokens: no secret can come of it)."""
    if not anchors:
        return
    # A run starts at most _MAX_LITERAL bytes before its first escape (`_string_bounds`).
    if not is_short_decoded and not _has_long_stretch(
        data, max(0, min(anchors) - _MAX_LITERAL), len(data)
    ):
        return  # every run from here on is short: finding them cost more than the scan
    unclosed = _UnclosedLine()

    def bounds(anchor: int) -> tuple[int, int]:
        return _string_bounds(data, anchor, unclosed)

    for start, end, (first, last) in _escape_runs(data, anchors, floor, bounds):
        if not is_short_decoded and not _has_long_stretch(data, start, end):
            continue
        yield Decoded(
            "escape",
            unescape(data[start:end], (first - start, last - start)),
            start,
            end,
            LazyMap(partial(_escape_map, data, start, end)),
        )


DECODERS: dict[str, Callable[[bytes, list[int]], Iterator[Decoded]]] = {
    "base64": decode_base64,
}
# Kinds whose decoder finds every encoded token itself from the first trigger (the engines
# report only that one; triggers.FIRST_ONLY), and is told where a view's raw context ends.
SEARCHING_DECODERS: dict[str, Callable[[bytes, list[int], int], Iterator[Decoded]]] = {
    "hex": decode_hex,
    # Runs of short stretches are not decoded here: no secret can come of them (short_tokens).
    "url": partial(decode_url, is_short_decoded=False),
    "escape": partial(decode_escapes, is_short_decoded=False),
    "concat": decode_concat,
}


def decode_all(data: bytes, triggers: dict[str, list[int]], floor: int = 0) -> Iterator[Decoded]:
    """Every decoded span the triggers lead to, leaving out encoded text that ends at or before
    `floor`: a view's raw context, which its parent decoded already (decoding it again from
    every view that shows it multiplied the work)."""
    for kind, offsets in triggers.items():
        if kind in SEARCHING_DECODERS:
            yield from SEARCHING_DECODERS[kind](data, offsets, floor)
            continue
        past = [offset for offset in offsets if offset > floor] if floor else offsets
        if past:
            yield from DECODERS[kind](data, past)
