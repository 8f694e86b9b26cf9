"""Where each of a few patterns first matches in a long run of encoded text, in one Hyperscan pass.

Stage: decoders. A decoder that skips over a long run in bulk must first know the run holds
nothing that would end it: a gap between escapes too wide to join, an escape of another kind.
Each C pass of `bytes` that tells one of those (a translation, a count of a four-byte needle)
cost 0.3 to 1.2 ms per MB of `'\\u0041 '`, plain text's whole scan 1.1; Hyperscan tells all of
them in one pass, where it is installed. Where it is not, `first_ends` is None and callers
keep their C passes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cache

# For each pattern, the end of its first match in the bytes given, or None.
FirstEnds = Callable[[bytes], list[int | None]]


@cache
def first_ends(patterns: tuple[bytes, ...]) -> FirstEnds | None:
    """A scan for `patterns` (Hyperscan syntax), compiled once; None without Hyperscan."""
    try:
        import hyperscan
    except ImportError:
        return None
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(
        expressions=list(patterns),
        ids=list(range(len(patterns))),
        elements=len(patterns),
        # Each pattern reports its first match only: the scan costs no call per later one.
        flags=[hyperscan.HS_FLAG_SINGLEMATCH] * len(patterns),
    )

    # A scratch serves one scan at a time, and chunks are scanned on several threads: one per
    # thread, made at its first scan. A new scratch per scan was an allocation for each of the
    # 77k calls of symfony's history (issue #18).
    held = threading.local()

    def scan(data: bytes) -> list[int | None]:
        found: list[int | None] = [None] * len(patterns)

        def on_match(ident: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            found[ident] = end

        scratch = getattr(held, "scratch", None)
        if scratch is None:
            scratch = held.scratch = hyperscan.Scratch(database)
        # By position (data, handler, flags, context, scratch): keywords cost the binding 0.5 us
        # a call to parse (hyperscan_engine.scan_many).
        database.scan(data, on_match, 0, None, scratch)
        return found

    return scan
