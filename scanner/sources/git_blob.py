"""A blob of a history scan: its id, a path it was seen at, its size and how git stores it.

Stage: sources (git). Made inside a worker, from its task's table (scanner.git_blob_table), or
for the few blobs a range or staged scan names.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Blob:
    oid: str
    path: str
    size: int
    # The blob git stores this one as a delta of, when that one is scanned too: this blob is
    # rebuilt from it.
    base: str | None = None
    # Whether the delta is small enough to scan only where it changed (git_delta.worth_comparing).
    compare: bool = False
    # Bytes it takes on disk when git stores it whole (`%(objectsize:disk)`): 0 for a delta, or
    # when unknown.
    stored: int = 0
    # Where its entry starts in the lone pack its scan was listed from (sources.pack_offsets);
    # 0 when unknown.
    offset: int = 0
