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

Not covered: a secret left as it is, named by a short encoded word (`%70wd = "…"`); the secret
itself is then found in the raw text by every rule that does not need the decoded name.
"""

from __future__ import annotations

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
