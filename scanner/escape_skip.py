"""Long runs of JSON `\\u00XX` escapes skipped over in C before the run regex reads their tail.

Stage: decoders. `decoders._JOINED_REST` takes a run's escapes one at a time, a few regex steps
each: `'\\u0041 ' * 150000` cost 14 ms per MB there, plain text 1 ms. When every backslash in
a stretch starts a printable `\\u00XX` escape (no other escape, no backslash after another),
a few counts, a translate and a find show in C how far the run certainly goes; the regex then
goes on from the token of the last escape that follows a delimiter. Anything else in the
stretch leaves the regex to read it all, as before.
"""

from __future__ import annotations

import re

from leakward.scanner.first_ends import first_ends

# Escapes in _MAX_LITERAL bytes past which a run is taken as long.
DENSE = 64
_MAX_LITERAL = 4096
# Two escapes more than this far apart (first backslash to first backslash) may end a run: the
# regex allows 122 bytes from a token's end to the next escape (`decoders._JOIN` less six).
_FAR_APART = b"." * 123
# The token after an escape, as `decoders._JOINED_REST` reads it.
_TOKEN = re.compile(rb"(?s)(?:\\.|[^\\\"'` \t\r\n]){0,%d}" % _MAX_LITERAL)
_DELIMITERS = frozenset(b"\"'` \t\r\n")
# Text whose every backslash opens a whole printable `\\u00XX` escape (what _OTHER_ESCAPE
# finds the first exception to).
_PRINTABLE_ONLY = re.compile(rb"(?:[^\\]|\\u00[2-7][0-9A-Fa-f])*")
# Bytes no printable `\\u00XX` escape stands for.
_NOT_PRINTABLE = bytes(range(0x20)) + bytes(range(0x80, 0x100))
_BACKSLASHES = bytes(ord("E") if byte == ord("\\") else ord(".") for byte in range(256))
# The same two checks for Hyperscan: 123 bytes without a backslash, and a backslash that opens
# anything but a printable `\\u00XX` escape.
_GAP = rb"[^\\]{%d}" % len(_FAR_APART)
_OTHER_ESCAPE = rb"\\(?:[^u]|u[^0]|u0[^0]|u00[^2-7]|u00[2-7][^0-9A-Fa-f])"


def _all_printable_escapes(window: bytes) -> bool:
    backslashes = window.count(b"\\")
    # Every backslash then opens a `\u00`, so none follows another: no count of `\\` needed.
    if window.count(b"\\u00") != backslashes:
        return False
    # The codec then reads only `\u00XX` escapes, and fails on one without two hex digits. Each
    # gives one byte, printable (`\u0020`-`\u007f`) when no byte outside that range comes out
    # that was not in the window already: a decode and two deletions in C, where counting the
    # two printable shapes of an escape took two passes that stopped at every backslash.
    try:
        decoded = window.decode("unicode_escape").encode("latin-1")
    except UnicodeDecodeError:
        return False
    outside = len(decoded) - len(decoded.translate(None, _NOT_PRINTABLE))
    return outside == len(window) - len(window.translate(None, _NOT_PRINTABLE))


def _last_escape(window: bytes) -> int:
    """Where the window's last backslash is when every backslash in it opens a printable
    `\\u00XX` escape and no 123 bytes before the last go without one (see url_runs._reached);
    -1 otherwise.

    One Hyperscan pass where it is installed: the counts, the decoding and the two translations
    below cost 3.8 ms per MB of `'\\u0041 '`, plain text's whole scan 1.1."""
    last = window.rfind(b"\\")
    scan = first_ends((_GAP, _OTHER_ESCAPE))
    if scan is None:
        if not _all_printable_escapes(window):
            return -1
        return -1 if window.translate(_BACKSLASHES).rfind(_FAR_APART, 0, last) >= 0 else last
    gap, other = scan(window)
    # A backslash in the last five bytes opens no whole escape; the pattern needs its bytes.
    if other is not None or window.rfind(b"\\", max(0, len(window) - 5)) >= 0:
        return -1
    return -1 if gap is not None and gap <= last else last


def reached(data: bytes, position: int) -> tuple[int, int]:
    """A position `decoders._JOINED_REST` passes through from `position` as a token end:
    `position` itself, or the end of the token of a later escape that follows an unescaped
    delimiter, with no two escapes on the way more than 123 bytes apart.

    Such an escape is one the regex takes (a token never crosses an unescaped delimiter, a gap
    stops at the first escape), and its token ends where the regex ends it.

    Also how far from `position` the bytes were read and hold only printable `\\u00XX` escapes,
    each whole: decoding them need not look for other escapes again (`decoders.unescape`)."""
    reach = _MAX_LITERAL
    checked = position
    while position < len(data) and data[position - 1 : position] != b"\\":
        window = data[position : position + reach]
        # An escape the window cuts is left out: only escapes before its last one count.
        cut = window.rfind(b"\\", max(0, len(window) - 5))
        window = window[:cut] if cut >= 0 else window
        last = _last_escape(window)
        if last < 2:
            return position, min(checked, position)
        if position > checked and _PRINTABLE_ONLY.fullmatch(data, checked, position):
            # The token the last window's last escape opens ran past the window: its tail,
            # read by `_TOKEN` alone, holds only printable escapes too. Else a run of words
            # of escapes (`'\\u0041\\u0042 '`) was checked for its first window only, and
            # `decoders.unescape` counted the rest again (1.6 ms per MB).
            checked = position
        if position <= checked:  # read on from what was read before: still one stretch
            checked = max(checked, position + len(window))
        for _ in range(DENSE):  # the last escape that follows an unescaped delimiter
            at = position + last
            if data[at - 1] in _DELIMITERS and data[at - 2] != ord("\\"):
                break
            last = window.rfind(b"\\", 0, last)
            if last < 2:
                return position, min(checked, position)
        else:
            return position, min(checked, position)
        token = _TOKEN.match(data, at + 6)
        position = token.end() if token is not None else at + 6
        reach *= 8
    return position, min(checked, position)
