"""Helpers shared by the container tests: run the dispatcher and sort what it yields."""

from __future__ import annotations

import pytest

from leakward.scanner.models import Chunk, Origin, Skipped
from leakward.scanner.sources.dispatch import ContainerLimits, chunks_for


class Result:
    def __init__(self, items: list[Chunk | Skipped]) -> None:
        self.chunks = [item for item in items if isinstance(item, Chunk)]
        self.skipped = [item for item in items if isinstance(item, Skipped)]

    def by_name(self) -> dict[str, Chunk]:
        return {chunk.origin.display: chunk for chunk in self.chunks}

    def containing(self, needle: str) -> list[Chunk]:
        return [chunk for chunk in self.chunks if needle.encode() in chunk.data]


def scan(data: bytes, path: str, limits: ContainerLimits | None = None) -> Result:
    return Result(
        list(chunks_for(data, Origin(kind="file", path=path), limits or ContainerLimits()))
    )


@pytest.fixture
def small_limits() -> ContainerLimits:
    """Caps small enough that bombs are built and refused in milliseconds."""
    return ContainerLimits(
        max_depth=3, max_entry_bytes=8 << 20, max_total_bytes=16 << 20, max_ratio=50.0
    )
