"""A history's blobs cut into worker tasks, handed out while git still walks naming them.

Stage: orchestration. A history scan needs two listings from git: the object store's (sizes,
delta bases, in pack order) and the walk that names the reachable blobs (`rev-list --objects`,
the longest single step before any scanning: 3.5-5 s of one core on symfony's history). Waiting
for the walk, then joining the two (git_listing.merged) and cutting tasks, kept one core idle.
Here the listing, read first, is put into delta families; a family is handed out as soon as the
walk has named every blob of it, so the workers scan while git walks. Half way through the
walk, families holding 27% (symfony) and 31% (rails) of the bytes are complete. A family the
walk leaves partly unnamed (an unreachable blob: one of symfony's 274,273, none of rails')
waits for its end and is joined as before, so every blob is read with the same path and base
as when the walk came first. A family stays in one task: its deltas need their base.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeAlias

from leakward.scanner.git_blob_table import NO_BASE, BlobTable, families, family_order
from leakward.scanner.git_listing import Listed, merged
from leakward.scanner.git_oid_rows import NO_ROW, OidRows
from leakward.scanner.models import Skipped
from leakward.scanner.sources.git_walk import Named

# Bytes of blobs per worker task: big enough to amortise its set-up (a cat-file process, the
# pack mappings), small enough to balance two cores and keep progress moving.
_TASK_BYTES = 32 * 1024 * 1024
_TASK_BLOBS = 20_000
# Base ids looked up at a time when the listing is indexed.
_BASES_AT_ONCE = 65_536
# Families handed out before the ready queue drops them (NamedBlobs._take).
_READY_TRIM = 65_536

Task: TypeAlias = "tuple[str, BlobTable]"
# A task's blobs before its table is made: its bytes, and its families (NamedBlobs) or its
# positions in a table.
_Cut: TypeAlias = "tuple[int, array[int]]"


def task_bytes(total: int, workers: int) -> int:
    """The bytes a task is cut at: at least a few tasks per worker, so both cores stay busy to
    the end."""
    return max(1024 * 1024, min(_TASK_BYTES, total // max(1, workers * 4)))


def _cuts(parts: Iterable[tuple[int, Sequence[int]]], limit: int) -> list[_Cut]:
    """(bytes, items) parts grouped into cuts of about `limit` bytes or _TASK_BLOBS items."""
    cuts: list[_Cut] = []
    current = array("i")
    size = 0
    for part_size, part in parts:
        current.extend(part)
        size += part_size
        if size >= limit or len(current) >= _TASK_BLOBS:
            cuts.append((size, current))
            current, size = array("i"), 0
    if current:
        cuts.append((size, current))
    return cuts


def _family_cuts(table: BlobTable, limit: int) -> list[_Cut]:
    sizes = table.sizes
    return _cuts(((sum(sizes[n] for n in f), f) for f in families(table)), limit)


def cut_tasks(git_dir: Path, table: BlobTable, workers: int) -> Iterator[Task]:
    """The blobs cut into worker tasks, largest first. Each task's table is made as it is
    handed out: the first worker starts while the others are still being cut (on symfony's
    history, making them all first kept both cores waiting 0.6 s)."""
    cuts = _family_cuts(table, task_bytes(table.total_size(), workers))
    # Largest first: a family too big to split (rails: one task of 185 MB among 32 MB ones, 112th
    # of 122) started last kept one core busy alone at the end while the other had nothing left.
    cuts.sort(key=lambda cut: cut[0], reverse=True)
    return ((str(git_dir), table.select(positions)) for _, positions in cuts)


def named_paths(batches: Iterable[Named]) -> dict[bytes, str]:
    """Binary oid -> the first path the walk named it at, for every blob of `batches`."""
    paths: dict[bytes, str] = {}
    for ids, names in batches:
        width = len(ids) // max(1, len(names))
        for at, name in zip(range(0, len(ids), width), names, strict=True):
            paths.setdefault(ids[at : at + width], name)
    return paths


class NamedBlobs:
    """The listed blobs within `limit` bytes in delta families (as the joined table would have
    them), each family ready once the walk has named all its blobs."""

    def __init__(self, listed: Listed, limit: int) -> None:
        self._listed = listed
        self._limit = limit
        # Empty until _group indexes the listing, and again once the walk has ended.
        self._rows = OidRows(bytearray(), listed.width)
        # Rows listed again (a second pack) are never read; nor are blobs over the limit.
        self._first = bytearray()
        self._read = bytearray()
        self._parents = array("i")
        self._order = array("i")
        # Per family (numbered as family_order lists them): where its rows start in `_order`,
        # the next one's start ending it, and how many of its rows are unnamed. Only a read
        # family's rows name it; a row in no family (a base cycle, a blob not read) waits for
        # the walk's end. A family's bytes are summed once it is ready: a column of them, and
        # one of ends, cost 8 bytes a blob where most families are one blob.
        self._family = array("i")
        self._starts = array("i")
        self._waiting = array("i")
        self._bytes_read = 0
        self._names: list[str | None] = []
        self._unlisted: dict[bytes, str] = {}
        # Families named whole and not handed out yet, from `_ready_at` on, and their bytes:
        # 12 bytes each, where a deque held an int object each (the walk can name far more
        # than the workers took).
        self._ready, self._ready_sizes = array("i"), array("q")
        self._ready_at = 0
        self._ready_bytes = self._ready_blobs = 0
        self._handed = 0
        # How many blobs the tasks hold: the listing's count until the families are known.
        self.total = len(listed)
        self.unreachable: set[str] = set()

    def _group(self) -> None:
        """Indexes the listing and puts its rows into families. Done once the tasks are asked
        for, after the workers have started: a worker forked after it held a copy of it (27 MB
        on symfony's history)."""
        listed = self._listed
        count = len(listed)
        # Filled from the first row, so a blob listed twice keeps its first row, as `merged` does.
        self._rows = OidRows(listed.oids, listed.width)
        self._first = self._rows.first
        limit = self._limit
        self._read = bytearray(
            is_first and size <= limit
            for is_first, size in zip(self._first, listed.sizes, strict=True)
        )
        self._parents = self._bases()
        # Held as parent rows from now on (5.5 MB of ids on symfony's history).
        listed.bases, listed.base_rows = bytearray(), None
        shape = BlobTable(listed.width)
        shape.sizes, shape.bases = listed.sizes, self._parents
        self._order, starts, _ = family_order(shape)
        self._family = array("i", [-1]) * count
        order, sizes, read, family = self._order, listed.sizes, self._read, self._family
        starts.append(len(order))  # the end of the last family
        self._starts = starts
        waiting = self._waiting = array("i", bytes(4 * (len(starts) - 1)))
        rows = size = 0
        for number in range(len(starts) - 1):
            start, end = starts[number], starts[number + 1]
            root = order[start]
            if not read[root]:
                continue
            waiting[number] = end - start
            rows += end - start
            if end - start == 1:  # most families
                family[root] = number
                size += sizes[root]
                continue
            for n in order[start:end]:
                family[n] = number
                size += sizes[n]
        self._bytes_read = size
        self._names = [None] * count
        self.total = rows

    def _bases(self) -> array[int]:
        """Each row's base row when both are read, as `merged` keeps them; else NO_BASE."""
        listed, read, rows = self._listed, self._read, self._rows
        found = listed.base_rows
        # With no id listed twice, a base's row is its id's first: the listing's own numbers
        # need no lookup (symfony's history: 0.2 s of this process).
        if found is None or len(found) != len(listed) or 0 in self._first:
            # Looked up a slice at a time: a bytes copy of every base id cost 20 MB at a
            # million blobs.
            empty = bytes(listed.width)
            found = array("i")
            for at in range(0, len(listed), _BASES_AT_ONCE):
                end = min(len(listed), at + _BASES_AT_ONCE)
                found.extend(rows.rows(listed.base_ids(at, end), empty))
        parents = array("i", [NO_BASE]) * len(listed)
        for n, row in enumerate(found):
            if row != NO_ROW and row != n and read[n] and read[row]:
                parents[n] = row
        return parents

    def tasks(
        self,
        git_dir: Path,
        batches: Iterable[Named],
        walked: Callable[[], None],
        all_objects: bool,
        skipped: list[Skipped],
        workers: int,
    ) -> Iterator[Task]:
        """Tasks of whole families as the walk's `batches` name them; `walked` is called when
        they end, then the rest is joined as `merged` joins a listing (reporting to `skipped`)
        and handed out largest first."""
        self._group()
        limit = task_bytes(self._bytes_read, workers)
        for batch in batches:
            self._name(batch)
            while self._ready_bytes >= limit or self._ready_blobs >= _TASK_BLOBS:
                yield str(git_dir), self._made(self._take(limit))
        walked()
        self._rows = OidRows(bytearray(), self._listed.width)
        rest = self._rest(all_objects, skipped)
        self.total = self._handed + self._ready_blobs + len(rest)
        # Cut as they are read: a list of them held a tuple and an array per ready family.
        at = self._ready_at
        ready = zip(self._ready_sizes[at:], ((k,) for k in self._ready[at:]), strict=True)
        cuts = [(cut, True) for cut in _cuts(ready, limit)]
        cuts += [(cut, False) for cut in _family_cuts(rest, limit)]
        cuts.sort(key=lambda cut: cut[0][0], reverse=True)
        for (_, items), named in cuts:
            yield str(git_dir), self._made(items) if named else rest.select(items)

    def _name(self, batch: Named) -> None:
        ids, names = batch
        width = len(ids) // max(1, len(names))
        for at, n, name in zip(range(0, len(ids), width), self._rows.rows(ids), names, strict=True):
            if n == NO_ROW:
                self._unlisted.setdefault(ids[at : at + width], name)
                continue
            if self._names[n] is not None:
                continue
            self._names[n] = name
            family = self._family[n]
            if family >= 0:
                self._waiting[family] -= 1
                if not self._waiting[family]:
                    start, end = self._starts[family], self._starts[family + 1]
                    if end - start == 1:
                        size = self._listed.sizes[n]
                    else:
                        sizes = self._listed.sizes
                        size = sum(sizes[row] for row in self._order[start:end])
                    self._ready.append(family)
                    self._ready_sizes.append(size)
                    self._ready_bytes += size
                    self._ready_blobs += end - start

    def _take(self, limit: int) -> array[int]:
        """Ready families from the oldest, up to a task's worth."""
        taken, size, blobs = array("i"), 0, 0
        ready, sizes, starts = self._ready, self._ready_sizes, self._starts
        while self._ready_at < len(ready) and size < limit and blobs < _TASK_BLOBS:
            family = ready[self._ready_at]
            size += sizes[self._ready_at]
            self._ready_at += 1
            taken.append(family)
            blobs += starts[family + 1] - starts[family]
        self._ready_bytes -= size
        self._ready_blobs -= blobs
        if self._ready_at >= _READY_TRIM and 2 * self._ready_at >= len(ready):
            del ready[: self._ready_at], sizes[: self._ready_at]
            self._ready_at = 0
        return taken

    def _made(self, taken: Sequence[int]) -> BlobTable:
        """The table of a task of whole, named families, each base before its deltas. Made a
        column at a time: an `append` per blob cost symfony's history about twice as much."""
        listed, width, order = self._listed, self._listed.width, self._order
        rows = array("i")
        for family in taken:
            rows.extend(order[self._starts[family] : self._starts[family + 1]])
        oids = listed.oids
        part = BlobTable(width)
        part.pack = listed.pack
        part.adopt(
            bytearray().join([oids[n * width : (n + 1) * width] for n in rows]),
            array("Q", [listed.sizes[n] for n in rows]),
            array("Q", [listed.stored[n] for n in rows]),
            array("Q", [listed.offsets[n] for n in rows]),
            bytearray([listed.compare[n] for n in rows]),
        )
        names, number = self._names, part.path_number
        part.path_ids = array("I", [number(names[n] or "") for n in rows])
        # A base comes before its deltas in the same family, so in this task.
        placed = {n: position for position, n in enumerate(rows)}
        parents = self._parents
        part.bases = array("i", [placed.get(parents[n], NO_BASE) for n in rows])
        self._handed += len(part)
        return part

    def _rest(self, all_objects: bool, skipped: list[Skipped]) -> BlobTable:
        """The rows of no complete family, joined with the names the walk gave them (and the
        blobs it named that were not listed) as `merged` joins a whole listing."""
        listed, width = self._listed, self._listed.width
        rest = Listed()
        rest.width, rest.pack = width, listed.pack
        paths = dict(self._unlisted)
        empty = bytes(width)
        for n in range(len(listed)):
            family = self._family[n]
            if not self._first[n] or (family >= 0 and not self._waiting[family]):
                continue
            oid = listed.oids[n * width : (n + 1) * width]
            name = self._names[n]
            if name is not None:
                paths[bytes(oid)] = name
            rest.oids += oid
            # The base `merged` would find is the parent row (if it keeps that one too).
            parent = self._parents[n]
            rest.bases += (
                listed.oids[parent * width : (parent + 1) * width] if parent != NO_BASE else empty
            )
            rest.sizes.append(listed.sizes[n])
            rest.stored.append(listed.stored[n])
            rest.offsets.append(listed.offsets[n])
            rest.compare.append(listed.compare[n])
        table, self.unreachable = merged(rest, paths, all_objects, self._limit, skipped)
        return table
