"""Unpacks source maps: each `sourcesContent` entry is scanned as the source file it was.

Stage: sources. Bundlers ship the original sources inside `*.map` files (and inline as
`data:` URLs at the end of a bundle); a key typed in `src/api.ts` survives there, with its
original lines, even when minification mangles the bundle. Each entry is a chunk named after
its `sources` path: `main.js.map!webpack://app/src/api.ts`, line and column within that source.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import urllib.parse
from collections.abc import Iterator

from leakward.scanner.models import Chunk, Origin, Skipped

KIND = "bundle-entry"
SCRIPT_SUFFIXES = (".js", ".mjs", ".cjs")
# Some servers prefix JSON with an XSSI guard; the source map spec allows it.
_XSSI = b")]}'"
_MAP_LITERAL = b"sourceMappingURL="
_INLINE = re.compile(
    rb"[#@]\s*sourceMappingURL=data:application/json(?:;charset=[\w-]+)?(;base64)?,"
    rb"([A-Za-z0-9+/=%_.~!*'()\-]+)"
)


def is_source_map(data: bytes, name: str) -> bool:
    head = data[:64].lstrip()
    if head.startswith(_XSSI):
        head = head[len(_XSSI) :].lstrip()
    return name.endswith(".map") and head.startswith(b"{")


def sourcemap_chunks(data: bytes, origin: Origin) -> Iterator[Chunk | Skipped]:
    text = data.lstrip()
    text = text[len(_XSSI) :] if text.startswith(_XSSI) else text
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        reason = f"malformed source map ({describe_json_error(exc)}); scanned as plain text"
        yield Skipped(origin.display, reason, True)
        yield Chunk(data, origin)
        return
    entries = list(_entries(document))
    if not entries:
        # No embedded sources: the map itself is all there is to read.
        yield Chunk(data, origin)
    for name, content in entries:
        yield Chunk(content.encode("utf-8", "replace"), origin.inside(name, kind=KIND))


def has_inline_map(data: bytes) -> bool:
    # The literal every inline map holds, found in C first: the regex reads every script.
    return _MAP_LITERAL in data and _INLINE.search(data) is not None


def with_inline_maps(data: bytes, origin: Origin) -> tuple[bytes, list[Chunk | Skipped]]:
    """`data` with each unpacked inline map's payload blanked, and the chunks of those maps.

    The payload is base64 or percent-encoded JSON; left in the script, the decoders would find
    every embedded key again and report it at the `sourceMappingURL` line instead of its source
    line. Blanking with spaces keeps every other offset, line and column. A map that cannot be
    unpacked is left as it is, so the decoders still see it.
    """
    if not has_inline_map(data):
        # `data` itself, not a copy: nearly every script has no inline map, and a copy per
        # script of a history cost a copy of every script's bytes.
        return data, []
    masked = bytearray(data)
    unpacked: list[Chunk | Skipped] = []
    for match in _INLINE.finditer(data):
        try:
            if match[1]:
                raw = base64.b64decode(match[2], validate=True)
            else:
                raw = urllib.parse.unquote_to_bytes(match[2])
            document = json.loads(raw)
        except (ValueError, binascii.Error, RecursionError) as exc:
            reason = f"malformed inline source map ({describe_json_error(exc)}); not unpacked"
            # A note, not an error: the script around it is still scanned, encoded map included.
            unpacked.append(Skipped(origin.display, reason))
            continue
        masked[match.start(2) : match.end(2)] = b" " * (match.end(2) - match.start(2))
        for name, content in _entries(document):
            unpacked.append(
                Chunk(content.encode("utf-8", "replace"), origin.inside(name, kind=KIND))
            )
    return bytes(masked), unpacked


def _entries(document: object) -> Iterator[tuple[str, str]]:
    """(source name, content) pairs, following index maps (`sections`) too."""
    if not isinstance(document, dict):
        return
    for section in document.get("sections") or []:
        if isinstance(section, dict):
            yield from _entries(section.get("map"))
    contents = document.get("sourcesContent")
    if not isinstance(contents, list):
        return
    sources = document.get("sources")
    sources = sources if isinstance(sources, list) else []
    root = document.get("sourceRoot")
    root = root if isinstance(root, str) else ""
    for index, content in enumerate(contents):
        if not isinstance(content, str) or not content:
            continue
        source = sources[index] if index < len(sources) else None
        name = root + source if isinstance(source, str) else f"sources[{index}]"
        yield name, content


def describe_json_error(exc: BaseException) -> str:
    """Where a JSON document broke; json's messages give a position, never the text."""
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
    return f"not valid JSON: {type(exc).__name__}"
