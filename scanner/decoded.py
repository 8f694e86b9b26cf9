"""Decoded spans and where each of their bytes came from.

Stage: decoders. A decoder hands the matcher a `Decoded` span; its map sends each decoded byte
back to its offset in the parent, so a finding inside is reported where the encoded text is.
Most decoded spans hold no finding and never ask, so a map may be built on first use. Also the
two checks the run decoders share: where a run starts, and whether what came out is text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

_PRINTABLE_BYTES = bytes(range(0x20, 0x7F)) + b"\t\n\r"
_MIN_DECODED = 8
# The most bytes one decoded span may hold, and how far back a run's start is looked for.
MAX_DECODED = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Where each decoded byte came from, as runs rather than a table per byte.

    From decoded offset `starts[i]` on, byte k of run i sits at parent offset `bases[i] + k` when
    the run was copied, and at `bases[i]` itself when it is what one escape expanded to.
    """

    starts: tuple[int, ...]
    bases: tuple[int, ...]
    copied: tuple[bool, ...]

    def parent_of(self, offset: int) -> int:
        run = bisect.bisect_right(self.starts, offset) - 1
        return self.bases[run] + (offset - self.starts[run] if self.copied[run] else 0)


class LazyMap:
    """An OffsetMap made on first use. A run of thousands of escapes decodes in one C call;
    recording where each one came from cost more than that, and is seldom asked for."""

    __slots__ = ("_made", "_make")

    def __init__(self, make: Callable[[], OffsetMap]) -> None:
        self._make = make
        self._made: OffsetMap | None = None

    def parent_of(self, offset: int) -> int:
        if self._made is None:
            self._made = self._make()
        return self._made.parent_of(offset)


class Builder:
    """Decoded bytes and their OffsetMap, built piece by piece."""

    def __init__(self) -> None:
        self.out = bytearray()
        self._starts: list[int] = []
        self._bases: list[int] = []
        self._copied: list[bool] = []

    def copy(self, data: bytes, begin: int, end: int) -> None:
        if end > begin:
            self._run(begin, copied=True)
            self.out += data[begin:end]

    def put(self, piece: bytes, at: int) -> None:
        if piece:
            self._run(at, copied=False)
            self.out += piece

    def finish(self, end: int) -> tuple[bytes, OffsetMap]:
        """The bytes, and a map that sends the offset just past them to `end`."""
        self._run(end, copied=False)
        return bytes(self.out), OffsetMap(
            tuple(self._starts), tuple(self._bases), tuple(self._copied)
        )

    def _run(self, base: int, *, copied: bool) -> None:
        self._starts.append(len(self.out))
        self._bases.append(base)
        self._copied.append(copied)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded bytes and where they came from (no map: spread evenly over the span)."""

    kind: str
    data: bytes
    start: int
    end: int
    mapping: OffsetMap | LazyMap | None = None

    def to_parent(self, offset: int) -> int:
        if self.mapping is not None:
            return self.mapping.parent_of(min(max(offset, 0), len(self.data)))
        if not self.data:
            return self.start
        return self.start + (offset * (self.end - self.start)) // len(self.data)


def is_text(data: bytes, ratio: float = 0.85) -> bool:
    """Mostly printable ASCII: decoded binary noise is not worth scanning."""
    if len(data) < _MIN_DECODED:
        return False
    sample = data[:2048]
    # bytes.translate deletes the printable bytes in C; what is left is the noise.
    noise = len(sample.translate(None, _PRINTABLE_BYTES))
    return noise <= (1 - ratio) * len(sample)


def run_start(data: bytes, anchor: int, delimiter_before: re.Pattern[bytes]) -> int:
    """Start of the run that holds `anchor - 1`: just after the last delimiter before it.

    Runs are usually short, so look back a little first and widen only when needed.
    """
    reach = 256
    while True:
        lowest = max(0, anchor - reach)
        delimiter = delimiter_before.match(data, lowest, anchor)
        if delimiter is not None:
            return delimiter.end()
        if lowest == 0 or reach > MAX_DECODED:
            return lowest
        reach *= 16
