"""Decoded views: what the matcher rescans after a decoder has run, and where each byte came from.

Stage: decoders -> matcher. A decoded span is rescanned behind the text that precedes it on its
line (so `aws_secret_access_key: <base64>` keeps its name). Spans of one kind that sit close
together on a line are rescanned as one view, raw gaps included: rescanning each with its own
context re-read that context once per span, and the context held the next spans' triggers, so
`'%41 ' * 25000` decoded millions of overlapping views. Grouped, every byte of a chunk is in at
most one view per decoder kind, and a view's context never reaches into another view.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from leakward.scanner.decoded import Decoded

# Bytes of a line kept in front of a decoded value, for keyword-anchored rules; also the widest
# raw gap that still joins two decoded spans into one view.
CONTEXT = 128


@dataclass(frozen=True, slots=True)
class View:
    """Bytes to rescan: raw context, then decoded spans with the raw gaps between them.

    `prefix` is how many leading bytes are raw context: their triggers were handled by the
    parent already, so they are not decoded again.
    """

    kind: str
    data: bytes
    prefix: int
    _starts: tuple[int, ...]
    _pieces: tuple[int | Decoded, ...]

    def to_parent(self, offset: int) -> int:
        """The parent offset of view byte `offset` (raw pieces are copied byte for byte)."""
        index = max(0, bisect.bisect_right(self._starts, offset) - 1)
        piece = self._pieces[index]
        inside = offset - self._starts[index]
        if isinstance(piece, Decoded):
            return piece.to_parent(inside)
        return piece + inside


def _context_start(parent: bytes, start: int, floor: int) -> int:
    """Where the context before `start` begins: its line's start, at most CONTEXT bytes back,
    never before `floor`. Searched no further back than CONTEXT: minified files have
    megabyte-long lines."""
    lowest = max(floor, start - CONTEXT)
    return max(parent.rfind(b"\n", lowest, start) + 1, lowest)


def _joins(parent: bytes, end: int, start: int) -> bool:
    """A raw gap joins two spans into one view when it is short and on one line."""
    return end <= start < end + CONTEXT and parent.find(b"\n", end, start) < 0


def _build(parent: bytes, group: list[Decoded], floor: int) -> View:
    first = group[0]
    context = _context_start(parent, first.start, floor)
    starts: list[int] = []
    pieces: list[int | Decoded] = []
    out = bytearray()
    raw_from = context
    for span in group:
        if span.start > raw_from:
            starts.append(len(out))
            pieces.append(raw_from)
            out += parent[raw_from : span.start]
        starts.append(len(out))
        pieces.append(span)
        out += span.data
        raw_from = span.end
    prefix = first.start - context
    return View(first.kind, bytes(out), prefix, tuple(starts), tuple(pieces))


def group_views(parent: bytes, spans: Iterable[Decoded]) -> Iterator[View]:
    """One view per run of same-kind spans that lie close together on one line.

    Spans that decode to exactly what they were are dropped: rescanning them finds nothing new.
    """
    by_kind: dict[str, list[Decoded]] = {}
    for span in spans:
        # A length that differs tells without copying the span's text out of a long parent.
        if len(span.data) != span.end - span.start or span.data != parent[span.start : span.end]:
            by_kind.setdefault(span.kind, []).append(span)
    for found in by_kind.values():
        found.sort(key=lambda span: span.start)
        group: list[Decoded] = []
        # A view's context starts after the previous view of its kind: no byte is read twice.
        floor = 0
        for span in found:
            if group and not _joins(parent, group[-1].end, span.start):
                yield _build(parent, group, floor)
                # An overlapping span (decoders rarely make one) still gets its own view.
                floor = min(group[-1].end, span.start)
                group = []
            group.append(span)
        if group:
            yield _build(parent, group, floor)
