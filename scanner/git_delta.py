"""Scanning a blob against its delta base: only what changed is scanned, the rest is carried over.

Stage: matching, for history scans. Git stores most versions of a file as a delta against another
version (its base), and the delta says which byte ranges are verbatim copies of the base. A
finding of the base that sits, with CONTEXT bytes on each side, inside one such copy is the same
finding in this blob: everything that decides it (the match, its keywords, a paired key id, an
allow comment) is in that context. Only the changed ranges, with the same context, are scanned.

Anything this cannot vouch for falls back to scanning the whole blob: a base finding decoded from
base64 or escapes whose lines changed (a change can shift what decodes), one whose text is not
where the delta puts it, a window finding at the edge of its window, or a blob that changed too
much to gain anything.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass

from leakward.scanner.matcher import Matcher
from leakward.scanner.models import Chunk, Finding, Origin
from leakward.scanner.sources.git_pack import Copy, Delta

# Unchanged bytes scanned on each side of a change, and required around a carried finding. More
# than a key id's pairing reach (1 KiB) and than most multi-line secrets (PEM keys of 2048 bits).
CONTEXT = 2048
# Above this share of a blob to scan, scanning it whole costs about the same and risks nothing.
_MOST_SCANNED = 0.5
# A delta is read against its base when its blob is this many times its bytes in the pack. At
# 1000 (measured on botocore's big JSON) rails' history scanned 1.4 GB of deltas whole that a
# tenth of that ratio reads against their bases. Callgrind on 11 of its 105 tasks: 26.71 G ->
# 24.11 G instructions (296 -> 405 MB carried); on 6 others 19.54 G -> 17.63 G, and at 30
# 17.91 G. The same findings each time (issue #18).
_SIZE_PER_STORED_BYTE = 100


@dataclass(frozen=True, slots=True)
class Spanned:
    """A finding and the byte span of its secret in the blob."""

    finding: Finding
    start: int
    end: int


def worth_comparing(size: int, stored: int) -> bool:
    """Whether a delta of `size` bytes, `stored` bytes in its pack, is worth reading against its
    base. Each change is scanned with 2 * CONTEXT bytes on each side and costs a few delta bytes,
    and Hyperscan reads unchanged text faster than Python reads delta instructions: only a big
    blob with a small delta gains (see _SIZE_PER_STORED_BYTE)."""
    return size > 8 * CONTEXT and stored * _SIZE_PER_STORED_BYTE < size


def scan_whole(matcher: Matcher, data: bytes, origin: Origin) -> list[Spanned]:
    return [Spanned(*found) for found in matcher.scan_chunk_spans(Chunk(data, origin))]


def scan_against_base(
    matcher: Matcher,
    data: bytes,
    origin: Origin,
    delta: Delta,
    base: list[Spanned],
) -> tuple[list[Spanned], int] | None:
    """The blob's findings and the bytes actually scanned, or None when only a whole scan is safe.

    `base` holds the findings of the delta's base, found the same way."""
    if delta.size != len(data):
        return None
    runs = delta.copies
    changed = _changed(runs, len(data), delta.base_size)
    # Near a change (within CONTEXT) findings come from scanning; farther away, from the base.
    near = _widened(changed, CONTEXT, len(data))
    windows = _lines(data, _widened(changed, 2 * CONTEXT, len(data)))
    scanned = sum(end - start for start, end in windows)
    if scanned > _MOST_SCANNED * len(data):
        return None
    found = _in_windows(matcher, data, origin, windows, near)
    carried = _carried(data, origin, runs, near, base)
    if found is None or carried is None:
        return None
    found += carried
    found.sort(key=lambda item: item.start)
    return found, scanned


def _changed(runs: list[Copy], size: int, base_size: int) -> list[tuple[int, int]]:
    """Byte ranges that no run copies, plus each seam between two runs (a deletion or a move):
    the text across a seam is new even where both sides are copies."""
    changed: list[tuple[int, int]] = []
    at = 0
    for start, end, _ in runs:
        changed.append((at, start))  # empty when two runs meet: still a seam
        at = end
    changed.append((at, size))
    # No seam where the blob starts, or ends, exactly where its base does.
    if runs and runs[0][0] == 0 and runs[0][2] == 0:
        changed.pop(0)
    if runs and runs[-1][1] == size and _source_end(runs[-1]) == base_size:
        changed.pop()
    return changed


def _widened(ranges: list[tuple[int, int]], by: int, size: int) -> list[tuple[int, int]]:
    """Each range grown by `by` on both sides, overlaps merged. `ranges` are sorted and apart,
    so only the first can reach below 0 and only the last past `size`."""
    if not ranges:
        return []
    merged: list[tuple[int, int]] = []
    low, high = ranges[0][0] - by, ranges[0][1] + by
    for start, end in itertools.islice(ranges, 1, None):
        if start - by <= high:
            high = end + by
        else:
            merged.append((low, high))
            low, high = start - by, end + by
    merged.append((low, high))
    merged[0] = (max(0, merged[0][0]), merged[0][1])
    merged[-1] = (merged[-1][0], min(size, merged[-1][1]))
    return merged


def _lines(data: bytes, windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Windows grown to whole lines, so columns and allow comments read as in the whole blob."""
    grown: list[tuple[int, int]] = []
    for start, end in windows:
        start = data.rfind(b"\n", 0, start) + 1
        stop = data.find(b"\n", end)
        end = len(data) if stop < 0 else stop + 1
        if grown and start <= grown[-1][1]:
            grown[-1] = (grown[-1][0], max(end, grown[-1][1]))
        else:
            grown.append((start, end))
    return grown


def _in_windows(
    matcher: Matcher,
    data: bytes,
    origin: Origin,
    windows: list[tuple[int, int]],
    near: list[tuple[int, int]],
) -> list[Spanned] | None:
    """Findings of the windows that are near a change; None if one may be cut by its window."""
    found: list[Spanned] = []
    for start, end in windows:
        piece = data[start:end]
        spans = matcher.scan_chunk_spans(Chunk(piece, origin))
        if spans and start:
            # Scanned again from its true line: counting the lines before every window read
            # each blob up to its last change (1.5% of a symfony history's worker CPU), and a
            # window with something in it is rare.
            line = data.count(b"\n", 0, start) + 1
            spans = matcher.scan_chunk_spans(Chunk(piece, origin, first_line=line))
        for finding, low, high in spans:
            low, high = low + start, high + start
            if not _overlaps(near, low, high):
                continue  # carried from the base, with its full context
            if (start > 0 and low - start < CONTEXT) or (end < len(data) and end - high < CONTEXT):
                return None
            found.append(Spanned(finding, low, high))
    return found


def _carried(
    data: bytes,
    origin: Origin,
    runs: list[Copy],
    near: list[tuple[int, int]],
    base: list[Spanned],
) -> list[Spanned] | None:
    """The base's findings that this blob holds unchanged with their context; None when one of
    them cannot be vouched for."""
    carried: list[Spanned] = []
    whole = Chunk(data, origin)
    for item in base:
        finding = item.finding
        # Every place the base's text was copied to: a duplicated block holds it twice.
        for run in runs:
            run_start, _, source = run
            if not source <= item.start < item.end <= _source_end(run):
                continue  # not copied whole here: where its text changed, the windows looked
            start = run_start + item.start - source
            end = start + item.end - item.start
            if finding.decoded_from:
                # What decodes depends on the whole encoded run, which may fill its lines: those
                # lines must be unchanged too, not only the span that held the secret.
                low = data.rfind(b"\n", 0, start) + 1
                high = data.find(b"\n", end)
                if _overlaps(near, low, len(data) if high < 0 else high):
                    return None
            elif _overlaps(near, start, end):
                continue  # the windows found it again, or found it gone
            elif data[start:end] != finding.secret.reveal().encode("utf-8", "surrogateescape"):
                return None
            line, column = whole.position(start)
            end_line, end_column = whole.position(end)
            moved = dataclasses.replace(
                finding,
                origin=origin,
                line=line,
                column=column,
                end_line=end_line,
                end_column=end_column,
            )
            carried.append(Spanned(moved, start, end))
    return carried


def _source_end(run: Copy) -> int:
    start, end, source = run
    return source + end - start


def _overlaps(ranges: list[tuple[int, int]], low: int, high: int) -> bool:
    return any(low < end and high > start for start, end in ranges)
