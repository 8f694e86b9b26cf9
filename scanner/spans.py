"""Span lookups the matcher makes once per finding, in logarithmic time rather than a list scan.

Stage: matcher. With every finding compared against every other, 20,000 tokens in one 1 MB file
took 38 s and grew with the square of their number; these indexes keep the same answers.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(slots=True)
class SpanIndex:
    """Spans of one kind, each with the order it was added in; finds the first-added overlap.

    `widest` bounds how far before a span's end another span can start and still reach it, so
    a lookup reads only the spans that start in reach.
    """

    _keys: list[tuple[int, int]] = field(default_factory=list)  # (start, order), sorted
    _ends: dict[int, int] = field(default_factory=dict)  # order -> end
    _widest: int = 0

    def add(self, start: int, end: int, order: int) -> None:
        bisect.insort(self._keys, (start, order))
        self._ends[order] = end
        self._widest = max(self._widest, end - start)

    def remove(self, start: int, order: int) -> None:
        del self._keys[bisect.bisect_left(self._keys, (start, order))]
        del self._ends[order]

    def first_overlap(self, start: int, end: int) -> int | None:
        """The smallest order among spans that overlap [start, end), or None."""
        found: int | None = None
        index = bisect.bisect_left(self._keys, (end, -1)) - 1
        while index >= 0 and self._keys[index][0] > start - self._widest:
            order = self._keys[index][1]
            if self._ends[order] > start and (found is None or order < found):
                found = order
            index -= 1
        return found


def merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The union of `spans` as sorted, disjoint spans (touching ones stay apart)."""
    union: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if union and start < union[-1][1]:
            union[-1] = (union[-1][0], max(union[-1][1], end))
        else:
            union.append((start, end))
    return union


def clipped_union(
    spans: list[tuple[int, int]], size: int, margin: int = 0
) -> list[tuple[int, int]]:
    """`spans` widened by `margin`, clipped to [0, size), sorted, with overlapping and touching
    ones merged: the windows a confirmation pass reads, so a match across two never splits."""
    spans.sort()
    union: list[tuple[int, int]] = []
    for start, end in spans:
        start, end = max(0, start - margin), min(size, end + margin)
        if union and start <= union[-1][1]:
            if end > union[-1][1]:
                union[-1] = (union[-1][0], end)
        else:
            union.append((start, end))
    return union


def overlaps_any(union: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps a span of `union` (sorted and disjoint, from `merged`)."""
    index = bisect.bisect_left(union, (end, -1)) - 1
    return index >= 0 and union[index][1] > start


def nearest(starts: Sequence[int], target: int) -> list[int]:
    """Indexes into sorted `starts` of the closest start at or below `target` (the first of
    equal ones) and the closest above it: the only candidates for the nearest start."""
    after = bisect.bisect_right(starts, target)
    found = []
    if after > 0:
        found.append(bisect.bisect_left(starts, starts[after - 1]))
    if after < len(starts):
        found.append(after)
    return found
