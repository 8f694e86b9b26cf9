"""From the two listings of a history to the table of blobs a history scan reads.

Stage: orchestration. The object listing (sources.git_pack_listing: the pack indexes read here,
or `git cat-file --batch-all-objects --batch-check`) gives every blob with its size, stored size
and delta base; `git rev-list --objects` names the reachable ones. `Listed` holds the first as
columns while git still walks for the second; `merged` joins them into a
`BlobTable` (git_blob_table.py) in the listing's own columns, so a million-blob history is never
held twice.
"""

from __future__ import annotations

import ctypes
import sys
from array import array
from collections.abc import Iterable
from itertools import compress

from leakward.scanner.git_blob_table import NO_BASE, BlobTable
from leakward.scanner.git_delta import worth_comparing
from leakward.scanner.models import Skipped
from leakward.scanner.sources.git_pack_listing import PackListing

# Sizes and offsets below this are kept in 4 bytes (Listed._narrow).
_NARROW_LIMIT = 1 << 32
# Blobs whose offsets are checked against the pack's index, spread over the listing: with the
# sizes filling the pack exactly, they show the listing ran in the pack's order.
_OFFSET_SAMPLES = 16

# Every delta whose base is a blob is rebuilt from that base, held in memory, rather than piped
# from cat-file. Once only deltas under 1/20 of their blob were (Python applying a big delta's
# instructions cost more than git inflating it); with dulwich's compiled applier the rest cost
# the same instructions here as in cat-file (callgrind, a 139 MB task of symfony's history:
# 9.27 G with cat-file, 9.29 G without), and no pipe, no cat-file per task: system time 0.054 s
# -> 0.021 s on that task. The bases held at once grew from 9.9 to 17.6 MB on symfony.


class Listed:
    """The object listing's blobs as columns, before they are named: how each is read (see
    the note above). `base_ids` gives each one's delta base id, or zero bytes; `offsets` where
    each one's entry starts in the pack named `pack`, or all zeros when that is not known
    (sources.pack_offsets). A listing read here knows each base's row (`base_rows`) and keeps
    no `bases`; git's listing names bases by id, kept in `bases`."""

    def __init__(self) -> None:
        self.width = 20
        self.oids = bytearray()
        self.bases = bytearray()
        self.sizes = array("Q")
        self.stored = array("Q")
        self.offsets = array("Q")
        self.compare = bytearray()
        self.pack = ""
        # Each row's base's row (-1 for none) where the listing knew it, else None.
        self.base_rows: array[int] | None = None

    def __len__(self) -> int:
        return len(self.sizes)

    @classmethod
    def read(
        cls,
        rows: Iterable[tuple[str, int, int, str | None, int]],
        listing: PackListing | None = None,
    ) -> Listed:
        """The rows' blobs; their offsets are kept if `listing`, which gave the rows, finds
        they hold for a sample of them (PackListing.offsets_hold). A listing that reads the
        packs itself gives its columns instead, and `rows` is never started."""
        listed = cls()
        blobs = listing.columns() if listing is not None else None
        if blobs is not None:
            # Read from the packs here (sources.pack_index_listing): the columns as they are.
            listed.oids, listed.base_rows = blobs.oids, blobs.base_rows
            listed.pack = listing.pack  # type: ignore[union-attr]
            listed.compare = bytearray(map(worth_comparing, blobs.sizes, blobs.stored))
            for n in compress(range(len(blobs)), blobs.deltas):
                blobs.stored[n] = 0  # read through its base, never whole
            listed._narrow(blobs.sizes, blobs.stored, blobs.offsets)
            if not listed.pack:
                listed.offsets = array("I", bytes(4 * len(listed)))
            # Sorting the packs' entries left free memory behind that the allocator keeps (a
            # million-blob history: 38 MB), and the workers, forked next, would each copy it.
            _return_freed_memory()
            return listed
        for oid, size, stored, base, offset in rows:
            listed.width = len(oid) // 2
            listed.oids += bytes.fromhex(oid)
            listed.bases += bytes.fromhex(base) if base else bytes(listed.width)
            listed.sizes.append(size)
            listed.stored.append(stored if base is None else 0)
            listed.offsets.append(offset)
            listed.compare.append(worth_comparing(size, stored))
        if listing is not None and len(listed) and listing.offsets_hold(listed._samples()):
            listed.pack = listing.pack
        else:
            listed.offsets = array("Q", bytes(8 * len(listed)))
        listed._narrow(listed.sizes, listed.stored, listed.offsets)
        return listed

    def _narrow(self, sizes: array[int], stored: array[int], offsets: array[int]) -> None:
        """Takes these columns in 4 bytes a blob where every value fits, as almost every
        history's do, else in 8. They are held to the end of the scan, and every worker forked
        meanwhile holds a copy (a million-blob history: 12 MB less in each process)."""
        self.sizes, self.stored, self.offsets = map(_narrowed, (sizes, stored, offsets))

    def base_ids(self, start: int, end: int) -> bytes:
        """The delta base ids of rows `start` to `end`, zero bytes for none."""
        width = self.width
        if self.base_rows is None:
            return bytes(self.bases[start * width : end * width])
        oids, empty = self.oids, bytes(width)
        return b"".join(
            [
                oids[row * width : (row + 1) * width] if row >= 0 else empty
                for row in self.base_rows[start:end]
            ]
        )

    def _samples(self) -> list[tuple[bytes, int]]:
        """(binary id, offset) of _OFFSET_SAMPLES blobs spread from the first to the last."""
        last, width = len(self) - 1, self.width
        picked = sorted({n * last // (_OFFSET_SAMPLES - 1) for n in range(_OFFSET_SAMPLES)})
        # A loose blob has no offset to check (git lists loose objects first).
        return [
            (bytes(self.oids[n * width : (n + 1) * width]), self.offsets[n])
            for n in picked
            if self.offsets[n]
        ]


def _return_freed_memory() -> None:
    """Hands the C allocator's free pages back to the system where it keeps them (glibc's
    `malloc_trim`; elsewhere nothing is done). About 10 ms."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):
        return  # not glibc, or no C library by that name (Windows)
    trim(0)


def _narrowed(column: array[int]) -> array[int]:
    """`column` in 4-byte items if they all fit, else itself. The low half of each item is
    copied in C (an int object a value cost 30 ms at a million)."""
    if column.itemsize == 4 or max(column, default=0) >= _NARROW_LIMIT:
        return column
    raw = column.tobytes()
    low = bytearray(4 * len(column))
    skip = 0 if sys.byteorder == "little" else 4
    for lane in range(4):
        low[lane::4] = raw[skip + lane :: 8]
    return array("I", low)


def merged(
    listed: Listed,
    paths: dict[bytes, str],
    all_objects: bool,
    limit: int,
    skipped: list[Skipped],
) -> tuple[BlobTable, set[str]]:
    """The listed blobs named by the walk (with `all_objects`, the unreachable ones too), then
    the ones the walk named but the listing left out; and the ids of the unreachable ones.
    Blobs over `limit` are reported, not kept. `paths` is consumed."""
    table = BlobTable(listed.width)
    unreachable: set[str] = set()
    width = listed.width
    # The rows are moved down below: base rows would then name other blobs. A small history's
    # (NamedBlobs takes the large ones), so its base ids are made here.
    if listed.base_rows is not None:
        listed.bases, listed.base_rows = bytearray(listed.base_ids(0, len(listed))), None
    # Each name, once taken, is replaced by its blob's position in the table (NO_BASE for a blob
    # left out): the walk's own dictionary then finds the bases, with no second one.
    positions: dict[bytes, str | int] = paths  # type: ignore[assignment]
    rows = array("q")  # the listing row of each blob in the table
    # The table is built in the listing's own columns, each kept blob moved down to its place:
    # a second copy of them cost a million-blob history 45 MB at its peak.
    kept = 0
    for n in range(len(listed)):
        oid = bytes(listed.oids[n * width : (n + 1) * width])
        name = positions.get(oid)
        if isinstance(name, int):
            continue  # listed again, from a second pack
        if name is None:
            if not all_objects:
                continue
            unreachable.add(oid.hex())
            name = f"(unreachable blob {oid.hex()[:12]})"
        size = listed.sizes[n]
        if size > limit:
            skipped.append(too_large(name, limit))
            positions[oid] = NO_BASE
            continue
        positions[oid] = kept
        rows.append(n)
        listed.oids[kept * width : (kept + 1) * width] = oid
        listed.sizes[kept] = size
        listed.stored[kept] = listed.stored[n]
        listed.offsets[kept] = listed.offsets[n]
        listed.compare[kept] = listed.compare[n]
        table.path_ids.append(table.path_number(name))
        kept += 1
    del listed.oids[kept * width :], listed.sizes[kept:], listed.stored[kept:]
    del listed.offsets[kept:], listed.compare[kept:]
    table.adopt(listed.oids, listed.sizes, listed.stored, listed.offsets, listed.compare)
    table.pack = listed.pack
    empty = bytes(width)
    for position, n in enumerate(rows):
        base = bytes(listed.bases[n * width : (n + 1) * width])
        if base != empty:
            found = positions.get(base)
            if isinstance(found, int) and found != NO_BASE and found != position:
                table.bases[position] = found
    # Reachable but not listed: a corrupt object is left out of the object listing; asking
    # cat-file for it anyway is what gets it reported instead of silently unscanned.
    for oid, name in positions.items():
        if isinstance(name, str):
            table.append(oid, name, 0)
    positions.clear()
    return table, unreachable


def too_large(path: str, limit: int) -> Skipped:
    """What a blob over the size limit is reported as, from either kind of history scan."""
    return Skipped(path, f"blob larger than the {limit >> 20} MiB limit")
