"""Git pack files, read directly: which parts of a deltified blob are new against its base.

Stage: sources. A history is mostly small edits of earlier files, and git already stores each such
blob as a delta: instructions that copy ranges of a base object and insert literal bytes. Reading
those instructions (a few hundred bytes to inflate, against the whole blob for its content) tells
exactly which byte ranges of the blob are copies of the base, and from where, so a history scan
can look closely only at what changed and carry the base's findings over to the rest. Given the
base's bytes, the same pass rebuilds the blob itself: cheaper than `git cat-file` inflating it
and piping every byte over, when the base is already in memory.

Only version-2 pack indexes of SHA-1 repositories are read; anything else (loose objects, other
formats, damaged entries) answers None and the caller scans the blob whole.
"""

from __future__ import annotations

import mmap
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from math import isqrt
from pathlib import Path
from typing import TypeVar, cast

from dulwich.errors import ApplyDeltaError

# The compiled applier of dulwich's wheel (its own Python one where the wheel has no extension).
from dulwich.pack import apply_delta as _native_apply_delta
from zlib_ng import zlib_ng

# zlib-ng's inflate reads the same streams as zlib with less CPU: on 4 of symfony's history's
# tasks 3.7% fewer worker instructions (callgrind), a delta's inflation 5.1 -> 3.5 us (issue #18).
# What reading a damaged entry raises: it is then read as unreadable here, as a bad delta is.
# zlib-ng's stub declares its `error` as an instance, not the class it is.
_INFLATE_ERROR = cast("type[Exception]", zlib_ng.error)
_UNREADABLE = (ValueError, IndexError, _INFLATE_ERROR)

_IDX_MAGIC = b"\377tOc"
_OID_BYTES = 20
_BLOB = 3
_OFS_DELTA = 6
_REF_DELTA = 7
# The first read of a delta's compressed bytes, inflated in one call; a delta that goes on past
# it is inflated again from its start, four times as much each read. What follows the entry in
# that first read is never copied (inflating stops at the stream's end), but each delta
# that does not fit inflates its first read twice: at 4 KiB, 4,100 of symfony's 248k deltas, and
# the delta inflation of all of them took 1.77 s, at 16 KiB 1.55-1.59 s (rails' 1.44-1.51 ->
# 1.30-1.32 s; same process, alternating, the reads as views of the mapping; issue #18).
_READ = 16 * 1024


# (start, end, source): blob bytes [start, end) are base bytes [source, source + end - start).
Copy = tuple[int, int, int]
# Where a delta and its base start in the lone pack (sources.pack_offsets), and the blob's size.
Place = tuple[int, int, int] | None
_Read = TypeVar("_Read")


@dataclass(frozen=True, slots=True)
class Delta:
    """A blob as copies of its base; every byte of the blob outside `copies` is new. Copies
    that continue one another in both blob and base are merged into one. `content` is the blob
    itself when it was read with its base's bytes at hand."""

    base_size: int
    size: int
    copies: list[Copy]
    content: bytes | None = None


class _Pack:
    def __init__(self, idx_path: Path) -> None:
        self.name = idx_path.stem
        with idx_path.open("rb") as handle:
            self._idx = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        with idx_path.with_suffix(".pack").open("rb") as handle:
            self._pack = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        # Slices of a view are not copies: a whole blob inflates straight from the mapping.
        self._view = memoryview(self._pack)
        idx = self._idx
        if idx[:4] != _IDX_MAGIC or struct.unpack(">I", idx[4:8])[0] != 2:
            raise ValueError("not a version-2 pack index")
        self._fanout = struct.unpack(">256I", idx[8 : 8 + 1024])
        self._count = self._fanout[255]
        self._names = 8 + 1024
        self._offsets = self._names + self._count * (_OID_BYTES + 4)
        self._large = self._offsets + self._count * 4
        # How far `_search`'s second guess may be off, in entries, sized for the largest
        # fan-out bucket: about the fourth root of its size (see there).
        largest = max(b - a for a, b in zip((0, *self._fanout), self._fanout, strict=False))
        self._spread = 2 * isqrt(isqrt(largest)) + 8
        # Offsets found so far, for the one task a reader serves. A delta's base was looked up
        # when it was read, just before: checking an offset delta's base then costs no second
        # search of the index.
        self._found: dict[bytes, int] = {}

    def offset(self, oid: bytes) -> int | None:
        found = self._found.get(oid)
        if found is None:
            found = self._search(oid)
            if found is not None:
                self._found[oid] = found
        return found

    def _search(self, oid: bytes) -> int | None:
        low = self._fanout[oid[0] - 1] if oid[0] else 0
        high = self._fanout[oid[0]]
        # Object ids are hashes, spread evenly over their fan-out bucket: the id's next bytes
        # tell about where in it the id sits. Two guesses and one `find` (in C) over a window
        # around the second replace the ~11 reads of the index in Python that halving took per
        # blob in symfony's 956k-object pack (issue #18; callgrind: 8.41 G -> 5.18 G
        # instructions for its 274k blobs). An id the window misses is found by halving.
        count = high - low
        if not count:
            return None
        idx, names = self._idx, self._names
        key = int.from_bytes(oid[1:5])
        guess = low + (key * count >> 32)
        # A second guess from the key at the first: a few entries off, where the first was
        # some square roots of the bucket's size off.
        at = names + guess * _OID_BYTES + 1
        guess += (key - int.from_bytes(idx[at : at + 4])) * count >> 32
        start, end = max(low, guess - self._spread), min(high, guess + self._spread + 1)
        first, last = names + start * _OID_BYTES, names + end * _OID_BYTES
        at = idx.find(oid, first, last)
        while at >= 0:
            if (at - names) % _OID_BYTES == 0:
                return self._entry_offset((at - names) // _OID_BYTES)
            at = idx.find(oid, at + 1, last)  # the id's bytes across two entries: look on
        if start == low and end == high:
            return None
        return self._halving(oid, low, high)

    def _halving(self, oid: bytes, low: int, high: int) -> int | None:
        """Binary search of entries [low, high), for an id the guessed window missed."""
        idx, names = self._idx, self._names
        while low < high:
            middle = (low + high) // 2
            at = names + middle * _OID_BYTES
            found = idx[at : at + _OID_BYTES]
            if found == oid:
                return self._entry_offset(middle)
            if found < oid:
                low = middle + 1
            else:
                high = middle
        return None

    def _entry_offset(self, position: int) -> int:
        at = self._offsets + position * 4
        value: int = struct.unpack(">I", self._idx[at : at + 4])[0]
        if value & 0x80000000:
            at = self._large + (value & 0x7FFFFFFF) * 8
            value = struct.unpack(">Q", self._idx[at : at + 8])[0]
        return value

    def whole_at(self, offset: int, stored: int, expected: int = -1) -> bytes | None:
        """The blob stored whole at `offset` in `stored` bytes (header included); None when the
        entry is a delta or not a blob, or not of the `expected` size when one is given."""
        pack = self._pack
        byte = pack[offset]
        kind = (byte >> 4) & 7
        size = byte & 0x0F
        at, shift = offset + 1, 4
        while byte & 0x80:
            byte = pack[at]
            at += 1
            size |= (byte & 0x7F) << shift
            shift += 7
        if kind != _BLOB or expected not in (-1, size):
            return None
        data = zlib_ng.decompress(self._view[at : offset + stored], bufsize=max(size, 1))
        if len(data) != size:
            raise ValueError("blob inflates to another size than its header says")
        return data

    def delta_at(
        self, offset: int, base_oid: bytes, base: bytes | None, base_offset: int = 0
    ) -> Delta | None:
        """The delta stored at `offset`, or None unless it is a delta of `base_oid`: another
        pack may hold the same blob against another base, and copies only make sense against
        the base they were computed from."""
        data = self._delta_bytes(offset, base_oid, base_offset)
        return None if data is None else parse_delta(data, base)

    def rebuilt_at(
        self, offset: int, base_oid: bytes, base: bytes, base_offset: int = 0
    ) -> bytes | None:
        """The blob stored at `offset` as a delta of `base_oid`, rebuilt from `base`; None
        unless it is stored so."""
        data = self._delta_bytes(offset, base_oid, base_offset)
        return None if data is None else apply_delta(data, base)

    def _delta_bytes(self, offset: int, base_oid: bytes, base_offset: int = 0) -> bytes | None:
        """The inflated instructions of the delta of `base_oid` at `offset`, or None.
        `base_offset` is where the base's entry starts when known, else the index is asked."""
        pack = self._pack
        byte = pack[offset]
        kind = (byte >> 4) & 7
        at = offset + 1
        while byte & 0x80:
            byte = pack[at]
            at += 1
        if kind == _OFS_DELTA:
            byte = pack[at]
            at += 1
            distance = byte & 0x7F
            while byte & 0x80:
                byte = pack[at]
                at += 1
                distance = ((distance + 1) << 7) | (byte & 0x7F)
            if (base_offset or self.offset(base_oid)) != offset - distance:
                return None
        elif kind == _REF_DELTA:
            if pack[at : at + _OID_BYTES] != base_oid:
                return None
            at += _OID_BYTES
        else:
            return None
        try:
            # Most deltas end within the first read: one call, no inflater object to set up.
            return zlib_ng.decompress(self._view[at : at + _READ])
        except _INFLATE_ERROR:
            pass  # it goes on past that read (or is damaged, which the reads below tell)
        inflater = zlib_ng.decompressobj()
        data = b""
        step = _READ
        while not inflater.eof:
            # Deltas are small; a big rewrite's may need more than one read.
            more = self._view[at : at + step]
            if not more:
                raise ValueError("pack entry runs past the end of the pack")
            data += inflater.decompress(more)
            at += step
            step *= 4
        return data


def parse_delta(data: bytes, base: bytes | None = None) -> Delta:
    """Git's delta format: two sizes, then copy (high bit set) and insert instructions. With
    the base's bytes, the blob is rebuilt too."""
    base_size, at = _varint(data, 0)
    size, at = _varint(data, at)
    if base is not None and len(base) != base_size:
        raise ValueError("delta was made against a base of another size")
    rebuild = base is not None
    # Views, so each copied range is copied once: into the joined blob.
    source_bytes = memoryview(base or b"")
    pieces: list[bytes | memoryview] = []
    copies: list[Copy] = []
    # The run being built; a copy that continues it in blob and base extends it.
    run_start = run_end = run_source = -1
    written = 0
    end = len(data)
    while at < end:
        op = data[at]
        at += 1
        if op & 0x80:
            source, length, at = _copy_operands(data, op, at)
            if source + length > base_size:
                raise ValueError("delta copies past the end of its base")
            if rebuild:
                pieces.append(source_bytes[source : source + length])
            if written == run_end and source == run_source + run_end - run_start:
                run_end += length
            else:
                if run_end >= 0:
                    copies.append((run_start, run_end, run_source))
                run_start, run_end, run_source = written, written + length, source
            written += length
        elif op:
            if at + op > end:
                raise ValueError("delta ends inside an insert")
            if rebuild:
                pieces.append(data[at : at + op])
            at += op
            written += op
        else:
            raise ValueError("delta instruction 0 is reserved")
    if written != size:
        raise ValueError("delta does not add up to its declared size")
    if run_end >= 0:
        copies.append((run_start, run_end, run_source))
    return Delta(base_size, size, copies, b"".join(pieces) if rebuild else None)


def apply_delta(data: bytes, base: bytes) -> bytes:
    """The blob git's delta `data` makes of `base`: `parse_delta`'s rebuild without the copies,
    for the many deltas that are scanned whole. Done by dulwich's compiled applier: the Python
    loop over instructions was 15 % of a symfony history scan. Raises ValueError on a delta
    that does not fit its base, as `parse_delta` does."""
    try:
        pieces = _native_apply_delta(base, data)
    except ApplyDeltaError as error:
        # Rare (a damaged pack): the Python reader names what is wrong with it.
        parse_delta(data, base)
        raise ValueError(f"delta does not apply to its base: {error}") from None
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


def _copy_operands(data: bytes, op: int, at: int) -> tuple[int, int, int]:
    """A copy instruction's (source offset, length, next position). Unrolled: a loop over the
    seven operand bits cost a third of reading a delta."""
    source = length = 0
    if op & 0x01:
        source = data[at]
        at += 1
    if op & 0x02:
        source |= data[at] << 8
        at += 1
    if op & 0x04:
        source |= data[at] << 16
        at += 1
    if op & 0x08:
        source |= data[at] << 24
        at += 1
    if op & 0x10:
        length = data[at]
        at += 1
    if op & 0x20:
        length |= data[at] << 8
        at += 1
    if op & 0x40:
        length |= data[at] << 16
        at += 1
    return source, length or 0x10000, at


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


class PackReader:
    """Blobs stored whole, and delta instructions of the others, in a repository's packs.

    `lone` names the pack (its file name without suffix) that blobs' known offsets are in
    (sources.pack_offsets): a blob given its offset is read there with no search of the index;
    one that does not read as expected there is looked up as any other."""

    def __init__(self, git_dir: Path, lone: str = "") -> None:
        self._git_dir = git_dir
        self._lone = lone
        # Mapped at the first lookup: a range scan, whose blobs carry neither a stored size nor
        # a base, never needs them.
        self._opened: list[_Pack] | None = None
        self._placed: _Pack | None = None

    def _packs(self) -> list[_Pack]:
        if self._opened is None:
            self._opened = []
            for idx_path in sorted((self._git_dir / "objects" / "pack").glob("*.idx")):
                try:
                    self._opened.append(_Pack(idx_path))
                except (OSError, ValueError):
                    continue  # an unreadable pack only means its blobs come from cat-file
            self._placed = next((p for p in self._opened if self._lone == p.name), None)
        return self._opened

    def whole(self, oid: bytes, stored: int, offset: int = 0, size: int = 0) -> bytes | None:
        """The content of `oid` when a pack stores it whole in `stored` bytes (as git's
        `%(objectsize:disk)` gave them), inflated here: no cat-file, no pipe. None otherwise.
        With its `offset` in the lone pack, read there if it inflates to its `size`."""
        if stored <= 0:
            return None
        if offset:
            found = self._placed_read(size, len, lambda pack: pack.whole_at(offset, stored, size))
            if found is not None:
                return found
        return self._first(oid, lambda pack, at: pack.whole_at(at, stored))

    def delta(
        self, oid: bytes, base_oid: bytes, base: bytes | None = None, place: Place = None
    ) -> Delta | None:
        """The copies making up `oid` from `base_oid` (binary ids), and with `base` (that
        object's bytes) the blob rebuilt; None when no pack here stores it as a delta of that
        base."""
        if len(base_oid) != _OID_BYTES:
            return None
        placed = self._at_place(
            place, _delta_size, lambda pack, at, base_at: pack.delta_at(at, base_oid, base, base_at)
        )
        if placed is not None:
            return placed
        return self._first(oid, lambda pack, offset: pack.delta_at(offset, base_oid, base))

    def rebuilt(
        self, oid: bytes, base_oid: bytes, base: bytes, place: Place = None
    ) -> bytes | None:
        """`oid` rebuilt from `base` (the bytes of `base_oid`) when a pack here stores it as a
        delta of that base; None otherwise. `delta` without the copies: cheaper, for a blob
        that will be scanned whole."""
        if len(base_oid) != _OID_BYTES:
            return None
        if place is not None:
            # Most blobs of a history come this way: read in place, without `_placed_read`'s
            # two closures and calls (as `_at_place` checks, by size).
            if self._opened is None:
                self._packs()
            pack = self._placed
            if pack is not None:
                at, base_at, size = place
                try:
                    found = pack.rebuilt_at(at, base_oid, base, base_at)
                except _UNREADABLE:
                    found = None
                if found is not None and len(found) == size:
                    return found
        return self._first(oid, lambda pack, offset: pack.rebuilt_at(offset, base_oid, base))

    def _at_place(
        self,
        place: Place,
        size_of: Callable[[_Read], int],
        read: Callable[[_Pack, int, int], _Read | None],
    ) -> _Read | None:
        """What `read` finds at a delta's known `place` (its offset, its base's, its blob's
        size) in the lone pack, checked as `_placed_read` does; None without a place."""
        if place is None:
            return None
        at, base_at, size = place
        return self._placed_read(size, size_of, lambda pack: read(pack, at, base_at))

    def _placed_read(
        self, size: int, size_of: Callable[[_Read], int], read: Callable[[_Pack], _Read | None]
    ) -> _Read | None:
        """What `read` finds in the lone pack, if it is `size` bytes long: a check that an
        offset added up from the listing is the entry of the blob it was given for."""
        self._packs()
        if self._placed is None:
            return None
        try:
            found = read(self._placed)
        except _UNREADABLE:
            return None
        return found if found is not None and size_of(found) == size else None

    def _first(self, oid: bytes, read: Callable[[_Pack, int], _Read | None]) -> _Read | None:
        """What `read` finds at binary id `oid`'s entry in the first pack that has it."""
        if len(oid) != _OID_BYTES:
            return None
        for pack in self._packs():
            offset = pack.offset(oid)
            if offset is None:
                continue
            try:
                found = read(pack, offset)
            except _UNREADABLE:
                found = None  # damaged here: another pack, or cat-file, may do better
            if found is not None:
                return found
        return None


def _delta_size(delta: Delta) -> int:
    return delta.size


def index_offsets(pack: Path, oids: Sequence[bytes]) -> list[int | None]:
    """Where the index of `pack` puts each of `oids` (None: not in it)."""
    found = _Pack(pack.with_suffix(".idx"))
    return [found.offset(oid) for oid in oids]
