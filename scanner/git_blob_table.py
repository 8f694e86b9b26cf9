"""The blobs of a history scan as columns: a few flat arrays instead of an object per blob.

Stage: orchestration. A history scan holds every blob it will read from the listing to the end
of the scan, and the workers fork from that process. As `Blob` objects (an object header, a
40-character id string, its base's id again, two size ints) that cost about 300 bytes a blob:
572 MB at the peak of a million-blob history, growing with it. Here a blob is its binary id,
two sizes, its base's position, one flag and a path number: about 45 bytes, and a handful of
Python objects however many blobs there are. `Blob` objects are made only inside a worker, for
the blobs of its task. `families` orders a table's blobs by delta family, each base before its
deltas, as the workers read them.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate
from typing import TypeAlias

from leakward.scanner.sources.git_blob import Blob

# No base: the blob is read whole, or its base is not scanned.
NO_BASE = -1


class BlobTable:
    """Blobs in scan order. `bases[n]` is the position of blob n's base in this table, or NO_BASE;
    a base always comes from the same table, so a task carries its families whole."""

    __slots__ = (
        "_path_numbers",
        "bases",
        "compare",
        "offsets",
        "oids",
        "pack",
        "path_ids",
        "paths",
        "sizes",
        "stored",
        "width",
    )

    def __init__(self, width: int = 20) -> None:
        # Bytes per binary object id: 20 for SHA-1, 32 for SHA-256.
        self.width = width
        self.oids = bytearray()
        self.sizes = array("Q")
        self.stored = array("Q")
        # Where each blob's entry starts in the pack named `pack`, or 0 (sources.pack_offsets).
        self.offsets = array("Q")
        self.pack = ""
        self.bases = array("i")
        self.compare = bytearray()
        # Each distinct path once: a million blobs of a history share far fewer paths.
        self.paths: list[str] = []
        self.path_ids = array("I")
        self._path_numbers: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.sizes)

    def __getstate__(self) -> tuple[object, ...]:
        # Sent to a worker without the path lookup, which only appending needs.
        columns = (self.oids, self.sizes, self.stored, self.bases, self.compare, self.path_ids)
        return (self.width, self.paths, *columns, self.offsets, self.pack)

    def __setstate__(self, state: tuple[object, ...]) -> None:
        self.width, self.paths, self.oids, self.sizes, self.stored, self.bases = state[:6]  # type: ignore[assignment]
        self.compare, self.path_ids, self.offsets, self.pack = state[6:]  # type: ignore[assignment]
        self._path_numbers = {path: n for n, path in enumerate(self.paths)}

    def append(
        self,
        oid: bytes,
        path: str,
        size: int,
        base: int = NO_BASE,
        compare: bool = False,
        stored: int = 0,
        offset: int = 0,
    ) -> None:
        """Adds a blob by its binary id; `base` is the position of its base in this table."""
        self.oids += oid
        self.sizes.append(size)
        self.stored.append(stored)
        self.offsets.append(offset)
        self.bases.append(base)
        self.compare.append(compare)
        self.path_ids.append(self.path_number(path))

    def path_number(self, path: str) -> int:
        """The number of `path` in `paths`, added if new."""
        number = self._path_numbers.get(path)
        if number is None:
            number = self._path_numbers[path] = len(self.paths)
            self.paths.append(path)
        return number

    def adopt(
        self,
        oids: bytearray,
        sizes: array[int],
        stored: array[int],
        offsets: array[int],
        compare: bytearray,
    ) -> None:
        """Takes these columns as its own, without copies: blobs numbered by `path_ids`
        already, none with a base yet. For a table built in place of another's columns."""
        self.oids, self.sizes, self.stored, self.compare = oids, sizes, stored, compare
        self.offsets = offsets
        self.bases = array("i", [NO_BASE]) * len(sizes)

    def oid(self, n: int) -> str:
        return self.oids[n * self.width : (n + 1) * self.width].hex()

    def raw_oid(self, n: int) -> bytes:
        return bytes(self.oids[n * self.width : (n + 1) * self.width])

    def path(self, n: int) -> str:
        return self.paths[self.path_ids[n]]

    def blob(self, n: int) -> Blob:
        base = self.bases[n]
        return Blob(
            self.oid(n),
            self.path(n),
            self.sizes[n],
            None if base == NO_BASE else self.oid(base),
            bool(self.compare[n]),
            self.stored[n],
            self.offsets[n],
        )

    def blobs(self) -> list[Blob]:
        """Every blob, made as `blob` makes one, with every id turned to hex in one call: a
        task makes a Blob for each of its blobs (100k blobs: 4.6 -> 3.6 us a blob)."""
        ids = self.oids.hex()
        step = 2 * self.width
        hexes = [ids[at : at + step] for at in range(0, len(ids), step)]
        paths = self.paths
        columns = zip(
            self.path_ids,
            self.sizes,
            self.bases,
            self.compare,
            self.stored,
            self.offsets,
            strict=True,
        )
        return [
            Blob(
                hexes[n],
                paths[path],
                size,
                None if base == NO_BASE else hexes[base],
                bool(compare),
                stored,
                offset,
            )
            for n, (path, size, base, compare, stored, offset) in enumerate(columns)
        ]

    def total_size(self) -> int:
        return sum(self.sizes)

    def select(self, positions: Sequence[int]) -> BlobTable:
        """The blobs at `positions`, in that order. A base kept is one listed earlier in the
        selection: a cycle (two packs disagreeing on bases) or a base left out is read whole."""
        part = BlobTable(self.width)
        part.pack = self.pack
        placed: dict[int, int] = {}
        width = self.width
        for n in positions:
            base = placed.get(self.bases[n], NO_BASE)
            part.append(
                bytes(self.oids[n * width : (n + 1) * width]),
                self.path(n),
                self.sizes[n],
                base,
                bool(self.compare[n]),
                self.stored[n],
                self.offsets[n],
            )
            placed[n] = len(part) - 1
        return part

    @classmethod
    def of(cls, blobs: Iterable[Blob]) -> BlobTable:
        """A table of `Blob`s whose bases are given by id (a base not among them is dropped)."""
        table = cls()
        listed = list(blobs)
        if listed:
            table.width = len(listed[0].oid) // 2
        position = {blob.oid: n for n, blob in enumerate(listed)}
        for n, blob in enumerate(listed):
            base = position.get(blob.base, NO_BASE) if blob.base else NO_BASE
            table.append(
                bytes.fromhex(blob.oid),
                blob.path,
                blob.size,
                NO_BASE if base == n else base,
                blob.compare,
                blob.stored,
            )
        return table


def families(table: BlobTable) -> Iterator[Sequence[int]]:
    """Positions of the blobs of each delta family, each base before its deltas, families in
    storage order. Yielded one at a time: most families are one blob, and a list of them all
    cost an object per blob."""
    positions, starts, loose = family_order(table)
    # An array, not a list: a list held an int object per family.
    ends = starts[1:]
    if starts:  # an empty table has no family
        ends.append(len(positions))
    for start, end in zip(starts, ends, strict=True):
        yield positions[start:end]
    # A cycle (two packs disagreeing on bases) has no root: those blobs are read whole.
    for n in loose:
        table.bases[n] = NO_BASE
        yield (n,)


# Delta families as positions in a table of blobs: all of them family after family, where each
# family starts, and the positions no family reached. Flat arrays rather than a list per
# family: most families are one blob.
FamilyOrder: TypeAlias = "tuple[array[int], array[int], list[int]]"


def family_order(table: BlobTable) -> FamilyOrder:
    """Where each delta family's blobs are in `table`, each base before its deltas."""
    count = len(table)
    bases = table.bases
    # Each blob's deltas as one flat run per base (`first[base]` to `first[base + 1]` in
    # `deltas`): a list per base cost more than the table itself. Positions in 4 bytes, not 8:
    # the scan process's peak on a million-blob history 189 -> 184 MiB.
    first = array("i", bytes(4 * (count + 1)))
    roots = array("i")
    for n, base in enumerate(bases):
        if base != NO_BASE and base != n:
            first[base + 1] += 1
        else:
            roots.append(n)
    first = array("i", accumulate(first))
    deltas = array("i", bytes(4 * first[count]))
    filled = array("i", first)
    for n, base in enumerate(bases):
        if base != NO_BASE and base != n:
            deltas[filled[base]] = n
            filled[base] += 1
    del filled
    order, starts = array("i"), array("i")
    placed = bytearray(count)
    for root in roots:
        starts.append(len(order))
        order.append(root)
        placed[root] = 1
        walked = len(order) - 1
        while walked < len(order):  # grows while it is walked: breadth first
            parent = order[walked]
            for child in deltas[first[parent] : first[parent + 1]]:
                if not placed[child]:
                    placed[child] = 1
                    order.append(child)
            walked += 1
    return order, starts, [n for n, done in enumerate(placed) if not done]
