"""Hostile inputs built by code: small files that point at the same bytes over and over.

Each builder follows its format's published layout (Apple's binary plist trailer and object
markers, aapt's ResChunk/ResStringPool/ResXMLTree nodes, the DEX header and string_ids), so the
readers meet files they must accept as well-formed, not garbage that fails at the first check.
Each also plants `secret` where the format lets a reader find it, so a test can tell that
refusing the hostile part did not lose the key.
"""

from __future__ import annotations

import struct

from tests.sources.builders import string_pool, uleb128

_NO_INDEX = 0xFFFFFFFF


def plist_shared_arrays(levels: int, secret: str) -> bytes:
    """A binary plist whose array at level N holds the array of level N-1 twice.

    plistlib reads each object once, so it loads in microseconds; written out as a tree it has
    2**levels leaves.
    """
    leaf = secret.encode("ascii")
    objects = [b"\x5f\x10" + bytes([len(leaf)]) + leaf]  # ASCII string, one-byte length
    objects += [b"\xa2" + bytes([level - 1, level - 1]) for level in range(1, levels + 1)]
    offsets, position = [], 8
    for item in objects:
        offsets.append(position)
        position += len(item)
    table = b"".join(struct.pack(">H", offset) for offset in offsets)
    trailer = b"\0" * 6 + struct.pack(">BBQQQ", 2, 1, len(objects), levels, position)
    return b"bplist00" + b"".join(objects) + table + trailer


def _node(kind: int, body: bytes) -> bytes:
    # ResXMLTree_node: header, line number, comment index.
    return struct.pack("<HHIII", kind, 16, 16 + len(body), 1, _NO_INDEX) + body


def _attribute(name: int, value: int) -> bytes:
    return struct.pack("<IIIHBBI", _NO_INDEX, name, value, 8, 0, 0x03, value)


def binary_xml_repeated_attribute(
    long_text: str, secret: str, elements: int, attributes: int, stride: int
) -> bytes:
    """Android binary XML whose elements each list `attributes` values of one long string.

    With `stride` 20 (the format's attribute size) every attribute is really written out; with
    `stride` 0 one written attribute is read `attributes` times.
    """
    pool = string_pool([long_text, "a", "manifest", secret], utf8=True)
    written = attributes if stride else 1
    ext = struct.pack("<IIHHHHHH", _NO_INDEX, 2, 20, stride, attributes, 0, 0, 0)
    element = _node(0x0102, ext + _attribute(1, 0) * written)
    text = _node(0x0104, struct.pack("<IHBBI", 3, 8, 0, 0x03, 3))
    body = pool + element * elements + text
    return struct.pack("<HHI", 3, 8, 8 + len(body)) + body


def _utf8_pool(offsets: list[int], data: bytes) -> bytes:
    start = 28 + 4 * len(offsets)
    size = start + len(data)
    header = struct.pack("<HHIIIIII", 1, 28, size, len(offsets), 0, 0x100, start, 0)
    return header + struct.pack(f"<{len(offsets)}I", *offsets) + data


def resource_table_one_string(long_text: str, secret: str, copies: int) -> bytes:
    """A resources.arsc whose pool lists one long string `copies` times, then `secret`."""
    stored = []
    for text in (long_text, secret):
        encoded = text.encode("utf-8")
        stored.append(_len8(len(text)) + _len8(len(encoded)) + encoded + b"\0")
    data = b"".join(stored)
    data += b"\0" * (-len(data) % 4)
    pool = _utf8_pool([0] * copies + [len(stored[0])], data)
    return struct.pack("<HHII", 2, 12, 12 + len(pool), 0) + pool


def _len8(value: int) -> bytes:
    return bytes([value]) if value < 0x80 else bytes([0x80 | (value >> 8), value & 0xFF])


def dex_one_string(long_text: str, secret: str, copies: int) -> bytes:
    """A DEX whose string_ids point `copies` times at one long string, then at `secret`."""
    header_size = 0x70
    ids_off = header_size
    data_off = ids_off + 4 * (copies + 1)
    long_item = uleb128(len(long_text)) + long_text.encode("ascii") + b"\0"
    secret_item = uleb128(len(secret)) + secret.encode("ascii") + b"\0"
    offsets = [data_off] * copies + [data_off + len(long_item)]
    body = struct.pack(f"<{len(offsets)}I", *offsets) + long_item + secret_item
    header = bytearray(header_size)
    header[0:8] = b"dex\n035\x00"
    struct.pack_into("<III", header, 32, header_size + len(body), header_size, 0x12345678)
    struct.pack_into("<II", header, 56, len(offsets), ids_off)
    return bytes(header) + body


def zip_listing(entries: int) -> bytes:
    """A zip64 whose central directory lists `entries` one-letter files (47 bytes each).

    Only the directory is real: zipfile builds its list from it before touching any entry.
    """
    local = b"PK\x03\x04" + b"\0" * 26 + b"a"
    record = (
        struct.pack(
            "<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0
        )
        + b"a"
    )
    directory = record * entries
    start = len(local)
    end64 = struct.pack(
        "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, len(directory), start
    )
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, start + len(directory), 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return local + directory + end64 + locator + end
