"""Renders binary property lists (Info.plist, GoogleService-Info.plist in IPAs) as XML text.

Stage: sources. A binary plist stores strings in an offset table the matcher cannot read in
place, so we load it with plistlib and write it back as an XML plist; a finding then has the
line of that XML. XML plists are text already and are scanned as they are.

plistlib reads each object once, but arrays and dictionaries may share children (40 arrays that
each hold the previous one twice make 2**40 leaves once written out), so the tree is rendered
under an `Output`: every value visited and every byte written counts against the caps.
"""

from __future__ import annotations

import plistlib
import struct
from collections.abc import Iterator
from datetime import datetime

from leakward.scanner.models import Chunk, Origin, Skipped
from leakward.scanner.sources import binary_strings
from leakward.scanner.sources.limits import Budget, DecodeLimitError, Output

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


def plist_chunks(data: bytes, origin: Origin, budget: Budget) -> Iterator[Chunk | Skipped]:
    try:
        document = plistlib.loads(data)
        expanded = written_values(document, budget.limits.max_nesting)
        if expanded > budget.limits.max_objects:
            raise DecodeLimitError(
                f"would render {expanded} values, more than {budget.limits.max_objects} "
                "(limit max_objects)"
            )
        tree = _plain(document, Output(budget), 0)
        text = plistlib.dumps(tree, sort_keys=False)
    except DecodeLimitError as exc:
        yield Skipped(origin.display, f"binary plist {exc}; scanned as raw string runs", True)
        yield from binary_strings.strings_chunks(data, origin)
        return
    except _ERRORS as exc:
        reason = f"malformed binary plist ({type(exc).__name__}); scanned as raw string runs"
        yield Skipped(origin.display, reason, True)
        yield from binary_strings.strings_chunks(data, origin)
        return
    yield Chunk(text, origin)


def written_values(document: object, max_nesting: int) -> int:
    """How many values writing `document` out as a tree produces, shared children counted
    each time they appear. Each distinct array or dictionary is counted once, so 40 arrays
    holding the previous one twice cost 40 steps to judge, not 2**40 to render."""
    counted: dict[int, int] = {}

    def count(node: object, depth: int) -> int:
        if not isinstance(node, list | dict):
            return 1
        if id(node) in counted:
            return counted[id(node)]
        if depth > max_nesting:  # also ends a container that holds itself
            raise DecodeLimitError(f"nests deeper than {max_nesting} (limit max_nesting)")
        children = list(node.values()) if isinstance(node, dict) else node
        total = 1 + len(children) + sum(count(child, depth + 1) for child in children)
        counted[id(node)] = total
        return total

    return count(document, 0)


def _plain(value: object, output: Output, depth: int) -> Plain:
    """What XML plists can hold: UIDs (keyed archives) become numbers, text-like data text.

    Each node is charged its indentation plus its text, about what `plistlib.dumps` writes.
    """
    output.enter(depth)
    if isinstance(value, dict):
        output.add(depth)
        plain: dict[str, Plain] = {}
        for key, item in value.items():
            name = str(key)
            output.add(depth + len(name))
            plain[name] = _plain(item, output, depth + 1)
        return plain
    if isinstance(value, list | tuple):
        output.add(depth)
        return [_plain(item, output, depth + 1) for item in value]
    output.add(depth + len(value) if isinstance(value, str | bytes) else depth)
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
