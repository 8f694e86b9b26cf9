"""Runs of escapes too short to hide a secret: not decoded, not rescanned.

Stage: decoders. `'%41 ' * n` and `'\\u0041\\n' * n` decode to single letters between white
space; decoding such a run and rescanning it cost 3 to 4 times plain text's scan per MB, and no
secret can come of it. A decoded byte that a secret holds lies, with the secret's other bytes
up to the nearest white space, in one stretch of raw text without white space, unless the
secret itself may hold white space. Every escape takes at least one raw byte more than what it
stands for (`\\/` two bytes for one, `%41` three, `\\u0041` six), so a secret of `n` bytes
without white space that holds a decoded byte sits in a raw stretch of at least `n + 1`. A run
whose stretches (and the stretches that reach into it from either side) are all shorter than
LONG_STRETCH raw bytes can therefore hold only secrets shorter than LONG_STRETCH - 1 bytes, or
secrets with white space in them.

Which rules allow those is a fact of the rule set, checked by tests/scanner/test_short_tokens.py:
every rule's secret is at least SHORTEST_SECRET bytes long, but for the few it lists with the
reason each cannot end in a run of short stretches (a whole match that takes no white space and
is longer than a stretch, a secret that follows its name on the same stretch, a private key's
lines of 64 characters). Secrets with white space (PEM keys, Fly.io's lists) need their
header and lines in the view, and a line of a key holds no white space: an escape in it makes a
long stretch.

Percent escapes are counted closer (`has_long_decoded_stretch`): a `%XX` stands for exactly one
byte, so a stretch decodes to its bytes less two per escape, and a secret of `n` bytes without
white space that holds a decoded byte lies in a stretch that decodes to `n` bytes or more. A run
of `'%41%42%43 '` has raw stretches of nine bytes but decodes to three between spaces: no secret
of the rule set's can come of it, and it is neither decoded nor rescanned (it cost 5x plain
text's scan). A `%` that starts no escape is itself decoded to one byte, but rather than count
it, a stretch of LONG_STRETCH raw bytes with one is taken as long: the count never falls short.

JSON escapes are counted the same way (`ESCAPES`): a `\\u00XX` below `\\u0080` is one byte,
and any other backslash makes its stretch long. `'\\u0041\\u0042 '` has raw stretches of twelve
bytes but decodes to two between spaces (decoded and rescanned, it cost 6x plain text's scan).
Where the `raw_unicode_escape` codec reads a window as JSON would (`has_long_unicode_escaped`),
its stretches are counted in what it decodes to instead, in C: an escape that stands for white
space (`\\u0020`) then ends a stretch as it does in the decoded view, which a secret without
white space never crosses (and secrets with white space have long lines, as above).

Not covered: a secret left as it is, named by a short encoded word (`%70wd = "…"`); the secret
itself is then found in the raw text by every rule that does not need the decoded name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from leakward.scanner.first_ends import first_ends

# Raw bytes in a row without white space from which a run is decoded.
LONG_STRETCH = 7
# The shortest secret LONG_STRETCH must leave room for: a secret of this many bytes without
# white space that holds an escape takes at least LONG_STRETCH raw bytes.
SHORTEST_SECRET = LONG_STRETCH - 1
# Only these bytes end a stretch: a secret class holds every other one (`\\f` and `\\v` too).
_WHITE = b" \t\r\n"
_STRETCH = rb"[^ \t\r\n]{%d}" % LONG_STRETCH
_MARKS = bytes(ord(" ") if byte in _WHITE else ord("x") for byte in range(256))
_LONG = b"x" * LONG_STRETCH


@dataclass(frozen=True, slots=True)
class DecodedUnits:
    """How one kind of escape is counted in decoded bytes: `stretch` (Hyperscan syntax) matches
    from a stretch's start once SHORTEST_SECRET of its units have been read, or an `opener` that
    starts no escape of `width` raw bytes; `search` tells the same in `re`, without Hyperscan."""

    stretch: bytes
    search: re.Pattern[bytes]
    opener: bytes
    width: int
    # A reading of a window in C that tells the answer in decoded bytes where it can (None
    # where it cannot), before the pattern counts units.
    decoded_reading: Callable[[bytes], bool | None] | None = None

    @property
    def reach(self) -> int:
        """Raw bytes a stretch of SHORTEST_SECRET - 1 decoded bytes may take, and the one
        before it, with room to spare."""
        return self.width * SHORTEST_SECRET


# From a stretch's start (from anywhere else, `41%42…` would count the tail of an escape as two
# bytes), its escapes (`%XX`) and bytes other than white space and `%`, then either a `%` that
# starts no escape or SHORTEST_SECRET more of them: one pattern, so that Hyperscan reads it as one
# automaton (0.6 ms per MB of `'%41%42%43 '`; a second pattern for the lone `%` doubled that, its
# `%` a literal hit at every escape). Without Hyperscan a `%` that starts no escape is told by a
# lookahead.
_UNIT = rb"(?:%[0-9A-Fa-f]{2}|[^ \t\r\n%])"
PERCENT = DecodedUnits(
    stretch=rb"(?:^|[ \t\r\n])"
    + _UNIT
    + rb"*(?:%(?:[^0-9A-Fa-f]|[0-9A-Fa-f](?:[^0-9A-Fa-f]|\z)|\z)|"
    + _UNIT
    + rb"{%d})" % SHORTEST_SECRET,
    search=re.compile(
        rb"(?:^|[ \t\r\n])" + _UNIT + rb"{%d}|%%(?![0-9A-Fa-f]{2})" % SHORTEST_SECRET
    ),
    opener=b"%",
    width=3,
)
_SECRET_RUN = rb"[^ \t\r\n]{%d}" % SHORTEST_SECRET
_SHORTEST = b"x" * SHORTEST_SECRET


# Bytes of a window the codec reads first, each next block _GROWTH times more: ordinary text has
# a long stretch at once, and decoding the rest of a file to find it cost 0.5 ms per MB. Blocks
# overlap by what a short stretch may take (`DecodedUnits.reach`): a stretch that a block's
# start cuts is whole in the block before, or takes as much in this one, long already.
_FIRST_BLOCK = 4096
_GROWTH = 8
_OVERLAP = len(r"\u0041") * SHORTEST_SECRET


def has_long_unicode_escaped(window: bytes) -> bool | None:
    """Whether `window`, its `\\uXXXX` escapes decoded as the `raw_unicode_escape` codec reads
    them, holds SHORTEST_SECRET bytes in a row without white space; None where that reading
    cannot tell: a `\\U` escape (ten bytes for one), an escape beyond ASCII (one character for
    two or three bytes), one cut short.

    The codec keeps every other escape as it is (`\\n`, `\\x41`, `\\\\` and the `u0041` after
    it), so no stretch it gives is shorter than what `decoders.unescape` makes of it, but where
    an escape stands for white space: there the decoded view has white space too. In C, where
    the Hyperscan pattern that counts units cost 1.27 ms per MB of `'\\u0041\\u0042 '`: the
    codec 0.52, the search in what it gives 0.12 (plain text's whole scan 0.33)."""
    if b"U" in window and b"\\U" in window:
        return None
    start, size = 0, _FIRST_BLOCK
    while True:
        end = start + size
        if end < len(window):  # an escape the block's end would cut is left to the next
            cut = window.rfind(b"\\", end - len(r"\u0041") + 1, end)
            end = cut if cut > start else end
        told = _has_long_decoded_block(window[start:end])
        if told is not False or end >= len(window):
            return told
        start, size = end - _OVERLAP, size * _GROWTH


def _has_long_decoded_block(block: bytes) -> bool | None:
    try:
        text = block.decode("raw_unicode_escape")
    except UnicodeDecodeError:
        return None
    if not text.isascii():
        return None
    decoded = text.encode("ascii")
    scan = first_ends((_SECRET_RUN,))
    if scan is not None:
        return scan(decoded)[0] is not None
    return decoded.translate(_MARKS).find(_SHORTEST) >= 0


# JSON escapes the same way (`decoders.unescape`): a `\u00XX` below `\u0080` stands for exactly
# one byte. Any other backslash makes its stretch long rather than be counted: `\u4e2d` gives
# three bytes, and `\\` one, leaving the `u0041` after it as five. A `\u00XX` holds no second
# backslash, so the first that starts none is the same wherever reading begins: `re` looks for
# it anywhere.
_ESCAPE_UNIT = rb"(?:\\u00[0-7][0-9A-Fa-f]|[^ \t\r\n\\])"
ESCAPES = DecodedUnits(
    stretch=rb"(?:^|[ \t\r\n])"
    + _ESCAPE_UNIT
    + rb"*(?:\\(?:[^u]|u(?:[^0]|0(?:[^0]|0(?:[^0-7]|[0-7](?:[^0-9A-Fa-f]|\z)|\z)|\z)|\z)|\z)|"
    + _ESCAPE_UNIT
    + rb"{%d})" % SHORTEST_SECRET,
    search=re.compile(
        rb"(?:^|[ \t\r\n])" + _ESCAPE_UNIT + rb"{%d}|\\(?!u00[0-7][0-9A-Fa-f])" % SHORTEST_SECRET
    ),
    opener=b"\\",
    width=len(r"\u0041"),
    decoded_reading=has_long_unicode_escaped,
)


def has_long_decoded_stretch(
    data: bytes, start: int, end: int, units: DecodedUnits = PERCENT
) -> bool:
    """Whether a stretch without white space that decodes (each escape of `units` to one byte)
    to SHORTEST_SECRET bytes or more lies in `data[start:end]` or reaches into it from either
    side, or a stretch there holds an opener that starts no escape (see the module docstring).

    As `has_long_stretch`, but in decoded bytes: what reaches in from either side is read from
    `units.reach` bytes away, and the window is never cut inside an escape at its end (a cut
    one would read as an opener that starts none). One Hyperscan pass where it is installed,
    else one `re` search, after `has_long_stretch`: a stretch shorter than LONG_STRETCH raw
    bytes is short decoded too, and that check stops at the first long one (escapes between
    single spaces, `'%41 '`, are told short by it alone, as before)."""
    if not has_long_stretch(data, start, end):
        return False
    window = decoded_window(data, start, end, units)
    if units.decoded_reading is not None:
        told = units.decoded_reading(window)
        if told is not None:
            return told
    scan = first_ends((units.stretch,))
    if scan is not None:
        return scan(window)[0] is not None
    return has_long_decoded_searched(window, units)


def decoded_window(data: bytes, start: int, end: int, units: DecodedUnits = PERCENT) -> bytes:
    """`data[start:end]` and `units.reach` bytes either side, not cut inside an escape at its
    end."""
    high = end + units.reach
    cut = data.rfind(units.opener, max(0, high - units.width + 1), high)
    if cut >= 0:
        high = cut + units.width
    return data[max(0, start - units.reach) : high]


def has_long_decoded_searched(window: bytes, units: DecodedUnits = PERCENT) -> bool:
    """Whether a stretch in `window` decodes long or holds a lone opener, without Hyperscan."""
    return units.search.search(window) is not None


def has_long_stretch(data: bytes, start: int, end: int) -> bool:
    """Whether LONG_STRETCH bytes without white space lie in `data[start:end]` or reach into it
    from either side.

    A stretch that holds `data[start]` and begins before it is read from at most
    LONG_STRETCH - 1 bytes back: that many, with `data[start]`, are already long enough. One
    Hyperscan pass where it is installed (it stops at the first long stretch: at once on
    ordinary text); else a translation and a `find` in C."""
    low = max(0, start - LONG_STRETCH + 1)
    window = data[low : end + LONG_STRETCH - 1]
    scan = first_ends((_STRETCH,))
    if scan is not None:
        return scan(window)[0] is not None
    return has_long_translated(window)


def has_long_translated(window: bytes) -> bool:
    """Whether `window` holds LONG_STRETCH bytes without white space, without Hyperscan."""
    return window.translate(_MARKS).find(_LONG) >= 0
