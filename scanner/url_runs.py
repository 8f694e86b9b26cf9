"""The percent-encoding decoder: each run of nearby `%XX` tokens, found and decoded in C.

Stage: decoders. The engines report only where the first `%XX` of a chunk ends (Hyperscan
compiles that trigger single-match): a Python call per escape was most of the cost of a line of
them (`'%41 ' * 262144` took 0.49 s per MB, plain text 0.001 s). From that first escape, one
regex finds the next run's start, one regex match takes in the whole run, and a split and a
join in C decode it, so a run costs a few C calls whatever its length. A run goes on across
lines: with one escape per line (`'%41\n' * 262144`) a run per line cost a span, a view and an
engine call each, 5 s per MB.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Iterator
from functools import partial

from leakward.scanner.decoded import Builder, Decoded, LazyMap, OffsetMap
from leakward.scanner.first_ends import first_ends
from leakward.scanner.short_tokens import has_long_decoded_stretch

_MAX_LITERAL = 4096
_PERCENT = re.compile(rb"%([0-9A-Fa-f]{2})")
_DELIMITERS = rb" \t\r\n\"'`<>()\[\]{},;|"
# A token of text that may hold percent escapes, and the text before one (through its last
# delimiter).
_TOKEN_REST = re.compile(rb"[^" + _DELIMITERS + rb"]*")
_TOKEN_BEFORE = re.compile(rb"(?s).*[" + _DELIMITERS + rb"]")
# The widest raw gap, newlines included, that still joins two encoded tokens into one decoded
# span (`views.CONTEXT`), measured from the end of one token to the end of the next escape.
JOIN = 128
# The rest of a run from the end of one of its tokens: each next escape whose end lies less than
# JOIN bytes on, and the token that escape is in (at most _MAX_LITERAL bytes from the escape's
# end). Possessive: a run is taken escape by escape, nearest first, and never revisited, so the
# regex keeps no backtracking state per escape.
_RUN_REST = re.compile(
    rb"(?:[\s\S]{0,%d}?%%[0-9A-Fa-f]{2}[^%s]{0,%d})*+" % (JOIN - 4, _DELIMITERS, _MAX_LITERAL)
)
# Each `%` as quoted-printable's `=`, for `unquote`.
_QUOTED_PRINTABLE = bytes.maketrans(b"%", b"=")
# A `%` that starts no escape: `unquote` keeps it as it is.
_LONE_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")


def _run_start(data: bytes, percent: int) -> tuple[int, int]:
    """The token around the escape at `percent`: up to white space, quotes or brackets, at most
    _MAX_LITERAL bytes either side."""
    lowest = max(0, percent - _MAX_LITERAL)
    before = _TOKEN_BEFORE.match(data, lowest, percent)
    rest = _TOKEN_REST.match(data, percent, percent + _MAX_LITERAL)
    return before.end() if before else lowest, rest.end() if rest else percent


# Past how many `%` in the first _MAX_LITERAL bytes after a token a run is taken as long: its
# escapes are then skipped over in bulk (`_reached`) before the regex reads the rest.
_DENSE = 64
# Bytes -> `%`, `h` for a hex digit, `.` for the rest; then `E` for each escape's `%`, `.` else.
_CLASSES = bytes(
    ord("%") if byte == ord("%") else ord("h") if byte in b"0123456789ABCDEFabcdef" else ord(".")
    for byte in range(256)
)
_STARTS = bytes(ord("E") if b == ord("E") else ord(".") for b in range(256))
_PERCENTS = bytes(ord("E") if b == ord("%") else ord(".") for b in range(256))
# JOIN - 3 bytes without an escape's `%`: where two escapes lie so far apart that the gap from
# a token's end to the next escape's end may exceed JOIN; closer, a run cannot end between them.
_FAR_APART = b"." * (JOIN - 3)
_DELIMITER_SET = frozenset(b" \t\r\n\"'`<>()[]{},;|")
# The same gap for Hyperscan, in the bytes as they are.
_GAP = rb"[^%%]{%d}" % len(_FAR_APART)
# A `%` before a line break: quoted-printable's soft line break once `%` is `=`.
_SOFT_BREAK = rb"%[\r\n]"


def _checked_starts(raw: bytes) -> bytes:
    """`raw` with `E` for each `%` that starts an escape and `.` for every other byte."""
    window = raw.translate(_CLASSES)
    if window.count(b"%hh") == raw.count(b"%"):
        return raw.translate(_PERCENTS)  # every `%` starts an escape: no replace needed
    return window.replace(b"%hh", b"E..").translate(_STARTS)


def _has_far_gap(starts: bytes, mark: bytes, last: int) -> bool:
    """Whether JOIN - 3 bytes without a `mark` lie in `starts` before `last`.

    `rfind`, not `find`, for the marked form: for a long needle `find` reads every byte (0.9 ms
    per MB of `'%41 '`), `rfind` skips a needle's length past each `E` (0.02). The `%`s as they
    are go to Hyperscan where it is installed: marking them first cost a translation (0.6)."""
    if mark == b"%":
        scan = first_ends((_GAP,))
        if scan is not None:
            gap = scan(starts)[0]
            return gap is not None and gap <= last
        starts = starts.translate(_PERCENTS)
    return starts.rfind(_FAR_APART, 0, last) >= 0


def _reached(data: bytes, end: int, *, is_checked: bool = True) -> int:
    """A token end `_RUN_REST` reaches from the token end `end`, found in C: `end` itself, or
    the end of the token of a later escape that follows a delimiter, with no two escapes on the
    way more than JOIN - 3 bytes apart.

    The regex takes every escape in turn (a few steps each: 11 ms per MB of `'%41 '`, plain
    text 1 ms); this reads the same bytes with a few C passes instead. Such an escape is one the
    regex takes as an escape (a token never crosses a delimiter, a gap stops at the first
    escape), and its token ends where the regex ends it, so the regex goes on from there.
    Unless `is_checked`, every `%` is taken for an escape's: the caller then checks that each
    one in the run it ends is (see `decode_url`)."""
    reach = _MAX_LITERAL
    while end < len(data):
        raw = data[end : end + reach]
        # Where each escape's `%` is: marked `E` when some `%` may start none, else the `%`s.
        starts, mark = (_checked_starts(raw), b"E") if is_checked else (raw, b"%")
        last = starts.rfind(mark)
        if last < 1 or _has_far_gap(starts, mark, last):
            return end
        for _ in range(_DENSE):  # the last escape that follows a delimiter
            if data[end + last - 1] in _DELIMITER_SET:
                break
            last = starts.rfind(mark, 0, last)
            if last < 1:
                return end
        else:
            return end
        token = _TOKEN_REST.match(data, end + last + 3, end + last + 3 + _MAX_LITERAL)
        end = token.end() if token is not None else end + last + 3
        reach *= 8
    return end


def url_runs(
    data: bytes, first: int, floor: int = 0, *, is_checked: bool = True
) -> Iterator[tuple[int, int]]:
    """[start, end) of each run of percent-encoded tokens close together, from the
    escape that ends at `first` on, leaving out escapes that end at or before `floor` (unless
    `is_checked`, found as if every `%` started an escape: see `_reached`)."""
    # An escape ends past `floor` when its `%` is at most two bytes before it.
    escape = _PERCENT.search(data, max(first - 3, floor - 2, 0))
    while escape is not None:
        start, end = _run_start(data, escape.start())
        if data.count(b"%", end, end + _MAX_LITERAL) > _DENSE:
            end = _reached(data, end, is_checked=is_checked)
        run = _RUN_REST.match(data, end)
        end = run.end() if run is not None else end
        yield start, end
        escape = _PERCENT.search(data, end)


def unquote(encoded: bytes) -> bytes:
    """`encoded` with each `%XX` replaced by its byte and anything else kept as it is, as
    `urllib.parse.unquote_to_bytes` does it (which loops over the escapes in Python)."""
    decoded = _quoted_printable(encoded)
    return decoded if decoded is not None else _escaped_unquote(encoded)


def _quoted_printable(encoded: bytes) -> bytes | None:
    """`unquote(encoded)` when every `%` in it starts an escape, else None.

    In C: quoted-printable is percent-encoding with `=` for `%`, so with each `=` written as
    `=3D` and each `%` as `=`, `binascii.a2b_qp` decodes it (0.8 ms per MB of `'%41 '`; the
    `unicode_escape` codec, fed `\\xXX` made by a replace, took 4.7). That reading differs only
    where a `%` starts no escape: `a2b_qp` writes the `=` out, or drops it at the end or with a
    line break after it. With no `=` in `encoded`, an `=` in what comes out tells the first;
    else a length off from two bytes per `%` tells (a count: 0.35 ms per MB).
    """
    quoted = encoded.replace(b"=", b"=3D").translate(_QUOTED_PRINTABLE)
    decoded = binascii.a2b_qp(quoted)
    if b"=" in encoded or b"=" in decoded:
        if len(decoded) != len(encoded) - 2 * encoded.count(b"%"):
            return None
    elif encoded.endswith(b"%"):
        return None
    return None if _has_soft_break(encoded) else decoded


def _has_soft_break(encoded: bytes) -> bool:
    """Whether a line break follows a `%` (`a2b_qp` drops both).

    A line break is looked for alone first, at memchr's speed; `%\\n` then by Hyperscan where
    it is installed (0.08 ms per MB of `'%41\\n'`), else by `rfind` (0.4; `in` and `find`
    1.0)."""
    ends = [end for end in (b"\n", b"\r") if end in encoded]
    if not ends:
        return False
    scan = first_ends((_SOFT_BREAK,))
    if scan is not None:
        return scan(encoded)[0] is not None
    return any(encoded.rfind(b"%" + end) >= 0 for end in ends)


def _escaped_unquote(encoded: bytes) -> bytes:
    """`unquote` through the `unicode_escape` codec, which reads every other byte as Latin-1:
    each `%XX` becomes `\\xXX`, a backslash is doubled first so the codec sees no other
    escape, and a lone `%` (which makes the codec fail) is written as `%25`."""
    try:
        return _unicode_escaped(encoded).decode("unicode_escape").encode("latin-1")
    except UnicodeDecodeError:
        escaped = _unicode_escaped(_LONE_PERCENT.sub(b"%25", encoded))
        return escaped.decode("unicode_escape").encode("latin-1")


def _unicode_escaped(encoded: bytes) -> bytes:
    return encoded.replace(b"\\", b"\\\\").replace(b"%", b"\\x")


def _offset_map(data: bytes, start: int, end: int) -> OffsetMap:
    built = Builder()
    index = start
    for match in _PERCENT.finditer(data, start, end):
        built.copy(data, index, match.start())
        built.put(bytes((int(match.group(1), 16),)), match.start())
        index = match.end()
    built.copy(data, index, end)
    return built.finish(end)[1]


def decode_url(
    data: bytes, anchors: list[int], floor: int = 0, *, is_short_decoded: bool = True
) -> Iterator[Decoded]:
    """One span per run (see `url_runs`) from the first of `anchors`: the engines report the
    first escape, and the decoder finds the rest itself. Unless `is_short_decoded`, a run of
    short stretches is left out undecoded (short_tokens: no secret can come of it).

    The runs are found first as if every `%` started an escape: checking that in bulk was a
    fifth of the cost of a line of escapes, and decoding checks it anyway. Only when a run
    holds a `%` that starts none are the runs found again, checking."""
    if not anchors:
        return
    # A run starts at most _MAX_LITERAL bytes before its first escape (`_run_start`).
    if not is_short_decoded and not has_long_decoded_stretch(
        data, max(0, anchors[0] - _MAX_LITERAL), len(data)
    ):
        return  # every run from here on is short: finding them cost more than the scan
    found = _decoded(data, anchors[0], floor, is_short_decoded, is_checked=False)
    if found is None:
        found = _decoded(data, anchors[0], floor, is_short_decoded) or []
    yield from found


def _decoded(
    data: bytes, first: int, floor: int, is_short_decoded: bool, *, is_checked: bool = True
) -> list[Decoded] | None:
    """The spans of `url_runs`; None, unless `is_checked`, when a run holds a lone `%`."""
    found: list[Decoded] = []
    for start, end in url_runs(data, first, floor, is_checked=is_checked):
        if not is_short_decoded and not has_long_decoded_stretch(data, start, end):
            continue
        encoded = data[start:end]
        decoded = _quoted_printable(encoded)
        if decoded is None:
            if not is_checked:
                return None
            decoded = _escaped_unquote(encoded)
        found.append(
            Decoded("url", decoded, start, end, LazyMap(partial(_offset_map, data, start, end)))
        )
    return found
