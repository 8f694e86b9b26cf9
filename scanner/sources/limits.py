"""Caps that keep decoding bounded, and the running budget one outer file spends.

Stage: sources. Every container reader (zip, tar, gzip/bzip2/xz, CRX) reads through
`read_bounded`, which measures bytes as they come out of the decompressor instead of trusting
sizes written in headers, so a lying header cannot make the scan allocate more than the caps.
Format decoders (plists, Android binary XML and resources, DEX) count what they render in an
`Output`, from the same caps: a table whose entries all point at one long string, or a plist
whose arrays share one another, is refused once it outgrows them instead of growing for ever.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# Decompression happens in blocks of this size, so a bomb is noticed after at most one block.
BLOCK = 1024 * 1024
# Below this many output bytes the ratio is not judged: tiny, repetitive files compress very well
# and are harmless; a bomb only matters once it is big.
RATIO_FLOOR = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ContainerLimits:
    max_depth: int = 4
    max_entry_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 512 * 1024 * 1024
    max_ratio: float = 200.0
    max_entries: int = 100_000
    # Decoded formats: values one file may render (strings, attributes, plist objects), and how
    # deep their trees may nest. Real apps stay far below both.
    max_objects: int = 1_000_000
    max_nesting: int = 64


class EntryTooLargeError(Exception):
    """One entry is bigger than max_entry_bytes: skip it, keep reading its siblings."""


class BombError(Exception):
    """The whole outer file looks hostile (ratio, total or entry count): stop reading all of it."""


class DecodeLimitError(Exception):
    """One decoded file would render more than the caps allow; the message names the cap."""


@dataclass(slots=True)
class Budget:
    """What one outer file has spent so far, shared by every nesting level inside it.

    Once `refusal` is set every reader stops, so a nested bomb (zips of zips of zips) is refused
    after the first bad entry instead of once per copy; `where` names that entry.
    """

    limits: ContainerLimits
    total_bytes: int = 0
    entries: int = 0
    refusal: str | None = None
    where: str | None = None

    def refuse(self, reason: str) -> BombError:
        self.refusal = self.refusal or reason
        return BombError(self.refusal)

    def check(self) -> None:
        if self.refusal is not None:
            raise BombError(self.refusal)

    def count_entry(self) -> None:
        self.check()
        self.entries += 1
        if self.entries > self.limits.max_entries:
            raise self.refuse(
                f"more than {self.limits.max_entries} archive entries (limit max_entries); "
                "the rest was not read"
            )

    def charge(self, size: int) -> None:
        self.total_bytes += size
        if self.total_bytes > self.limits.max_total_bytes:
            raise self.refuse(
                f"more than {_mib(self.limits.max_total_bytes)} decompressed "
                "(limit max_total_bytes); looks like a decompression bomb, the rest was not read"
            )

    def check_ratio(self, produced: int, consumed: int) -> None:
        """Refuse when output outgrows input by more than max_ratio (once output is big)."""
        if produced > RATIO_FLOOR and produced > self.limits.max_ratio * max(consumed, 1):
            raise self.refuse(
                f"compression ratio above {self.limits.max_ratio:g}:1 (limit max_ratio); "
                "looks like a decompression bomb, not read"
            )


@dataclass(slots=True)
class Output:
    """What one decoder has rendered from one file, refused as soon as it outgrows the caps.

    Rendered bytes count against max_entry_bytes for this file and against the outer file's
    total, as decompressed bytes do; values against max_objects; tree depth against max_nesting.
    """

    budget: Budget
    bytes: int = 0
    objects: int = 0

    def add(self, size: int) -> None:
        """Count one rendered value of `size` bytes."""
        limits = self.budget.limits
        self.objects += 1
        if self.objects > limits.max_objects:
            raise DecodeLimitError(
                f"renders more than {limits.max_objects} values (limit max_objects)"
            )
        self.bytes += size
        if self.bytes > limits.max_entry_bytes:
            raise DecodeLimitError(
                f"renders more than {_mib(limits.max_entry_bytes)} (limit max_entry_bytes)"
            )
        self.budget.charge(size)

    def enter(self, depth: int) -> None:
        """Check that a tree node `depth` levels down may be rendered."""
        if depth > self.budget.limits.max_nesting:
            raise DecodeLimitError(
                f"nests deeper than {self.budget.limits.max_nesting} (limit max_nesting)"
            )


def read_bounded(read: Callable[[int], bytes], budget: Budget, consumed: int) -> bytes:
    """Everything `read` yields, stopping at the caps. `consumed` bounds the compressed input.

    Raises EntryTooLargeError or BombError; nothing beyond one extra block is ever held.
    """
    limit = budget.limits.max_entry_bytes
    parts: list[bytes] = []
    produced = 0
    while True:
        budget.check()
        block = read(BLOCK)
        if not block:
            return b"".join(parts)
        produced += len(block)
        budget.charge(len(block))
        budget.check_ratio(produced, consumed)
        if produced > limit:
            raise EntryTooLargeError(
                f"larger than {_mib(limit)} once decompressed (limit max_entry_bytes); not read"
            )
        parts.append(block)


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):g} MiB"
