"""Reads the string table of an Android DEX file (classes.dex) without decompiling anything.

Stage: sources. Every string constant of the app's code (`const-string`), every class, method and
field name lives once in the DEX string table (`string_ids` pointing at `string_data_item`s of
ULEB128 length + MUTF-8 bytes). We yield them as one chunk of kind "dex-string", one string per
line, so a finding on line N is string index N-1 (`app.apk!classes.dex`, line 12 = string_ids[11]).
Newlines inside a string are written as `\\n` to keep that numbering. string_ids may all point
at one long string, so every string read is counted in an `Output` and refused past the caps.
"""

from __future__ import annotations

import dataclasses
import re
import struct
from collections.abc import Iterator

from leakward.scanner.models import Chunk, Origin, Skipped
from leakward.scanner.sources import binary_strings
from leakward.scanner.sources.limits import Budget, DecodeLimitError, Output

KIND = "dex-string"
_MAGIC = re.compile(rb"dex\n\d\d\d\x00")
_HEADER_SIZE = 0x70
_ENDIAN_TAG = 0x12345678


class MalformedDexError(Exception):
    """The header or the string table points outside the file; the message says where."""


def is_dex(data: bytes) -> bool:
    return _MAGIC.match(data) is not None


def dex_chunks(data: bytes, origin: Origin, budget: Budget) -> Iterator[Chunk | Skipped]:
    try:
        strings = read_strings(data, Output(budget))
    except (MalformedDexError, DecodeLimitError) as exc:
        # Still look at the bytes: a damaged DEX can hold an intact key.
        what = "malformed DEX" if isinstance(exc, MalformedDexError) else "DEX string table"
        yield Skipped(origin.display, f"{what} ({exc}); scanned as raw string runs", True)
        yield from binary_strings.strings_chunks(data, origin)
        return
    yield Chunk(b"\n".join(strings), dataclasses.replace(origin, kind=KIND))


def read_strings(data: bytes, output: Output) -> list[bytes]:
    """Every entry of the string table, in index order, as UTF-8 with newlines escaped."""
    if len(data) < _HEADER_SIZE:
        raise MalformedDexError(f"{len(data)} bytes is shorter than the DEX header")
    (endian_tag,) = struct.unpack_from("<I", data, 40)
    if endian_tag != _ENDIAN_TAG:
        raise MalformedDexError(f"unsupported endian tag {endian_tag:#x}")
    count, table = struct.unpack_from("<II", data, 56)
    if table + 4 * count > len(data):
        raise MalformedDexError(f"string_ids ({count} entries at {table:#x}) run past the end")
    offsets = struct.unpack_from(f"<{count}I", data, table)
    strings = []
    for index, offset in enumerate(offsets):
        text = _string_at(data, offset, index)
        output.add(len(text))
        strings.append(text)
    return strings


def _string_at(data: bytes, offset: int, index: int) -> bytes:
    position = _skip_uleb128(data, offset, index)
    end = data.find(b"\x00", position)
    if end < 0:
        raise MalformedDexError(f"string {index} has no terminating NUL")
    raw = data[position:end]
    if not raw.isascii():
        raw = decode_mutf8(raw).encode("utf-8", "replace")
    if b"\n" in raw or b"\r" in raw:
        raw = raw.replace(b"\n", b"\\n").replace(b"\r", b"\\r")
    return raw


def _skip_uleb128(data: bytes, offset: int, index: int) -> int:
    """Position after the ULEB128 utf16_size that opens a string_data_item (at most 5 bytes)."""
    for position in range(offset, offset + 5):
        if position >= len(data):
            break
        if data[position] < 0x80:
            return position + 1
    raise MalformedDexError(f"string {index} at {offset:#x} has a bad length")


def decode_mutf8(raw: bytes) -> str:
    """Modified UTF-8: NUL is C0 80 and characters beyond the BMP are two encoded surrogates."""
    try:
        text = raw.replace(b"\xc0\x80", b"\x00").decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
