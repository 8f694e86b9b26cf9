"""Reads the constant pool of a Java class file (inside JARs, AARs and APK libs).

Stage: sources. String constants, class and member names are CONSTANT_Utf8 entries: a u2 length
and modified UTF-8 bytes. Read as raw string runs, the length byte in front of a string is often
printable and glues itself to the key (`Opostgresql://…`), hiding it; reading the pool gives each
string alone. One chunk of kind "class-string", one constant per line, so a finding on line N
is the Nth Utf8 constant; newlines inside a constant are written as `\\n`.
"""

from __future__ import annotations

import dataclasses
import struct
from collections.abc import Iterator

from leakward.scanner.models import Chunk, Origin, Skipped
from leakward.scanner.sources import binary_strings
from leakward.scanner.sources.dex import decode_mutf8
from leakward.scanner.sources.limits import Budget, DecodeLimitError, Output

KIND = "class-string"
_MAGIC = b"\xca\xfe\xba\xbe"
# The first class file version (JDK 1.0.2); a fat Mach-O has its small architecture count there.
_FIRST_MAJOR = 45
_UTF8 = 1
# Bytes after the tag of every other constant kind (JVMS 4.4); Long and Double take two slots.
_SIZES = {3: 4, 4: 4, 5: 8, 6: 8, 7: 2, 8: 2, 9: 4, 10: 4, 11: 4, 12: 4, 15: 3, 16: 2, 17: 4,
          18: 4, 19: 2, 20: 2}  # fmt: skip
_WIDE = {5, 6}


class MalformedClassError(Exception):
    """The constant pool runs past the end or holds an unknown tag; the message says where."""


def is_class_file(data: bytes, name: str) -> bool:
    if not data.startswith(_MAGIC) or len(data) < 10:
        return False
    (major,) = struct.unpack_from(">H", data, 6)
    return name.endswith(".class") or major >= _FIRST_MAJOR


def class_chunks(data: bytes, origin: Origin, budget: Budget) -> Iterator[Chunk | Skipped]:
    try:
        strings = read_utf8_constants(data, Output(budget))
    except (MalformedClassError, DecodeLimitError) as exc:
        # A damaged class can still hold an intact key: fall back to string runs.
        what = "malformed class file" if isinstance(exc, MalformedClassError) else "class file"
        yield Skipped(origin.display, f"{what} ({exc}); scanned as string runs", True)
        yield from binary_strings.strings_chunks(data, origin)
        return
    yield Chunk(b"\n".join(strings), dataclasses.replace(origin, kind=KIND))


def read_utf8_constants(data: bytes, output: Output) -> list[bytes]:
    """Every CONSTANT_Utf8 in pool order, as UTF-8 with newlines escaped.

    Each constant holds its own bytes, so the output never outgrows the input; it is counted
    all the same, so the outer file's total stays the sum of everything rendered from it.
    """
    (count,) = struct.unpack_from(">H", data, 8)
    position = 10
    index = 1
    strings: list[bytes] = []
    while index < count:
        if position >= len(data):
            raise MalformedClassError(f"constant {index} of {count - 1} is past the end")
        tag = data[position]
        position += 1
        if tag == _UTF8:
            if position + 2 > len(data):
                raise MalformedClassError(f"constant {index} has no length")
            (length,) = struct.unpack_from(">H", data, position)
            position += 2
            raw = data[position : position + length]
            if len(raw) < length:
                raise MalformedClassError(f"constant {index} runs past the end")
            position += length
            if not raw.isascii():
                raw = decode_mutf8(raw).encode("utf-8", "replace")
            output.add(len(raw))
            strings.append(raw.replace(b"\n", b"\\n").replace(b"\r", b"\\r"))
        elif tag in _SIZES:
            position += _SIZES[tag]
            index += 1 if tag in _WIDE else 0
        else:
            raise MalformedClassError(f"constant {index} has unknown tag {tag}")
        index += 1
    return strings
