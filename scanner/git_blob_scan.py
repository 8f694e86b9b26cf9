"""One task of a history scan: a slice of its blobs, read and scanned in a worker process.

Stage: orchestration, worker side (scanner.git_scan hands the tasks out). Blobs come in delta
families, each base before the blobs stored as deltas of it: a base's bytes are held while its
deltas are rebuilt from them, and small plain-text blobs wait in a batch to be located together.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from leakward.scanner.git_blob_table import BlobTable
from leakward.scanner.git_delta import Spanned, scan_against_base, scan_whole
from leakward.scanner.matcher import Matcher
from leakward.scanner.models import Finding, Origin, Skipped
from leakward.scanner.scan import ScanOptions, _Tally, over_budget, scan_items, worker_matcher
from leakward.scanner.sources.dispatch import chunks_for, is_plain_text
from leakward.scanner.sources.git import Blob, read_blobs
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


@dataclass(frozen=True, slots=True)
class _Base:
    """A plain-text blob that later blobs of the task are stored as deltas of; `spanned` is
    None while it waits in a batch, not yet located."""

    data: bytes
    spanned: list[Spanned] | None
    # Where its entry starts in the lone pack, or 0 (sources.pack_offsets).
    offset: int = 0


class _BlobScanner:
    """One task's blobs, scanned in order. Small plain-text blobs wait in a batch and are
    located together: most blobs of a history are small files, and an engine call per blob cost
    more than the scanning. A base's findings are ready before a delta of it is scanned against
    it; a delta scanned whole needs only the base's bytes, so it does not cut the batch short."""

    def __init__(self, matcher: Matcher, options: ScanOptions, pending: Counter[str]) -> None:
        self.results = BlobResults()
        self._matcher = matcher
        self._options = options
        self._pending = pending
        # Bases whose deltas are still to come; dropped after the last one.
        self.bases: dict[str, _Base] = {}
        self._batch: list[tuple[Blob, bytes]] = []
        self._batched: set[str] = set()
        self._batch_bytes = 0

    def base_of(self, blob: Blob) -> _Base | None:
        # Only a comparison needs the base located first. Flushing for every delta made rails'
        # batches 3 blobs on average (one flush per delta family), each its own engine call.
        if blob.compare and blob.base in self._batched:
            self.flush()
        return self.bases.get(blob.base) if blob.base else None

    def done_with_base(self, oid: str) -> None:
        self._pending[oid] -= 1
        if not self._pending[oid]:
            self.bases.pop(oid, None)

    def scan(self, blob: Blob, data: bytes | None, base: _Base | None, delta: Delta | None) -> None:
        tally = self.results.tally
        tally.files += 1
        if data is None:
            tally.skipped.append(Skipped(blob.path, f"missing object {blob.oid}", True))
            return
        limits = self._options.container_limits
        if not is_plain_text(data, blob.path, limits):
            origin = _origin(blob)
            # Only containers and special formats get a time budget: plain text, nearly every
            # blob, is linear in its size, and arming a timer per blob would cost more.
            seconds = self._options.file_seconds
            try:
                with time_budget(seconds):
                    part = scan_items(self._matcher, chunks_for(data, origin, limits))
            except TimeBudgetError:
                tally.skipped.append(over_budget(f"{blob.path} (blob {blob.oid})", seconds))
                return
            tally.bytes += part.bytes
            tally.skipped += part.skipped
            if part.findings:
                self.results.findings[blob.oid] = part.findings
            return
        tally.bytes += len(data)
        if base is not None and base.spanned is not None and delta is not None and blob.compare:
            against = scan_against_base(self._matcher, data, _origin(blob), delta, base.spanned)
            if against is not None:
                spanned, scanned = against
                tally.carried += len(data) - scanned
                self._found(blob, data, spanned)
                return
        if len(data) > _BATCH_BLOB_BYTES:
            self._found(blob, data, scan_whole(self._matcher, data, _origin(blob)))
            return
        if self._pending[blob.oid]:
            self.bases[blob.oid] = _Base(data, None, blob.offset)
        self._batch.append((blob, data))
        self._batched.add(blob.oid)
        self._batch_bytes += len(data)
        if self._batch_bytes >= _BATCH_BYTES:
            self.flush()

    def flush(self) -> None:
        batch = self._batch
        located = self._matcher.scan_many_spans(
            [data for _, data in batch], lambda n: _origin(batch[n][0])
        )
        for (blob, data), spans in zip(batch, located, strict=True):
            self._found(blob, data, [Spanned(*found) for found in spans])
        self._batch.clear()
        self._batched.clear()
        self._batch_bytes = 0

    def _found(self, blob: Blob, data: bytes, spanned: list[Spanned]) -> None:
        if self._pending[blob.oid]:
            self.bases[blob.oid] = _Base(data, spanned, blob.offset)
        if spanned:
            self.results.findings[blob.oid] = [item.finding for item in spanned]


def _origin(blob: Blob) -> Origin:
    return Origin(kind="git-blob", path=blob.path, extra=(("blob", blob.oid),))


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
    blobs = table.blobs()
    matcher, options = worker_matcher()
    pending = Counter(blob.base for blob in blobs if blob.base)
    packs = PackReader(Path(git_dir), table.pack)
    scanner = _BlobScanner(matcher, options, pending)
    # Blobs a pack stores whole are inflated here; the rest stream from cat-file, in order.
    streamed = read_blobs(Path(git_dir), [b.oid for b in blobs if not b.base and not b.stored])
    unread: list[Blob] = []
    for blob in blobs:
        if not blob.base:
            if blob.stored:
                data = packs.whole(blob.oid, blob.stored, blob.offset, blob.size)
            else:
                data = next(streamed)[1]
            if data is None and blob.stored:
                unread.append(blob)  # loose, or damaged in its pack: cat-file reads it
            else:
                scanner.scan(blob, data, None, None)
            continue
        base = scanner.base_of(blob)
        delta = content = None
        place = (blob.offset, base.offset, blob.size) if base and blob.offset else None
        if base and blob.compare:
            delta = packs.delta(blob.oid, blob.base, base.data, place)
            content = delta.content if delta else None
        elif base:
            # Scanned whole: only the bytes are needed, not which ranges are copies.
            content = packs.rebuilt(blob.oid, blob.base, base.data, place)
        if content is not None:
            scanner.scan(blob, content, base, delta)
        else:
            unread.append(blob)
        scanner.done_with_base(blob.base)
    by_oid = {blob.oid: blob for blob in unread}
    for oid, data in read_blobs(Path(git_dir), by_oid):
        scanner.scan(by_oid[oid], data, None, None)
    scanner.flush()
    return scanner.results
