"""The Hyperscan engine: every rule and decoder trigger in one database, each byte read once.

Stage: engine. The databases are planned, compiled and cached by `hyperscan_compile`; this
module scans pieces with them. The patterns carry no start-of-match tracking, so a hit's end
offset and the rule's maximum match width give the window the `regex` confirmation searches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import hyperscan

from leakward.rules.model import RuleSet
from leakward.scanner.engines import Hits
from leakward.scanner.engines.hyperscan_compile import (
    KEYWORD_BASE,
    TRIGGER_BASE,
    load_database,
    tail_of,
    triggers_of,
)
from leakward.scanner.engines.keyword_gates import GateRunner
from leakward.scanner.engines.pattern_shape import shape
from leakward.scanner.spans import clipped_union
from leakward.scanner.triggers import OWN_DATABASE

# Bytes kept on each side of a hit so lookarounds and word boundaries see their context.
MARGIN = 64
# Most first-only triggers (triggers.OWN_DATABASE) are compiled into a database of their own: alone,
# Hyperscan stops reading once its one pattern has matched. Beside the rules, a matched
# single-match pattern still costs a check at every later occurrence: `'%41 ' * 262144` took
# 13 ms per MB in the one database, plain text 0.9 ms. (The concatenation trigger, character
# classes around a `+`, also kept the main database off its fast paths: on botocore's JSON the
# one database took 0.28 s, the rest alone 0.11 s and this trigger alone 0.03 s.)
# A byte every match of each trigger with a database of its own holds: a piece without it is
# not read by that trigger's database. Most of a history's pieces have no `%` or `+`
# (symfony's: 56% and 74%), and a search for one byte in C costs less than a Hyperscan pass.
# A trigger left out here is read in every piece. Bytes as ints: `b"%" in piece` first tries
# `b"%"` as an int, and the TypeError it raises and clears inside cost more than the memchr
# (1.4% of a symfony task set's instructions); `37 in piece` goes straight to the memchr.
_OWN_DATABASE_BYTES = {"url": ord("%"), "escape": ord("\\"), "concat": ord("+")}


class HyperscanEngine:
    name = "hyperscan"

    def __init__(self, ruleset: RuleSet) -> None:
        self._ruleset = ruleset
        # Derived once: some four thousand patterns, for the cache key and the kind table.
        triggers = triggers_of(ruleset)
        self._databases, self._ungated, families = load_database(ruleset, triggers)
        self._gates = GateRunner(families)
        self._keywords = {
            index: tuple(k.lower().encode() for k in rule.keywords)
            for index, rule in enumerate(ruleset.rules)
        }
        # Per rule that has hit: (widest match, most newlines in a match or None). Parsing every
        # pattern up front cost more than a small scan; a scan meets a few rules.
        self._shapes: dict[int, tuple[int, int | None]] = {}
        self._tails: dict[int, re.Pattern[bytes] | None] = {}
        self._trigger_kinds = [kind for kind, _ in triggers]
        self._scratches = [hyperscan.Scratch(database) for database in self._databases]
        # The trigger databases (hyperscan_compile.plan_database: the main database, then one
        # per trigger in triggers.OWN_DATABASE, in trigger order), each with its byte.
        apart = [kind for kind, pattern in triggers if pattern in OWN_DATABASE]
        self._apart = list(
            zip(
                self._databases[1:],
                self._scratches[1:],
                [_OWN_DATABASE_BYTES.get(kind) for kind in apart],
                strict=True,
            )
        )
        # Hyperscan match events so far, each a call into Python: tests bound them per byte.
        self.events = 0

    def scan(self, data: bytes) -> Hits:
        return self.scan_many([data])[0]

    def scan_many(self, pieces: Sequence[bytes]) -> list[Hits]:
        """One Hyperscan pass per piece. Not one pass over the pieces joined: a keyword or a
        FIRST_ONLY trigger reports its first match only, so joined, it hit in the first piece
        that held it and in none after (symfony's history lost findings in batched blobs).
        A pass costs about 3 us more than its share of a joined one."""
        raw: list[tuple[int, int]] = []

        def on_match(ident: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            raw.append((ident, end))

        found: list[Hits] = []
        main, main_scratch = self._databases[0], self._scratches[0]
        ungated = self._ungated
        for piece in pieces:
            # Arguments by position (data, handler, flags, context, scratch): the binding's
            # parsing of keywords cost 0.5 us a call, 0.3 us all the rest of a call on a short
            # piece, and symfony's history makes some 850k calls (issue #18).
            main.scan(piece, on_match, 0, None, main_scratch)
            for database, scratch, needed in self._apart:
                if needed is None or needed in piece:
                    database.scan(piece, on_match, 0, None, scratch)
            if raw:  # most pieces have no hit: no gate hit to expand either
                self._gates.expand(raw, piece)
            if not raw and not ungated:
                found.append(Hits())  # most pieces of a tree or a history: no hit to group
                continue
            self.events += len(raw)
            found.append(self._group(raw, piece))
            raw = []
        return found

    def _shape(self, index: int) -> tuple[int, int | None]:
        found = self._shapes.get(index)
        if found is None:
            found = self._shapes[index] = shape(self._ruleset.rules[index].pattern)
        return found

    def _tail(self, index: int) -> re.Pattern[bytes] | None:
        if index not in self._tails:
            self._tails[index] = tail_of(self._ruleset.rules[index].pattern)
        return self._tails[index]

    def _group(self, raw: list[tuple[int, int]], data: bytes) -> Hits:
        hits = Hits()
        size = len(data)
        spans: dict[int, list[tuple[int, int]]] = {i: [(0, size)] for i in self._ungated}
        lowered: bytes | None = None
        for ident, end in raw:
            end = min(end, size)
            if ident >= TRIGGER_BASE:
                hits.triggers.setdefault(self._trigger_kinds[ident - TRIGGER_BASE], []).append(end)
            elif ident >= KEYWORD_BASE:
                spans[ident - KEYWORD_BASE] = [(0, size)]
            else:
                width, lines = self._shape(ident)
                held = spans.get(ident)
                tail = self._tail(ident)
                if tail is not None:
                    if held and end <= held[-1][1]:
                        continue  # inside the window an earlier hit's tail reaches over
                    run = tail.match(data, end)  # `class*` or `class{0,n}`: it always matches
                    reach = run.end() if run is not None else end
                else:
                    reach = end
                if held and _extends(data, held[-1][1], end, width, lines):
                    held[-1] = (held[-1][0], max(held[-1][1], reach))
                    continue
                start = max(0, end - width)
                if lines is not None:
                    start = _earliest_start(data, start, end, lines)
                spans.setdefault(ident, []).append((start, reach))
        for index, found in spans.items():
            # Same gate as the regex engine: a rule counts only where one of its keywords occurs.
            # Keywords are nearly always inside the match, so the windows are looked at first;
            # lowering a whole multi-megabyte blob is left for when they do not have one.
            windows = merge_windows(found, size)
            keywords = self._keywords[index]
            if keywords and not _any_in(keywords, (data[s:e].lower() for s, e in windows)):
                if windows == [(0, size)]:
                    continue  # the windows were the whole piece: it has no keyword
                if lowered is None:
                    lowered = data.lower()
                if not _any_in(keywords, (lowered,)):
                    continue
            hits.windows[index] = windows
        for offsets in hits.triggers.values():
            offsets.sort()
        return hits


def _extends(data: bytes, last_end: int, end: int, width: int, lines: int | None) -> bool:
    """Whether a hit ending at `end` only extends the window that ends at `last_end`.

    A pattern with an open-ended tail (`[^\\s]{10,}`) hits at every byte of a long value; a
    window and a line-bounded start for each cost far more than the scan. Its window would start
    no later than `last_end` (within `width`, and no newline since to move its line start), so
    merging it into the last one gives the same windows.
    """
    return (
        last_end <= end
        and end - width <= last_end
        and (lines is None or data.find(b"\n", last_end, end) < 0)
    )


def _earliest_start(data: bytes, start: int, end: int, lines: int) -> int:
    """Where a match that ends at `end` and holds at most `lines` newlines can begin, at the
    earliest: just after the newline `lines + 1` back (not before `start`)."""
    cut = end
    for _ in range(lines + 1):
        cut = data.rfind(b"\n", start, cut)
        if cut < 0:
            return start
    return cut + 1


def _any_in(keywords: tuple[bytes, ...], texts: Iterable[bytes]) -> bool:
    return any(keyword in text for text in texts for keyword in keywords)


def merge_windows(spans: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Widen each hit by MARGIN and merge overlaps, so one confirmation pass covers a cluster."""
    return clipped_union(spans, size, MARGIN)
