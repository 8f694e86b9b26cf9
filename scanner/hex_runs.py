"""The hex decoder: runs of hex digits that spell printable text, decoded in C.

Stage: decoders. The engines report only where the first 24 hex digits in a row end (triggers
compiles that trigger single-match). The pattern for printable pairs itself,
`(?:[2-7][0-9A-Fa-f]){12}`, kept Hyperscan's main database off its fast paths wherever digits
were dense: 1.0 ms per MB of `'%41 '` and 1.7 of `'\\u0041 '` went to it, while a run of one
class is read at plain text's speed. So the pairs are looked for here, only in a chunk that has
24 hex digits in a row at all (87 of rails' 4,886 text files, 11% of its bytes; symfony's
1%): with Hyperscan where it is installed, else with `re`, as the regex engine did before.
"""

from __future__ import annotations

import binascii
import contextlib
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import cast

from leakward.scanner.decoded import MAX_DECODED, Decoded, is_text, run_start

# Printable text, hex-encoded: every byte 0x20-0x7e is a pair starting 2-7. Hashes, ids and
# colours rarely look like that for twelve bytes running.
PRINTABLE_PAIRS = rb"(?:[2-7][0-9A-Fa-f]){12}"
_PAIRS = re.compile(PRINTABLE_PAIRS)
_PAIRS_WIDTH = 24
_HEX_RUN = re.compile(rb"[0-9A-Fa-f]+")
# The first byte that ends a run of hex digits, for Hyperscan.
_NOT_HEX = rb"[^0-9A-Fa-f]"
# Runs shorter than this are read by `re` alone.
_SHORT_RUN = 4096
_LAST_NON_HEX = re.compile(rb"(?s).*[^0-9A-Fa-f]")


@cache
def _first_end(pattern: bytes) -> Callable[[memoryview], int | None] | None:
    """A scan for `pattern` by Hyperscan that stops at the first match and gives its end; None
    where Hyperscan is not installed."""
    try:
        import hyperscan
    except ImportError:
        return None
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=[pattern], ids=[0], elements=1, flags=[0])

    def first_end(data: memoryview) -> int | None:
        found: list[int] = []

        def on_match(_ident: int, _start: int, end: int, _flags: int, _ctx: object) -> bool:
            found.append(end)
            return True  # stop: nothing past the first is asked for

        # A scratch per scan: chunks are scanned on several threads, and one serves one.
        with contextlib.suppress(hyperscan.ScanTerminated):
            # Hyperscan reads any buffer; its stub names only str and bytes.
            buffer = cast(bytes, data)
            database.scan(buffer, match_event_handler=on_match, scratch=hyperscan.Scratch(database))
        return found[0] if found else None

    return first_end


def _pairs_database() -> Callable[[memoryview], int | None] | None:
    """The scan for printable pairs (a name of its own: tests switch it off)."""
    return _first_end(PRINTABLE_PAIRS)


def _first_pair_end(data: bytes, start: int) -> int | None:
    """Where the first match of PRINTABLE_PAIRS that starts at or after `start` ends.

    One scan per run of hex text, stopped at its first pair: reporting every pair cost a call
    into Python each, 0.11 s per MB of hex-encoded text in one run (plain text 0.001)."""
    scan = _pairs_database()
    if scan is None:
        match = _PAIRS.search(data, start)
        return match.end() if match is not None else None
    end = scan(memoryview(data)[start:])
    return start + end if end is not None else None


def _run_end_database() -> Callable[[memoryview], int | None] | None:
    """The scan for a run's end (a name of its own: tests switch it off)."""
    return _first_end(_NOT_HEX)


def _run_end(data: bytes, start: int) -> int:
    """Where the run of hex digits from `start` ends.

    A long run's rest by Hyperscan where it is installed: `re` reads a character class a step
    per byte (1.2 ms per MB of hex-encoded text, plain text's whole scan 1.0), Hyperscan at
    memory speed; a short run by `re`, which costs no scan set up."""
    head = _HEX_RUN.match(data, start, start + _SHORT_RUN)
    end = head.end() if head is not None else start
    scan = _run_end_database()
    if end < start + _SHORT_RUN or scan is None:
        match = _HEX_RUN.match(data, end) if end == start + _SHORT_RUN else None
        return match.end() if match is not None else end
    found = scan(memoryview(data)[end:])
    return len(data) if found is None else end + found - 1


# Digits a long run is decoded by at a time: a block that holds the run's end is read again,
# by `re`, only as far as that end.
_BLOCK = 1 << 16


def _decoded_run(data: bytes, start: int) -> tuple[int, bytes]:
    """Where the run of hex digits from `start` ends, and what its first (even) MAX_DECODED * 2
    digits spell.

    A long run is decoded block by block until a block fails, and only that block is searched
    for the end: a search over the whole run read what `unhexlify` reads (a Hyperscan pass for the
    end and a decoding after it cost 0.37 and 0.26 ms per MB of hex-encoded text, plain text's
    whole scan 0.45). Beyond MAX_DECODED * 2 digits, or at an odd last digit, `_run_end` reads
    on."""
    head = _HEX_RUN.match(data, start, start + _SHORT_RUN)
    end = head.end() if head is not None else start
    if end < start + _SHORT_RUN:
        return end, binascii.unhexlify(data[start : end - (end - start) % 2])
    view = memoryview(data)
    limit = min(len(data), start + MAX_DECODED * 2)
    pieces = [binascii.unhexlify(view[start:end])]  # _SHORT_RUN digits: an even number
    while end < limit:
        block = view[end : min(end + _BLOCK, limit)]
        block = block[: len(block) - len(block) % 2]
        if not block:
            break  # one digit short of the cap, or the data's odd last byte
        try:
            pieces.append(binascii.unhexlify(block))
        except binascii.Error:
            digits = _run_end(data, end) - end  # within the block: at most its length
            pieces.append(binascii.unhexlify(block[: digits - digits % 2]))
            return end + digits, b"".join(pieces)
        end += len(block)
    return _run_end(data, end), b"".join(pieces)


def decode_hex(data: bytes, anchors: list[int], floor: int = 0) -> Iterator[Decoded]:
    """Each run of hex digits that holds printable pairs ending past `floor`, decoded when the
    result is text. `anchors` holds where the first 24 hex digits in a row end: no pairs end
    before."""
    if not anchors:
        return
    position = max(anchors[0] - _PAIRS_WIDTH, floor + 1 - _PAIRS_WIDTH, 0)
    while (anchor := _first_pair_end(data, position)) is not None:
        start = run_start(data, anchor, _LAST_NON_HEX)
        # Pairs past the run start past it: a run of hex digits holds each of its pairs.
        position, decoded = _decoded_run(data, start)
        if position == start:
            return  # an end inside a run of hex digits: the run is there
        if is_text(decoded, 0.95):
            yield Decoded("hex", decoded, start, start + 2 * len(decoded))
