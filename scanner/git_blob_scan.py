"""One task of a history scan: a slice of its blobs, read and scanned in a worker process.

Stage: orchestration, worker side (scanner.git_scan hands the tasks out). Blobs come in delta
families, each base before the blobs stored as deltas of it: a base's bytes are held while its
deltas are rebuilt from them, and small plain-text blobs wait in a batch to be located together.
A blob is its position in the task's table throughout: its id in hex, its path and an `Origin`
are made only for a blob with something to report.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from leakward.scanner.git_blob_table import NO_BASE, BlobTable
from leakward.scanner.git_delta import Spanned, scan_against_base, scan_whole
from leakward.scanner.matcher import Matcher
from leakward.scanner.models import Finding, Origin, Skipped
from leakward.scanner.scan import ScanOptions, _Tally, over_budget, scan_items, worker_matcher
from leakward.scanner.sources.dispatch import chunks_for, is_plain_text
from leakward.scanner.sources.git_blob_reader import read_blobs
from leakward.scanner.sources.git_pack import Delta, PackReader
from leakward.scanner.time_budget import TimeBudgetError, time_budget

# Plain-text blobs up to _BATCH_BLOB_BYTES are located together, _BATCH_BYTES at a time.
_BATCH_BLOB_BYTES = 64 * 1024
_BATCH_BYTES = 1024 * 1024


@dataclass(slots=True)
class BlobResults:
    """What a task found, by blob id, and its tally: all a worker sends back."""

    findings: dict[str, list[Finding]] = field(default_factory=dict)
    tally: _Tally = field(default_factory=_Tally)


class _Base(NamedTuple):
    """A plain-text blob that later blobs of the task are stored as deltas of; `spanned` is
    None while it waits in a batch, not yet located. A tuple: one is made for most blobs of a
    history, and a frozen dataclass sets each field through object.__setattr__."""

    data: bytes
    spanned: list[Spanned] | None
    # Where its entry starts in the lone pack, or 0 (sources.pack_offsets).
    offset: int


class _BlobScanner:
    """One task's blobs, by position in its table, scanned in order. Small plain-text blobs wait
    in a batch and are located together: most blobs of a history are small files, and an engine
    call per blob cost more than the scanning. A base's findings are ready before a delta of it
    is scanned against it; a delta scanned whole needs only the base's bytes, so it does not cut
    the batch short."""

    def __init__(self, matcher: Matcher, options: ScanOptions, table: BlobTable) -> None:
        self.results = BlobResults()
        self._matcher = matcher
        self._options = options
        self._table = table
        # Deltas still to come of each base, by position (NO_BASE counts the blobs read whole).
        self._pending = Counter(table.bases)
        # Bases whose deltas are still to come; dropped after the last one.
        self.bases: dict[int, _Base] = {}
        self._batch: list[tuple[int, bytes]] = []
        self._batched: set[int] = set()
        self._batch_bytes = 0

    def base_of(self, n: int) -> _Base | None:
        """The held base of delta `n`, located first if `n` is to be compared with it."""
        base = self._table.bases[n]
        # Only a comparison needs the base located first. Flushing for every delta made rails'
        # batches 3 blobs on average (one flush per delta family), each its own engine call.
        if base in self._batched and self._table.compare[n]:
            self.flush()
        return self.bases.get(base)

    def done_with_base(self, n: int) -> None:
        """Delta `n` is read: its base is dropped after its last delta."""
        base = self._table.bases[n]
        self._pending[base] -= 1
        if not self._pending[base]:
            self.bases.pop(base, None)

    def scan(
        self, n: int, data: bytes | None, base: _Base | None = None, delta: Delta | None = None
    ) -> None:
        tally = self.results.tally
        tally.files += 1
        table = self._table
        if data is None:
            tally.skipped.append(Skipped(table.path(n), f"missing object {table.oid(n)}", True))
            return
        if not is_plain_text(data, table.path(n), self._options.container_limits):
            self._scan_special(n, data)
            return
        tally.bytes += len(data)
        if base is not None and base.spanned is not None and delta is not None:
            origin = _origin(table, n)
            against = scan_against_base(self._matcher, data, origin, delta, base.spanned)
            if against is not None:
                spanned, scanned = against
                tally.carried += len(data) - scanned
                self._found(n, data, spanned)
                return
        if len(data) > _BATCH_BLOB_BYTES:
            self._found(n, data, scan_whole(self._matcher, data, _origin(table, n)))
            return
        # `get`: a Counter's `[]` calls its Python `__missing__` for a blob with no deltas, most.
        if self._pending.get(n):
            self.bases[n] = _Base(data, None, table.offsets[n])
        self._batch.append((n, data))
        self._batched.add(n)
        self._batch_bytes += len(data)
        if self._batch_bytes >= _BATCH_BYTES:
            self.flush()

    def _scan_special(self, n: int, data: bytes) -> None:
        """A container or a special format: its own reader, within a time budget. Plain text,
        nearly every blob, is linear in its size, and arming a timer per blob would cost more."""
        tally = self.results.tally
        seconds = self._options.file_seconds
        limits = self._options.container_limits
        try:
            with time_budget(seconds):
                part = scan_items(self._matcher, chunks_for(data, _origin(self._table, n), limits))
        except TimeBudgetError:
            shown = f"{self._table.path(n)} (blob {self._table.oid(n)})"
            tally.skipped.append(over_budget(shown, seconds))
            return
        tally.bytes += part.bytes
        tally.skipped += part.skipped
        if part.findings:
            self.results.findings[self._table.oid(n)] = part.findings

    def flush(self) -> None:
        batch, table = self._batch, self._table
        located = self._matcher.scan_many_spans(
            [data for _, data in batch], lambda k: _origin(table, batch[k][0])
        )
        for (n, data), spans in zip(batch, located, strict=True):
            self._found(n, data, [Spanned(*found) for found in spans])
        self._batch.clear()
        self._batched.clear()
        self._batch_bytes = 0

    def _found(self, n: int, data: bytes, spanned: list[Spanned]) -> None:
        if self._pending.get(n):
            self.bases[n] = _Base(data, spanned, self._table.offsets[n])
        if spanned:
            self.results.findings[self._table.oid(n)] = [item.finding for item in spanned]


def _origin(table: BlobTable, n: int) -> Origin:
    return Origin(kind="git-blob", path=table.path(n), extra=(("blob", table.oid(n)),))


def _freeze_inherited() -> None:
    """In a worker process, keeps what it inherited from its parent (the matcher, the rules:
    most of its objects) out of the cyclic garbage collector's full passes, once. Those passes
    walked every inherited object again and again: 2% of a symfony history's worker samples.
    Only in a worker: the caller's own process, which may run scans for a long time, collects
    as before."""
    global _FROZEN_IN
    pid = os.getpid()
    if pid != _FROZEN_IN and multiprocessing.parent_process() is not None:
        gc.freeze()
        _FROZEN_IN = pid


_FROZEN_IN = 0


def scan_blobs(task: tuple[str, BlobTable]) -> BlobResults:
    """Worker: scan a slice of blobs with this process's own matcher.

    Blobs come in delta families, each base before the blobs stored as deltas of it. Git's
    packs are read here where that is cheaper than a pipe from cat-file: a blob stored whole is
    inflated from the pack, and a delta is rebuilt from its held base (a small one scanned only
    where it changed, see scanner.git_delta). Blobs stored neither way stream through this
    process's own cat-file, in order. What cannot be read here (a loose or damaged object, a
    delta whose base was not plain text) is read through cat-file at the end of the task and
    scanned whole.
    """
    git_dir, table = task
    _freeze_inherited()
    matcher, options = worker_matcher()
    packs = PackReader(Path(git_dir), table.pack)
    scanner = _BlobScanner(matcher, options, table)
    bases, stored, offsets, sizes = table.bases, table.stored, table.offsets, table.sizes
    # Binary ids sliced from one bytes copy: `raw_oid` made a bytearray and then bytes of it,
    # twice for every delta.
    ids, width = bytes(table.oids), table.width
    # Blobs a pack stores whole are inflated here; the rest stream from cat-file, in order.
    piped = [table.oid(n) for n, base in enumerate(bases) if base == NO_BASE and not stored[n]]
    streamed = read_blobs(Path(git_dir), piped)
    unread: list[int] = []
    for n, base_n in enumerate(bases):
        if base_n == NO_BASE:
            if not stored[n]:
                scanner.scan(n, next(streamed)[1])
                continue
            data = packs.whole(table.raw_oid(n), stored[n], offsets[n], sizes[n])
            if data is None:
                unread.append(n)  # loose, or damaged in its pack: cat-file reads it
            else:
                scanner.scan(n, data)
            continue
        base = scanner.base_of(n)
        delta = content = None
        if base is not None:
            place = (offsets[n], base.offset, sizes[n]) if offsets[n] else None
            raw = ids[n * width : (n + 1) * width]
            raw_base = ids[base_n * width : (base_n + 1) * width]
            if table.compare[n]:
                delta = packs.delta(raw, raw_base, base.data, place)
                content = delta.content if delta else None
            else:
                # Scanned whole: only the bytes are needed, not which ranges are copies.
                content = packs.rebuilt(raw, raw_base, base.data, place)
        if content is None:
            unread.append(n)
        else:
            scanner.scan(n, content, base, delta)
        scanner.done_with_base(n)
    by_oid = {table.oid(n): n for n in unread}
    for oid, data in read_blobs(Path(git_dir), by_oid):
        scanner.scan(by_oid[oid], data)
    scanner.flush()
    return scanner.results
