"""The hex decoder: runs of hex digits that spell printable text, decoded in C.

Stage: decoders. The engines report only where the first 24 hex digits in a row end (triggers
compiles that trigger single-match). The pattern for printable pairs itself,
`(?:[2-7][0-9A-Fa-f]){12}`, kept Hyperscan's main database off its fast paths wherever digits
were dense: 1.0 ms per MB of `'%41 '` and 1.7 of `'\\u0041 '` went to it, while a run of one
class is read at plain text's speed. So the pairs are looked for here, only in a chunk that has
24 hex digits in a row at all (a twentieth of a source tree's bytes): with Hyperscan where it
is installed, else with `re`, as the regex engine did before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache

from leakward.scanner.decoded import MAX_DECODED, Decoded, is_text, run_start

# Printable text, hex-encoded: every byte 0x20-0x7e is a pair starting 2-7. Hashes, ids and
# colours rarely look like that for twelve bytes running.
PRINTABLE_PAIRS = rb"(?:[2-7][0-9A-Fa-f]){12}"
_PAIRS = re.compile(PRINTABLE_PAIRS)
_PAIRS_WIDTH = 24
_HEX_RUN = re.compile(rb"[0-9A-Fa-f]+")
_LAST_NON_HEX = re.compile(rb"(?s).*[^0-9A-Fa-f]")


@cache
def _pairs_database() -> Callable[[bytes], list[int]] | None:
    """A scan for PRINTABLE_PAIRS by Hyperscan, giving every match's end; None where Hyperscan is
    not installed."""
    try:
        import hyperscan
    except ImportError:
        return None
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=[PRINTABLE_PAIRS], ids=[0], elements=1, flags=[0])

    def ends_in(data: bytes) -> list[int]:
        ends: list[int] = []

        def on_match(_ident: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            ends.append(end)

        # A scratch per scan: chunks are scanned on several threads, and one serves one scan.
        database.scan(data, match_event_handler=on_match, scratch=hyperscan.Scratch(database))
        return ends

    return ends_in


def _pair_ends(data: bytes, start: int) -> list[int]:
    """Where matches of PRINTABLE_PAIRS that start at or after `start` end, sorted: all of them
    (Hyperscan), or enough to find each run's first (`re`, which does not overlap them)."""
    scan = _pairs_database()
    if scan is None:
        return [match.end() for match in _PAIRS.finditer(data, start)]
    return [end for end in scan(data) if end >= start + _PAIRS_WIDTH]


def decode_hex(data: bytes, anchors: list[int], floor: int = 0) -> Iterator[Decoded]:
    """Each run of hex digits that holds printable pairs ending past `floor`, decoded when the
    result is text. `anchors` holds where the first 24 hex digits in a row end: no pairs end
    before."""
    if not anchors:
        return
    last_end = -1
    start_from = max(anchors[0] - _PAIRS_WIDTH, floor + 1 - _PAIRS_WIDTH, 0)
    for anchor in _pair_ends(data, start_from):
        if anchor <= last_end:
            continue  # inside the run just decoded
        start = run_start(data, anchor, _LAST_NON_HEX)
        match = _HEX_RUN.match(data, start)
        if match is None:
            continue
        last_end = match.end()
        token = match.group()
        token = token[: len(token) - len(token) % 2][: MAX_DECODED * 2]
        decoded = bytes.fromhex(token.decode())
        if is_text(decoded, 0.95):
            yield Decoded("hex", decoded, start, start + len(token))
