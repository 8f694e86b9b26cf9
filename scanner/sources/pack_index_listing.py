"""Every blob of the object store, read from the pack indexes and entry headers themselves.

Stage: sources (git). `git cat-file --batch-all-objects --unordered` keeps a set of every object
id it has listed, to list none twice: on a million-blob history (two million objects) that set
made it the largest process of a scan, 269 MB (issue #18). Here each pack's `.idx` (version 2:
fan-out, sorted ids, CRCs, 4-byte offsets, then 8-byte ones) gives where every entry starts;
sorted, the starts give each entry's size on disk, and the entries are visited front to back,
reading only their headers: the type and size, and a delta's base. A delta's type is its base's,
known by then (a base comes before its deltas, except a thin pack's appended bases, resolved
after the pass); a blob delta's size is the first field of its inflated instructions.

Nothing here holds the whole store: the offsets and a type byte per entry of one pack at a time,
and the pack and index are mapped, the pages already passed dropped from this process as it goes,
so the file pages it read never add up in its resident size. The blobs' columns are what is kept.

Loose objects (git lists them first) are read here too, their header inflated. Anything this does
not read the way git would (an alternate store, an index other than version 2, a hash other than
SHA-1, an entry it cannot parse) raises `Unreadable` and the caller lists with git as before.
"""

from __future__ import annotations

import mmap
import os
import sys
import zlib
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path

_IDX_MAGIC = b"\377tOc"
_WIDTH = 20
_COMMIT, _TREE, _BLOB, _TAG, _OFS_DELTA, _REF_DELTA = 1, 2, 3, 4, 6, 7
# Mapped pages count in this process's resident size, though they are clean file pages that stay
# in the page cache: the pack's pages passed over are dropped every this many bytes (symfony's
# commits and trees come first, 85 MB of pages before the first blob when dropped per blob).
_DROP_BYTES = 8 << 20
# Ids copied from the index at a time (_fill_ids), its pages dropped after each slice.
_IDS_AT_ONCE = 1 << 16
_NO_BLOB = -1
# A delta's base is looked for first among this many entries before it, where git mostly put it
# (symfony: 75% within 64, most of the rest hundreds of thousands of entries away).
_NEAR = 64
# Compressed bytes of a delta inflated for the two sizes its instructions start with (at most
# ten bytes each): enough but for a dynamic Huffman block's long header.
_PEEK = 256
_FIELDS = 20
_DONTNEED: int | None = getattr(mmap, "MADV_DONTNEED", None)
# Zero bytes appended to a column at a time (_extend_zeros).
_ZEROS_AT_ONCE = 1 << 20
# Entries of a pack sorted at once (_sorted).
_SORT_AT_ONCE = 1 << 18
_ONE_OF = [bytes(byte == value for byte in range(256)) for value in range(256)]
_LOOSE_TYPES = {b"blob": _BLOB, b"tree": _TREE, b"commit": _COMMIT, b"tag": _TAG}


class Unreadable(Exception):
    """The store holds something this reader does not read as git would."""


@dataclass
class Blobs:
    """Blob columns in listing order: binary ids, sizes, bytes on disk (a delta's too), where
    each entry starts in its pack (0 for a loose blob) and which of `list_blobs`' packs that is
    (-1 for a loose blob). A delta's base is a row of these columns (`base`)."""

    oids: bytearray = field(default_factory=bytearray)
    sizes: array[int] = field(default_factory=lambda: array("Q"))
    stored: array[int] = field(default_factory=lambda: array("Q"))
    offsets: array[int] = field(default_factory=lambda: array("Q"))
    packs: array[int] = field(default_factory=lambda: array("i"))
    # 1 for a delta, by blob.
    deltas: bytearray = field(default_factory=bytearray)
    # Each blob's base's number in these columns (a delta's base is a blob of its pack), -1 for
    # none: the listing knows it, and finding it again by id cost the scan a hash lookup a blob.
    base_rows: array[int] = field(default_factory=lambda: array("i"))

    def __len__(self) -> int:
        return len(self.sizes)

    def base(self, n: int) -> bytes:
        """Blob n's delta base id, or zero bytes. A column of base ids cost 20 bytes a blob
        (a million-blob history: 20 MB in the scan process and in each worker it forks)."""
        row = self.base_rows[n]
        return bytes(self.oids[row * _WIDTH : (row + 1) * _WIDTH]) if row >= 0 else bytes(_WIDTH)


def store_packs(git_dir: Path) -> list[Path]:
    """The store's packs (their `.pack` paths), each with its index; raises Unreadable for an
    alternate store, which this reader does not follow."""
    objects = git_dir / "objects"
    if (objects / "info" / "alternates").exists():
        raise Unreadable("alternate object store")
    try:
        packs = sorted((objects / "pack").glob("*.pack"))
    except OSError as error:
        raise Unreadable(str(error)) from error
    # git uses a pack only once its index is written: a pack without one is still arriving.
    return [pack for pack in packs if pack.with_suffix(".idx").exists()]


def list_blobs(git_dir: Path) -> tuple[Blobs, list[Path]]:
    """Every blob of the store at `git_dir`: the loose ones, then each pack's in its own order;
    and the packs read. A blob stored twice (loose and packed, or in two packs) is listed twice."""
    blobs = Blobs()
    _loose_blobs(git_dir / "objects", blobs)
    packs = store_packs(git_dir)
    for number, pack in enumerate(packs):
        before = len(blobs)
        try:
            _pack_blobs(pack, blobs)
        except (OSError, ValueError, IndexError, zlib.error) as error:
            raise Unreadable(f"{pack.name}: {error}") from error
        blobs.packs.extend(array("i", [number]) * (len(blobs) - before))
    return blobs, packs


def _loose_blobs(objects: Path, blobs: Blobs) -> None:
    try:
        folders = sorted(
            entry.name for entry in os.scandir(objects) if len(entry.name) == 2 and entry.is_dir()
        )
    except OSError as error:
        raise Unreadable(str(error)) from error
    for folder in folders:
        with os.scandir(objects / folder) as entries:
            for entry in entries:
                name = entry.name
                if len(name) != 2 * _WIDTH - 2:
                    if len(name) == 62:
                        raise Unreadable("a SHA-256 object")
                    continue  # a temporary file
                try:
                    oid = bytes.fromhex(folder + name)
                    with open(entry.path, "rb") as handle:
                        disk = os.fstat(handle.fileno()).st_size
                        head = zlib.decompressobj().decompress(handle.read(256), 64)
                except (OSError, ValueError, zlib.error):
                    continue  # git lists no object it cannot read either
                kind, _, rest = head.partition(b" ")
                size, nul, _ = rest.partition(b"\0")
                if not nul or kind not in _LOOSE_TYPES or not size.isdigit():
                    continue
                if _LOOSE_TYPES[kind] == _BLOB:
                    blobs.oids += oid
                    blobs.sizes.append(int(size))
                    blobs.stored.append(disk)
                    blobs.offsets.append(0)
                    blobs.packs.append(-1)
                    blobs.deltas.append(0)
                    blobs.base_rows.append(_NO_BLOB)


def _pack_blobs(pack_path: Path, blobs: Blobs) -> None:
    idx_path = pack_path.with_suffix(".idx")
    with idx_path.open("rb") as handle:
        idx = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    with pack_path.open("rb") as handle:
        pack = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        _read_pack(idx, pack, blobs)
    finally:
        idx.close()
        pack.close()


def _read_pack(idx: mmap.mmap, pack: mmap.mmap, blobs: Blobs) -> None:
    if idx[:4] != _IDX_MAGIC or int.from_bytes(idx[4:8]) != 2:
        raise Unreadable("not a version-2 pack index")
    count = int.from_bytes(idx[8 + 255 * 4 : 8 + 256 * 4])
    names = 8 + 1024
    small = names + count * (_WIDTH + 4)
    large = small + count * 4
    larges = (len(idx) - large - 2 * _WIDTH) // 8
    if larges < 0 or large + 8 * larges + 2 * _WIDTH != len(idx):
        raise Unreadable("index size does not fit SHA-1 ids")  # SHA-256, or damaged
    if pack[:4] != b"PACK" or int.from_bytes(pack[8:12]) != count:
        raise Unreadable("pack header does not match its index")
    starts, positions = _pack_order(idx, small, large, count)
    _drop(idx, len(idx))  # the offsets, read whole
    end = len(pack) - _WIDTH
    if count and (starts[0] != 12 or starts[-1] >= end):
        raise Unreadable("entries outside the pack")
    kinds = bytearray(count)  # each entry's type (a delta's, its base's), in pack order
    # Deltas whose base's type is not known yet (a thin pack's bases come after them):
    # (number in pack order, its base's, where its instructions start).
    pending: list[tuple[int, int, int]] = []
    sizes, stored, offsets = blobs.sizes, blobs.stored, blobs.offsets
    first = len(sizes)
    # Ids are copied in at the end, in the index's order (_fill_ids): read here, in the pack's,
    # they came from all over the index, whose pages then filled this process (symfony: 19 MB).
    # Each entry's blob number (or _NO_BLOB) by index position; each blob's base's.
    blob_at = array("i", [_NO_BLOB]) * count
    base_blob = array("i")
    passed = _DROP_BYTES
    for number in range(count):
        start = starts[number]
        if start >= passed:
            _drop(pack, start)
            passed = start + _DROP_BYTES
        byte = pack[start]
        kind = (byte >> 4) & 7
        if kind < _BLOB or kind == _TAG:
            kinds[number] = kind
            continue
        size = byte & 0x0F
        at, shift = start + 1, 4
        while byte & 0x80:
            byte = pack[at]
            at += 1
            size |= (byte & 0x7F) << shift
            shift += 7
        following = starts[number + 1] if number + 1 < count else end
        if kind == _BLOB:
            kinds[number] = _BLOB
            base = _NO_BLOB
            disk = following - start
        elif kind == _OFS_DELTA:
            byte = pack[at]
            at += 1
            back = byte & 0x7F
            while byte & 0x80:
                byte = pack[at]
                at += 1
                back = ((back + 1) << 7) | (byte & 0x7F)
            target = start - back
            # git writes a base and its deltas together: most bases are a few entries back.
            near = number - _NEAR if number > _NEAR else 0
            found = bisect_left(starts, target, near, number)
            if found == near and starts[found] != target:
                found = bisect_left(starts, target, 0, near)
            if found >= number or starts[found] != target:
                raise Unreadable(f"delta at {start} has no entry for its base")
            kind = kinds[found]
            if kind != _BLOB:
                kinds[number] = kind
                if not kind:
                    pending.append((number, found, at))
                continue
            kinds[number] = _BLOB
            base = blob_at[positions[found]]
            size = _delta_size(pack, at, following)
            disk = following - start
        elif kind == _REF_DELTA:
            found = _base_number(idx, names, small, large, count, starts, pack[at : at + _WIDTH])
            kind = kinds[found]
            if kind != _BLOB:
                kinds[number] = kind
                if not kind:
                    pending.append((number, found, at + _WIDTH))
                continue
            kinds[number] = _BLOB
            base = blob_at[positions[found]]
            size = _delta_size(pack, at + _WIDTH, following)
            disk = following - start
        else:
            raise Unreadable(f"entry of type {kind} at {start}")
        blob_at[positions[number]] = len(sizes)
        base_blob.append(base)
        sizes.append(size)
        stored.append(disk)
        offsets.append(start)
    # Deltas on bases that come after them (a thin pack's bases, appended when it was fixed).
    while pending:
        waiting, pending = pending, []
        for number, found, instructions in waiting:
            kind = kinds[number] = kinds[found]
            if not kind:
                pending.append((number, found, instructions))
            elif kind == _BLOB:
                blob_at[positions[number]] = len(sizes)
                base_blob.append(blob_at[positions[found]])
                following = starts[number + 1] if number + 1 < count else end
                sizes.append(_delta_size(pack, instructions, following))
                stored.append(following - starts[number])
                offsets.append(starts[number])
        if len(pending) == len(waiting):
            raise Unreadable("deltas whose bases never resolve")
    del kinds, starts, positions
    _fill_ids(idx, names, blob_at, blobs.oids, len(sizes) - first)
    # A blob delta's base is a blob of the same pack, listed before the delta was.
    blobs.deltas.extend(map(_NO_BLOB.__ne__, base_blob))
    blobs.base_rows.extend(base_blob)


def _fill_ids(idx: mmap.mmap, names: int, blob_at: array[int], oids: bytearray, added: int) -> None:
    """Append the ids of the `added` blobs `blob_at` numbers (by index position) to `oids`,
    reading the index's ids front to back, a slice at a time."""
    _extend_zeros(oids, _WIDTH * added)
    chunk, begun, ended = b"", 0, 0
    for position in compress(range(len(blob_at)), map(_NO_BLOB.__ne__, blob_at)):
        if position >= ended:
            _drop(idx, len(idx))
            begun, ended = position, min(position + _IDS_AT_ONCE, len(blob_at))
            chunk = idx[names + begun * _WIDTH : names + ended * _WIDTH]
        number, at = blob_at[position], (position - begun) * _WIDTH
        oids[number * _WIDTH : (number + 1) * _WIDTH] = chunk[at : at + _WIDTH]
    _drop(idx, len(idx))


def _extend_zeros(column: bytearray, count: int) -> None:
    """`count` zero bytes appended a slice at a time: `bytes(count)` held them twice at once
    (20 MB more at the end of a million-blob listing, the largest the listing got)."""
    zeros = bytes(min(count, _ZEROS_AT_ONCE))
    for _ in range(count // _ZEROS_AT_ONCE):
        column += zeros
    column += zeros[: count % _ZEROS_AT_ONCE]


def _pack_order(
    idx: mmap.mmap, small: int, large: int, count: int
) -> tuple[array[int], array[int]]:
    """Where each entry starts, in pack order, and its position in the index."""
    raw = idx[small:large]
    if max(raw[0::4], default=0) < 0x80:
        # Every offset in 31 bits: each (big-endian offset, big-endian position) pair of
        # 4-byte words read as one 8-byte number sorts by offset, built and split in C.
        order = array("I", range(count))
        if sys.byteorder == "little":
            order.byteswap()
        pairs = bytearray(8 * count)
        ranks = order.tobytes()
        for lane in range(4):
            pairs[lane::8] = raw[lane::4]
            pairs[4 + lane :: 8] = ranks[lane::4]
        del order, ranks
        keyed = array("Q", pairs)
        del pairs
        if sys.byteorder == "little":
            keyed.byteswap()
        keyed = _sorted(keyed, raw[0::4], raw[1::4])
        if sys.byteorder == "little":
            keyed.byteswap()
        pairs = bytearray(keyed.tobytes())
        del keyed
        split = bytearray(4 * count), bytearray(4 * count)
        for lane in range(4):
            split[0][lane::4] = pairs[lane::8]
            split[1][lane::4] = pairs[4 + lane :: 8]
        del pairs
        starts, positions = array("I", split[0]), array("I", split[1])
        if sys.byteorder == "little":
            starts.byteswap()
            positions.byteswap()
        return starts, positions
    values = array("I", raw)
    if sys.byteorder == "little":
        values.byteswap()
    keyed_list = sorted(
        ((value if value < 0x80000000 else _large_offset(idx, large, value)) << 32) | position
        for position, value in enumerate(values)
    )
    return (
        array("Q", [key >> 32 for key in keyed_list]),
        array("I", [key & 0xFFFFFFFF for key in keyed_list]),
    )


def _sorted(keyed: array[int], top: bytes, second: bytes) -> array[int]:
    """`keyed` sorted, a slice of the pack at a time when it is long: sorting holds a Python
    int per entry (48 bytes: 106 MB for the two million entries of a million-blob history).
    `top` and `second` are the first two bytes of each entry's big-endian offset; a slice is
    picked out of the whole in C (a byte per entry saying whether it is in the slice)."""
    if len(keyed) <= _SORT_AT_ONCE:
        return array("Q", sorted(keyed))
    high = (max(top) << 8 | 255) + 1  # offsets >> 16 are below this
    parts = -(-len(keyed) // _SORT_AT_ONCE)
    out = array("Q")
    for part in range(parts):
        low, end = part * high // parts, (part + 1) * high // parts
        if end > low:
            out.extend(sorted(compress(keyed, _between(top, second, low, end))))
    if len(out) != len(keyed):
        raise Unreadable("offsets lost while sorting")
    return out


def _between(top: bytes, second: bytes, low: int, end: int) -> bytes:
    """A byte per entry, 1 where its offset >> 16 (`top` and `second` byte) is in [low, end)."""
    picked = 0
    for value in range(low >> 8, ((end - 1) >> 8) + 1):
        first = low & 255 if value == low >> 8 else 0
        last = (end - 1) & 255 if value == (end - 1) >> 8 else 255
        same = int.from_bytes(top.translate(_ONE_OF[value]), "little")
        if first or last != 255:
            table = bytes(first <= byte <= last for byte in range(256))
            same &= int.from_bytes(second.translate(table), "little")
        picked |= same
    return picked.to_bytes(len(top), "little")


def _base_number(
    idx: mmap.mmap,
    names: int,
    small: int,
    large: int,
    count: int,
    starts: array[int],
    oid: bytes,
) -> int:
    """The number in pack order of the entry `oid` names in this pack."""
    position = _index_position(idx, names, count, oid)
    value = int.from_bytes(idx[small + 4 * position : small + 4 * position + 4])
    start = value if value < 0x80000000 else _large_offset(idx, large, value)
    return bisect_left(starts, start)


def _large_offset(idx: mmap.mmap, large: int, value: int) -> int:
    at = large + (value & 0x7FFFFFFF) * 8
    return int.from_bytes(idx[at : at + 8])


def _delta_size(pack: mmap.mmap, at: int, end: int) -> int:
    """The size of the object a delta makes: its instructions' second field, after the base's
    size, from their first inflated bytes. `end` is where the entry ends."""
    inflater = zlib.decompressobj()
    head = inflater.decompress(pack[at : min(end, at + _PEEK)], _FIELDS)
    while True:
        try:
            return _second_field(head)
        except IndexError:
            at += _PEEK
            if inflater.eof or at >= end:
                raise
            more = inflater.unconsumed_tail + pack[at : min(end, at + _PEEK)]
            head += inflater.decompress(more, _FIELDS - len(head))


def _second_field(head: bytes) -> int:
    at = 0
    while head[at] & 0x80:
        at += 1
    at += 1
    value = shift = 0
    while True:
        byte = head[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value


def _index_position(idx: mmap.mmap, names: int, count: int, oid: bytes) -> int:
    low = int.from_bytes(idx[8 + (oid[0] - 1) * 4 : 8 + oid[0] * 4]) if oid[0] else 0
    high = int.from_bytes(idx[8 + oid[0] * 4 : 12 + oid[0] * 4])
    while low < high:
        middle = (low + high) // 2
        at = names + middle * _WIDTH
        found = idx[at : at + _WIDTH]
        if found == oid:
            return middle
        if found < oid:
            low = middle + 1
        else:
            high = middle
    raise Unreadable("a delta's base is not in its pack")


def _drop(mapped: mmap.mmap, up_to: int) -> None:
    """Drop the mapping's pages below `up_to` from this process (where the system can: Windows
    has no madvise, and there the pages stay mapped until the pack is read)."""
    edge = up_to - up_to % mmap.PAGESIZE
    if edge and _DONTNEED is not None:
        mapped.madvise(_DONTNEED, 0, edge)
