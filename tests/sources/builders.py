"""Writers of real artifacts for the container tests: DEX, Android binary XML, resources.arsc.

Each follows the published layout (DEX: header with adler32 checksum and SHA-1 signature,
string_ids, string_data_item, map_list; ResChunk: ResXMLTree with a ResStringPool in UTF-8 or
UTF-16, namespace, element and CDATA nodes; ResTable with its global string pool), so the
readers are tested against the same structures aapt/d8 produce, not against themselves.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib
from collections.abc import Sequence

ANDROID_NS = "http://schemas.android.com/apk/res/android"

# Secrets planted in artifacts: invented example values from the rule files, never real keys.
GOOGLE_KEY = "AIzaSyKHTRGOHgJpixjT03ozUcyfVlRkm8Z9Q-P"
AWS_KEY = "AKIA2NB2IR6HW2KSGBL3"


# --- DEX -------------------------------------------------------------------------------------


def uleb128(value: int) -> bytes:
    """Unsigned LEB128, the varint of DEX, protobuf and git packs."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def mutf8(text: str) -> bytes:
    out = bytearray()
    for char in text:
        point = ord(char)
        if point == 0:
            out += b"\xc0\x80"
        elif point < 0x10000:
            out += char.encode("utf-8", "surrogatepass")
        else:
            point -= 0x10000
            for unit in (0xD800 | (point >> 10), 0xDC00 | (point & 0x3FF)):
                out += chr(unit).encode("utf-8", "surrogatepass")
    return bytes(out)


def dex_sorted(strings: Sequence[str]) -> list[str]:
    """String order the DEX format requires: by UTF-16 code units."""
    return sorted(set(strings), key=lambda s: s.encode("utf-16-be", "surrogatepass"))


def dex(strings: Sequence[str]) -> bytes:
    """A DEX file whose string table holds `strings` (sorted, as d8 writes them)."""
    ordered = dex_sorted(strings)
    header_size, count = 0x70, len(ordered)
    ids_off = header_size
    data_off = ids_off + 4 * count
    items = bytearray()
    offsets = []
    for text in ordered:
        offsets.append(data_off + len(items))
        units = len(text.encode("utf-16-le", "surrogatepass")) // 2
        items += uleb128(units) + mutf8(text) + b"\x00"
    while len(items) % 4:
        items.append(0)
    map_off = data_off + len(items)
    entries = [
        (0x0000, 1, 0),
        (0x0001, count, ids_off),
        (0x2002, count, data_off),
        (0x1000, 1, map_off),
    ]
    map_list = struct.pack("<I", len(entries)) + b"".join(
        struct.pack("<HHII", kind, 0, size, offset) for kind, size, offset in entries
    )
    body = struct.pack(f"<{count}I", *offsets) + bytes(items) + map_list
    file_size = header_size + len(body)
    header = bytearray(header_size)
    header[0:8] = b"dex\n035\x00"
    struct.pack_into("<III", header, 32, file_size, header_size, 0x12345678)
    struct.pack_into("<III", header, 44, 0, 0, map_off)  # link_size, link_off, map_off
    struct.pack_into("<II", header, 56, count, ids_off if count else 0)
    struct.pack_into("<II", header, 104, file_size - data_off, data_off)  # data_size, data_off
    whole = bytearray(header) + body
    whole[12:32] = hashlib.sha1(bytes(whole[32:])).digest()  # noqa: S324 - the format says SHA-1
    whole[8:12] = struct.pack("<I", zlib.adler32(bytes(whole[12:])))
    return bytes(whole)


# --- Android resources: string pool, binary XML, resource table -------------------------------


def string_pool(strings: Sequence[str], utf8: bool) -> bytes:
    data = bytearray()
    offsets = []
    for text in strings:
        offsets.append(len(data))
        if utf8:
            encoded = text.encode("utf-8")
            data += _len8(len(text)) + _len8(len(encoded)) + encoded + b"\x00"
        else:
            encoded = text.encode("utf-16-le")
            units = len(encoded) // 2
            length = (
                struct.pack("<H", units)
                if units < 0x8000
                else struct.pack("<HH", 0x8000 | (units >> 16), units & 0xFFFF)
            )
            data += length + encoded + b"\x00\x00"
    while len(data) % 4:
        data.append(0)
    header_size = 28
    strings_start = header_size + 4 * len(strings)
    size = strings_start + len(data)
    flags = 0x100 if utf8 else 0
    header = struct.pack(
        "<HHIIIIII", 1, header_size, size, len(strings), 0, flags, strings_start, 0
    )
    return header + struct.pack(f"<{len(strings)}I", *offsets) + bytes(data)


def _len8(value: int) -> bytes:
    return bytes([value]) if value < 0x80 else bytes([0x80 | (value >> 8), value & 0xFF])


Attr = tuple[str | None, str, str | int | bool]  # (namespace uri, name, value)
Element = tuple[str, list[Attr], list["Element | str"]]


class _XmlWriter:
    def __init__(self) -> None:
        self.strings: list[str] = []
        self.nodes = bytearray()
        self.line = 1

    def ref(self, text: str | None) -> int:
        if text is None:
            return 0xFFFFFFFF
        if text not in self.strings:
            self.strings.append(text)
        return self.strings.index(text)

    def node(self, kind: int, body: bytes) -> None:
        self.nodes += struct.pack("<HHIII", kind, 16, 16 + len(body), self.line, 0xFFFFFFFF) + body
        self.line += 1

    def element(self, element: Element) -> None:
        tag, attrs, children = element
        packed = bytearray()
        for ns, name, value in attrs:
            if isinstance(value, bool):
                raw, kind, data = 0xFFFFFFFF, 0x12, 0xFFFFFFFF if value else 0
            elif isinstance(value, int):
                raw, kind, data = 0xFFFFFFFF, 0x10, value
            else:
                raw = data = self.ref(value)
                kind = 0x03
            packed += struct.pack("<IIIHBBI", self.ref(ns), self.ref(name), raw, 8, 0, kind, data)
        ext = struct.pack("<IIHHHHHH", 0xFFFFFFFF, self.ref(tag), 20, 20, len(attrs), 0, 0, 0)
        self.node(0x0102, ext + bytes(packed))
        for child in children:
            if isinstance(child, str):
                index = self.ref(child)
                self.node(0x0104, struct.pack("<IHBBI", index, 8, 0, 0x03, index))
            else:
                self.element(child)
        self.node(0x0103, struct.pack("<II", 0xFFFFFFFF, self.ref(tag)))


def binary_xml(root: Element, utf8: bool = False) -> bytes:
    """A compiled XML document (as in an APK) with the android namespace declared."""
    writer = _XmlWriter()
    prefix, uri = writer.ref("android"), writer.ref(ANDROID_NS)
    writer.node(0x0100, struct.pack("<II", prefix, uri))
    writer.element(root)
    writer.node(0x0101, struct.pack("<II", prefix, uri))
    pool = string_pool(writer.strings, utf8)
    body = pool + bytes(writer.nodes)
    return struct.pack("<HHI", 3, 8, 8 + len(body)) + body


def resource_table(strings: Sequence[str], utf8: bool = True) -> bytes:
    """A resources.arsc holding `strings` in its global value pool (no packages)."""
    pool = string_pool(list(strings), utf8)
    return struct.pack("<HHII", 2, 12, 12 + len(pool), 0) + pool


# --- archives --------------------------------------------------------------------------------


def zip_of(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries.items():
            # A fixed date: writestr stamps the current time, which makes archives differ per run.
            archive.writestr(zipfile.ZipInfo(name, (2024, 5, 1, 10, 0, 0)), data, method)
    return buffer.getvalue()


def _protobuf_bytes(field: int, payload: bytes) -> bytes:
    return uleb128(field << 3 | 2) + uleb128(len(payload)) + payload


def crx3(payload: bytes, public_key: bytes, signature: bytes) -> bytes:
    """A CRX3 extension: `Cr24`, version 3, a CrxFileHeader protobuf, then the zip.

    The header holds one sha256_with_rsa AsymmetricKeyProof (field 2: public_key=1, signature=2)
    and signed_header_data (field 10000), as Chrome writes it.
    """
    proof = _protobuf_bytes(1, public_key) + _protobuf_bytes(2, signature)
    header = _protobuf_bytes(2, proof) + _protobuf_bytes(10000, _protobuf_bytes(1, b"\x11" * 16))
    return b"Cr24" + struct.pack("<II", 3, len(header)) + header + payload


def class_file(class_name: str, strings: Sequence[str]) -> bytes:
    """A Java class file (major 52) whose constant pool holds `strings` as String constants.

    Layout per the JVM specification, chapter 4: magic, versions, constant_pool_count, the pool
    (CONSTANT_Utf8 = 1 with a u2 length, CONSTANT_Class = 7, CONSTANT_String = 8), then access
    flags, this_class, super_class and empty interface, field, method and attribute tables.
    """
    pool = bytearray()
    count = 1

    def add(tag: int, body: bytes) -> int:
        nonlocal count
        pool.append(tag)
        pool.extend(body)
        count += 1
        return count - 1

    def utf8(text: str) -> int:
        encoded = mutf8(text)
        return add(1, struct.pack(">H", len(encoded)) + encoded)

    this = add(7, struct.pack(">H", utf8(class_name)))
    parent = add(7, struct.pack(">H", utf8("java/lang/Object")))
    for text in strings:
        add(8, struct.pack(">H", utf8(text)))
    head = struct.pack(">IHHH", 0xCAFEBABE, 0, 52, count)
    tail = struct.pack(">HHHHHHH", 0x0021, this, parent, 0, 0, 0, 0)
    return head + bytes(pool) + tail


def elf(strings: Sequence[str]) -> bytes:
    """A 64-bit little-endian ELF header followed by NUL-separated strings, as in .rodata."""
    ident = b"\x7fELF\x02\x01\x01" + b"\0" * 9
    header = ident + struct.pack("<HHIQQQIHHHHHH", 3, 0xB7, 1, 0, 0, 0, 0, 64, 0, 0, 0, 0, 0)
    return header + b"\0".join(s.encode() for s in strings) + b"\0"


def macho(strings: Sequence[str]) -> bytes:
    """A 64-bit little-endian Mach-O header followed by C strings, as in a __cstring section."""
    header = struct.pack("<IiiIIII", 0xFEEDFACF, 0x0100000C, 0, 2, 0, 0, 0) + b"\0" * 4
    return header + b"\x00\x01\x02".join(s.encode() + b"\x00" for s in strings) + b"\xff" * 16
