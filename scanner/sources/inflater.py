"""Reads gzip, bzip2 and xz streams block by block, member after member, in linear time.

Stage: sources. The archive reader pulls a stream's output through `Inflater.read(size)` into
`limits.read_bounded`, so no more than one block beyond the caps is ever inflated. Concatenated
members (gzip, bzip2) and padded xz streams are legal and read to the end.
"""

from __future__ import annotations

import bz2
import lzma
import re
import zlib
from typing import Protocol


class _Decompressor(Protocol):
    @property
    def eof(self) -> bool: ...
    @property
    def unused_data(self) -> bytes: ...

    def decompress(self, data: bytes | memoryview, max_length: int = ...) -> bytes: ...


_MAGIC = {"gzip": b"\x1f\x8b", "bzip2": b"BZh", "xz": b"\xfd7zXZ\x00"}
# Input goes to a decompressor in windows that start small at each member and double. Where a
# member ends, the rest of its window is copied into `unused_data`; handing over the whole rest
# of the stream made 300,000 empty gzip members copy the stream 300,000 times.
_FIRST_WINDOW = 32
_LAST_WINDOW = 1024 * 1024
_ZEROS = re.compile(rb"\0*")


class Inflater:
    """A read(size) view of a compressed stream, multi-member aware, that never over-inflates.

    `fed` counts the input bytes handed to decompressors: the copying work, which stays within
    a small multiple of the stream's size however many members it holds.
    """

    def __init__(self, data: bytes, kind: str) -> None:
        self._kind = kind
        self._data = data
        self._view = memoryview(data)
        self._position = 0  # the first input byte not yet handed to a decompressor
        self._pending: bytes | memoryview = b""  # handed over but not consumed yet (zlib)
        self._window = _FIRST_WINDOW
        self._engine = self._new()
        self.fed = 0

    def _new(self) -> _Decompressor:
        if self._kind == "gzip":
            return zlib.decompressobj(31)
        if self._kind == "bzip2":
            return bz2.BZ2Decompressor()
        return lzma.LZMADecompressor()

    def read(self, size: int) -> bytes:
        while True:
            if self._engine.eof:
                if not self._next_member():
                    return b""
                continue
            engine = self._engine
            needs_input = getattr(engine, "needs_input", True)
            if not self._pending and needs_input and self._position < len(self._data):
                self._feed()
            given = len(self._pending)
            out = engine.decompress(self._pending, size)
            tail = getattr(engine, "unconsumed_tail", None)
            self._pending = tail if tail is not None else b""
            if out:
                return out
            if _at_end(engine):  # a separate call: decompress() just changed `eof`
                continue
            if not self._pending and self._position >= len(self._data) and needs_input:
                raise EOFError("the stream ends before its end marker (truncated)")
            if given and len(self._pending) == given:
                raise EOFError("the stream makes no progress")

    def _feed(self) -> None:
        self._pending = self._view[self._position : self._position + self._window]
        self._position += len(self._pending)
        self.fed += len(self._pending)
        self._window = min(self._window * 2, _LAST_WINDOW)

    def _next_member(self) -> bool:
        """Start on the member after the one that just ended; False when none follows."""
        # Give back what the ended member did not use. Concatenated members are legal.
        self._position -= len(self._engine.unused_data) + len(self._pending)
        self._pending = b""
        if self._kind == "xz":  # xz pads streams with zeros
            found = _ZEROS.match(self._data, self._position)
            self._position = found.end() if found else self._position
        magic = _MAGIC[self._kind]
        if not self._data.startswith(magic, self._position):
            return False
        self._engine, self._window = self._new(), _FIRST_WINDOW
        return True


def _at_end(engine: _Decompressor) -> bool:
    return engine.eof
