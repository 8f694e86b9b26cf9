"""Renders binary property lists (Info.plist, GoogleService-Info.plist in IPAs) as XML text.

Stage: sources. A binary plist stores strings in an offset table the matcher cannot read in
place, so we load it with plistlib and write it back as an XML plist; a finding then has the
line of that XML. XML plists are text already and are scanned as they are.
"""

from __future__ import annotations

import plistlib
import struct
from collections.abc import Iterator
from datetime import datetime

from leakward.scanner.models import Chunk, Origin, Skipped
from leakward.scanner.sources import binary_strings

_ERRORS = (
    plistlib.InvalidFileException,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    struct.error,
    OverflowError,
    RecursionError,
)

Plain = str | int | float | bool | bytes | datetime | list["Plain"] | dict[str, "Plain"]


def is_binary_plist(data: bytes) -> bool:
    return data[:8] == b"bplist00"


def plist_chunks(data: bytes, origin: Origin) -> Iterator[Chunk | Skipped]:
    try:
        text = plistlib.dumps(_plain(plistlib.loads(data)), sort_keys=False)
    except _ERRORS as exc:
        reason = f"malformed binary plist ({type(exc).__name__}); scanned as raw string runs"
        yield Skipped(origin.display, reason, True)
        yield from binary_strings.strings_chunks(data, origin)
        return
    yield Chunk(text, origin)


def _plain(value: object) -> Plain:
    """What XML plists can hold: UIDs (keyed archives) become numbers, text-like data text."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, plistlib.UID):
        return value.data
    if isinstance(value, bytes):
        # Keys stored as data would otherwise hide inside base64.
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            return value
        return text if text.isprintable() else value
    if isinstance(value, str | int | float | bool | datetime):
        return value
    return str(value)
