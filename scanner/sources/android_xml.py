"""Decodes Android binary XML (AndroidManifest.xml, res/**/*.xml) and the resources.arsc pool.

Stage: sources. aapt compiles XML into ResChunk structures: a string pool (UTF-8 or UTF-16)
followed by start/end element nodes whose names and attribute values index into the pool. We
render that back as indented XML text, one element per line, so a finding reads
`app.apk!AndroidManifest.xml` with the line of the decoded XML. resources.arsc (compiled
res/values/*.xml, where `google_api_key` and friends end up) keeps every string value in its
global string pool, which we yield one string per line (line N = pool index N-1).

Offsets and indexes may all point at one long string, so a small file could render gigabytes:
every string read and every line written is counted in an `Output`, and attributes must lie
inside their element at the size the format defines.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from html import escape

from leakward.scanner.models import Chunk, Origin, Skipped
from leakward.scanner.sources import binary_strings
from leakward.scanner.sources.limits import Budget, DecodeLimitError, Output

STRING_POOL = 0x0001
XML = 0x0003
TABLE = 0x0002
START_NAMESPACE = 0x0100
START_ELEMENT = 0x0102
END_ELEMENT = 0x0103
CDATA = 0x0104
_UTF8_FLAG = 0x100
_NO_INDEX = 0xFFFFFFFF
# sizeof(ResXMLTree_attribute): namespace, name, raw value, then a 8-byte Res_value.
_ATTRIBUTE_SIZE = 20
# Res_value data types rendered as aapt would show them.
_REFERENCE, _ATTRIBUTE, _STRING, _FLOAT, _INT_DEC, _INT_HEX, _BOOLEAN = 1, 2, 3, 4, 0x10, 0x11, 0x12


class MalformedResourceError(Exception):
    """A chunk size, offset or string index points outside the data; the message says which."""


def is_binary_xml(data: bytes) -> bool:
    return data[:4] == b"\x03\x00\x08\x00"


def is_resource_table(data: bytes) -> bool:
    return data[:4] == b"\x02\x00\x0c\x00"


def binary_xml_chunks(data: bytes, origin: Origin, budget: Budget) -> Iterator[Chunk | Skipped]:
    try:
        text = decode_xml(data, Output(budget))
    except (MalformedResourceError, DecodeLimitError, struct.error, IndexError) as exc:
        yield _malformed(origin, "Android binary XML", exc)
        yield from binary_strings.strings_chunks(data, origin)
        return
    yield Chunk(text.encode("utf-8", "replace"), origin)


def resource_table_chunks(data: bytes, origin: Origin, budget: Budget) -> Iterator[Chunk | Skipped]:
    try:
        _, header_size, _ = _chunk_header(data, 0, len(data))
        strings, _ = read_string_pool(data, header_size, Output(budget))
    except (MalformedResourceError, DecodeLimitError, struct.error, IndexError) as exc:
        yield _malformed(origin, "resources.arsc", exc)
        yield from binary_strings.strings_chunks(data, origin)
        return
    lines = (value.replace("\n", "\\n").replace("\r", "\\r") for value in strings)
    yield Chunk("\n".join(lines).encode("utf-8", "replace"), origin)


def read_string_pool(data: bytes, offset: int, output: Output) -> tuple[list[str], int]:
    """The strings of the ResStringPool chunk at `offset`, and the offset just after it."""
    kind, header_size, size = _chunk_header(data, offset, len(data))
    if kind != STRING_POOL:
        raise MalformedResourceError(f"expected a string pool at {offset:#x}, found type {kind:#x}")
    count, _, flags, strings_start = struct.unpack_from("<IIII", data, offset + 8)
    end = offset + size
    if offset + header_size + 4 * count > end:
        raise MalformedResourceError(f"{count} string offsets do not fit the pool")
    offsets = struct.unpack_from(f"<{count}I", data, offset + header_size)
    base = offset + strings_start
    read = _utf8_at if flags & _UTF8_FLAG else _utf16_at
    strings = []
    for start in offsets:
        text = read(data, base + start, end)
        output.add(len(text))
        strings.append(text)
    return strings, end


def _utf8_at(data: bytes, position: int, end: int) -> str:
    _, position = _length8(data, position)  # length in UTF-16 units, unused
    size, position = _length8(data, position)
    if position + size > end:
        raise MalformedResourceError(f"a UTF-8 string at {position:#x} runs past its pool")
    return data[position : position + size].decode("utf-8", "replace")


def _length8(data: bytes, position: int) -> tuple[int, int]:
    first = data[position]
    if first & 0x80:
        return ((first & 0x7F) << 8) | data[position + 1], position + 2
    return first, position + 1


def _utf16_at(data: bytes, position: int, end: int) -> str:
    (first,) = struct.unpack_from("<H", data, position)
    position += 2
    if first & 0x8000:
        (second,) = struct.unpack_from("<H", data, position)
        first, position = ((first & 0x7FFF) << 16) | second, position + 2
    if position + 2 * first > end:
        raise MalformedResourceError(f"a UTF-16 string at {position:#x} runs past its pool")
    return data[position : position + 2 * first].decode("utf-16-le", "replace")


def decode_xml(data: bytes, output: Output) -> str:
    """The document as indented XML text: one start tag, text node or end tag per line."""
    _, header_size, size = _chunk_header(data, 0, len(data))
    end, position = min(size, len(data)), header_size
    strings: list[str] = []
    namespaces: dict[str, str] = {}
    lines: list[str] = []
    depth = 0
    while position + 8 <= end:
        kind, node_header, node_size = _chunk_header(data, position, end)
        body = position + node_header
        line = None
        if kind == STRING_POOL:
            strings, _ = read_string_pool(data, position, output)
        elif kind == START_NAMESPACE:
            prefix, uri = struct.unpack_from("<II", data, body)
            namespaces[_at(strings, uri)] = _at(strings, prefix)
        elif kind == START_ELEMENT:
            node = (body, position + node_size)
            line = "  " * depth + _start_tag(data, node, strings, namespaces, first=not lines)
            depth += 1
        elif kind == END_ELEMENT:
            _, name = struct.unpack_from("<II", data, body)
            depth = max(depth - 1, 0)
            line = "  " * depth + f"</{_at(strings, name)}>"
        elif kind == CDATA:
            (text,) = struct.unpack_from("<I", data, body)
            line = "  " * depth + escape(_at(strings, text), quote=False)
        if line is not None:
            output.add(len(line))
            lines.append(line)
        position += node_size
    return "\n".join(lines) + "\n"


def _start_tag(
    data: bytes, node: tuple[int, int], strings: list[str], namespaces: dict[str, str], first: bool
) -> str:
    body, node_end = node
    _, name, attr_start, attr_size, attr_count = struct.unpack_from("<IIHHH", data, body)
    if attr_count and (
        attr_size < _ATTRIBUTE_SIZE or body + attr_start + attr_count * attr_size > node_end
    ):
        # A zero stride would read one attribute 65535 times over.
        raise MalformedResourceError(
            f"{attr_count} attributes of {attr_size} bytes at {body:#x} do not fit their element"
        )
    parts = [_at(strings, name)]
    if first:
        parts += [f"xmlns:{prefix}={_quoted(uri)}" for uri, prefix in namespaces.items()]
    for index in range(attr_count):
        at = body + attr_start + index * attr_size
        ns, attr_name, raw, _, _, data_type, value = struct.unpack_from("<IIIHBBI", data, at)
        prefix = namespaces.get(_at(strings, ns), "") if ns != _NO_INDEX else ""
        label = f"{prefix}:{_at(strings, attr_name)}" if prefix else _at(strings, attr_name)
        shown = _at(strings, raw) if raw != _NO_INDEX else _typed(strings, data_type, value)
        parts.append(f"{label}={_quoted(shown)}")
    return "<" + " ".join(parts) + ">"


def _typed(strings: list[str], data_type: int, value: int) -> str:
    if data_type == _STRING:
        return _at(strings, value)
    if data_type == _REFERENCE:
        return f"@{value:#010x}"
    if data_type == _ATTRIBUTE:
        return f"?{value:#010x}"
    if data_type == _INT_DEC:
        return str(struct.unpack("<i", struct.pack("<I", value))[0])
    if data_type == _BOOLEAN:
        return "true" if value else "false"
    if data_type == _FLOAT:
        return repr(struct.unpack("<f", struct.pack("<I", value))[0])
    return f"{value:#x}"


def _at(strings: list[str], index: int) -> str:
    if index == _NO_INDEX:
        return ""
    if index >= len(strings):
        raise MalformedResourceError(f"string index {index} is beyond the {len(strings)} strings")
    return strings[index]


def _chunk_header(data: bytes, offset: int, end: int) -> tuple[int, int, int]:
    kind, header_size, size = struct.unpack_from("<HHI", data, offset)
    if header_size < 8 or size < header_size or offset + size > end:
        raise MalformedResourceError(f"chunk {kind:#x} at {offset:#x} has an impossible size")
    return kind, header_size, size


def _malformed(origin: Origin, what: str, exc: Exception) -> Skipped:
    if isinstance(exc, DecodeLimitError):
        return Skipped(origin.display, f"{what} {exc}; scanned as raw string runs", True)
    detail = str(exc) if isinstance(exc, MalformedResourceError) else "truncated structure"
    return Skipped(origin.display, f"malformed {what} ({detail}); scanned as raw string runs", True)


def _quoted(value: str) -> str:
    """An XML attribute value in double quotes. (xml.sax.saxutils has this, but importing it
    pulls in urllib.request and http.client: 20 ms of every scan's start-up.)"""
    escaped = escape(value, quote=False).replace('"', "&quot;")
    return '"' + escaped.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;") + '"'
