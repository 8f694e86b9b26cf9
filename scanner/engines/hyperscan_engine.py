"""The Hyperscan engine: every rule and decoder trigger in one database, each byte read once.

Stage: engine. Patterns are compiled without start-of-match tracking, which makes Hyperscan
several times faster on rules with bounded repeats; a hit's end offset and the rule's maximum
match width give the window the `regex` confirmation searches. The compiled database is cached
on disk in the user cache directory, keyed by everything that shapes it, so a scan after the
first starts in milliseconds.
Rules whose pattern Hyperscan cannot compile even without lookarounds (custom or imported rules)
fall back to their keywords: a keyword hit makes the whole chunk that rule's window.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import hyperscan
import platformdirs

from leakward.rules.model import RuleSet
from leakward.scanner.engines import (
    Hits,
    alternatives,
    keyword_gates,
    pattern_shape,
    scanned_rule_indexes,
    translate,
)
from leakward.scanner.engines.alternatives import split_expression
from leakward.scanner.engines.keyword_gates import GATE_BASE, GateRunner, gated_rules, load_gates
from leakward.scanner.engines.pattern_shape import shape
from leakward.scanner.engines.translate import for_hyperscan, open_tail
from leakward.scanner.spans import clipped_union
from leakward.scanner.triggers import (
    FIRST_ONLY,
    OWN_DATABASE,
    hyperscan_escaped,
    trigger_patterns,
)

# Bytes kept on each side of a hit so lookarounds and word boundaries see their context.
MARGIN = 64
# (kind, pattern) of every decoder trigger, in database id order.
Triggers = list[tuple[str, str]]
_KEYWORD_BASE = 1_000_000
_TRIGGER_BASE = 2_000_000
# Most first-only triggers (triggers.OWN_DATABASE) are compiled into a database of their own: alone,
# Hyperscan stops reading once its one pattern has matched. Beside the rules, a matched
# single-match pattern still costs a check at every later occurrence: `'%41 ' * 262144` took
# 13 ms per MB in the one database, plain text 0.9 ms. (The concatenation trigger, character
# classes around a `+`, also kept the main database off its fast paths: on botocore's JSON the
# one database took 0.28 s, the rest alone 0.11 s and this trigger alone 0.03 s.)
# A byte every match of each trigger with a database of its own holds: a piece without it is
# not read by that trigger's database. Most of a history's pieces have no `%` or `+`
# (symfony's: 56% and 74%), and a search for one byte in C costs less than a Hyperscan pass.
# A trigger left out here is read in every piece.
_OWN_DATABASE_BYTES = {"url": b"%", "escape": b"\\", "concat": b"+"}


@dataclass(frozen=True, slots=True)
class _Patterns:
    expressions: list[bytes] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    flags: list[int] = field(default_factory=list)

    def add(self, expression: bytes, ident: int, flag: int) -> None:
        self.expressions.append(expression)
        self.ids.append(ident)
        self.flags.append(flag)

    def compiled(self) -> hyperscan.Database:
        database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        database.compile(
            expressions=self.expressions, ids=self.ids, elements=len(self.ids), flags=self.flags
        )
        return database


@dataclass(frozen=True, slots=True)
class _Plan:
    """Patterns per database (the main one first), the rules that run on every chunk, and the
    rules each keyword gate stands in for (keyword_gates), read only around its hits."""

    databases: list[_Patterns]
    ungated: frozenset[int]
    families: list[_Patterns] = field(default_factory=list)


def compiling(expressions: Sequence[bytes]) -> list[bool]:
    """Which of `expressions` Hyperscan compiles on its own.

    All at once first, then halves of a set that fails: nearly every rule compiles, so a rule
    set costs a few multi-pattern compiles, not one compile per rule (550 of those took 9 s of
    every cold start, and of every test that scans with its own rules).
    """
    if not expressions:
        return []
    try:
        hyperscan.Database().compile(
            expressions=list(expressions),
            ids=list(range(len(expressions))),
            elements=len(expressions),
            flags=[0] * len(expressions),
        )
    except hyperscan.error:
        if len(expressions) == 1:
            return [False]
        half = len(expressions) // 2
        return compiling(expressions[:half]) + compiling(expressions[half:])
    return [True] * len(expressions)


def plan_database(ruleset: RuleSet, triggers: Triggers) -> _Plan:
    """Which rules compile natively; the rest are gated by their keywords. A native rule that a
    keyword gate stands in for goes to that gate's family database instead of the main one."""
    main = _Patterns()
    apart: list[_Patterns] = []
    ungated: set[int] = set()
    indexes = scanned_rule_indexes(ruleset)
    expressions = database_expressions([ruleset.rules[index].pattern for index in indexes])
    natives = compiling(expressions)
    pieces = split_natives(expressions, natives)
    gates = [gate for gate in load_gates() if gate.rules]
    members = gated_rules(ruleset, indexes, gates)
    families = [_Patterns() for _ in gates]
    family_of = {index: families[n] for n, found in enumerate(members) for index in found}
    for index, expression, is_native in zip(indexes, expressions, natives, strict=True):
        rule = ruleset.rules[index]
        if is_native:
            for piece in pieces.get(expression, [expression]):
                family_of.get(index, main).add(piece, index, 0)
        elif not rule.keywords:
            ungated.add(index)
        else:
            for keyword in rule.keywords:
                flag = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_SINGLEMATCH
                main.add(hyperscan_literal(keyword), _KEYWORD_BASE + index, flag)
    for position, (_kind, pattern) in enumerate(triggers):
        flag = hyperscan.HS_FLAG_SINGLEMATCH if pattern in FIRST_ONLY else 0
        if pattern in OWN_DATABASE:
            apart.append(_Patterns())
            apart[-1].add(pattern.encode(), _TRIGGER_BASE + position, flag)
        else:
            main.add(pattern.encode(), _TRIGGER_BASE + position, flag)
    # A gate whose rules are all missing or not native would find nothing: it is left out, and
    # the gate ids count the families kept.
    kept = [(gate, family) for gate, family in zip(gates, families, strict=True) if family.ids]
    for number, (gate, _family) in enumerate(kept):
        main.add(gate.pattern.encode(), GATE_BASE + number, 0)
    return _Plan([main, *apart], frozenset(ungated), [family for _gate, family in kept])


def split_natives(
    expressions: Sequence[bytes], natives: Sequence[bool]
) -> dict[bytes, list[bytes]]:
    """Each compiling expression that opens with a choice -> its branches
    (`alternatives.split_expression`), where every branch compiles too."""
    split = {
        expression: [piece.encode() for piece in split_expression(expression.decode())]
        for expression, is_native in zip(expressions, natives, strict=True)
        if is_native
    }
    split = {expression: found for expression, found in split.items() if len(found) > 1}
    verdicts = compiling([piece for found in split.values() for piece in found])
    kept: dict[bytes, list[bytes]] = {}
    for expression, found in split.items():
        if all(verdicts[: len(found)]):
            kept[expression] = found
        verdicts = verdicts[len(found) :]
    return kept


def database_expressions(patterns: Sequence[str]) -> list[bytes]:
    """Each rule's pattern as the database holds it: without lookarounds, its open tail cut
    where the cut still compiles."""
    translated = [for_hyperscan(pattern) for pattern in patterns]
    cuts = [open_tail(expression) for expression in translated]
    compiled = iter(compiling([cut[0].encode() for cut in cuts if cut is not None]))
    return [
        (cut[0] if cut is not None and next(compiled) else expression).encode()
        for expression, cut in zip(translated, cuts, strict=True)
    ]


def tail_of(pattern: str) -> re.Pattern[bytes] | None:
    """What a hit of the cut pattern may run on over (see `open_tail`), or None."""
    expression = for_hyperscan(pattern)
    cut = open_tail(expression)
    if cut is None:
        return None
    try:
        return re.compile(cut[1].encode(), re.IGNORECASE if "(?i" in expression else 0)
    except re.error:
        return None  # a class `re` reads otherwise; the database kept it uncut only if HS did


def triggers_of(ruleset: RuleSet) -> Triggers:
    """The decoder triggers for the rules an engine looks for."""
    indexes = scanned_rule_indexes(ruleset)
    return trigger_patterns(k for i in indexes for k in ruleset.rules[i].keywords)


def hyperscan_literal(text: str) -> bytes:
    return hyperscan_escaped(text.encode()).encode()


def _builders_digest() -> str:
    """The source of the code that turns rules into the database and lays it out on disk.

    Hashing it, rather than a version number someone must remember to bump, means a change to
    the translation can never load a database built by the code before it (two branches that
    bumped the same number once shared a stale cache file).
    """
    digest = hashlib.sha256()
    for module in (translate, pattern_shape, alternatives, keyword_gates, sys.modules[__name__]):
        digest.update(Path(str(module.__file__)).read_bytes())
    # The gates are data beside the rules, but shape the database as this code does.
    digest.update(repr(load_gates()).encode())
    return digest.hexdigest()


_BUILDERS_DIGEST = _builders_digest()


def cache_path(ruleset: RuleSet, triggers: Triggers) -> Path:
    # Everything that shapes the database: the rules, the decoder triggers, the code that
    # builds it, Hyperscan.
    version = getattr(hyperscan, "__version__", "?")
    # The trigger patterns themselves, which are single-match and which scanned alone, not a
    # version number someone must remember to bump.
    patterns = "\0".join(
        f"{kind}={pattern}{'!' * (pattern in FIRST_ONLY)}{'@' * (pattern in OWN_DATABASE)}"
        for kind, pattern in triggers
    )
    key = hashlib.sha256(
        f"{_BUILDERS_DIGEST}:{version}:{ruleset.digest}:{patterns}".encode()
    ).hexdigest()[:24]
    return Path(platformdirs.user_cache_dir("leakward")) / f"hyperscan-{key}.db"


def load_database(
    ruleset: RuleSet, triggers: Triggers
) -> tuple[list[hyperscan.Database], frozenset[int], list[hyperscan.Database]]:
    """The compiled databases from the cache, compiling and caching them on a miss.

    Also returns the rules that neither compile nor have keywords (they run on every chunk) and
    the keyword gates' family databases (see `keyword_gates`), in gate id order.
    """
    path = cache_path(ruleset, triggers)
    ungated_path = path.with_suffix(".ungated")
    count_path = path.with_suffix(".count")
    try:
        count, gated = (int(n) for n in count_path.read_text().split())
        databases = [
            hyperscan.loadb(_part(path, n).read_bytes(), hyperscan.HS_MODE_BLOCK)
            for n in range(count + gated)
        ]
        ungated = frozenset(int(i) for i in ungated_path.read_text().split())
        return databases[:count], ungated, databases[count:]
    except (OSError, ValueError, hyperscan.error):
        pass
    plan = plan_database(ruleset, triggers)
    databases = [patterns.compiled() for patterns in plan.databases]
    families = [patterns.compiled() for patterns in plan.families]
    # The lists go first: a reader that finds the count also finds what it counts.
    _write_atomically(ungated_path, " ".join(map(str, sorted(plan.ungated))).encode())
    for n, database in enumerate([*databases, *families]):
        _write_atomically(_part(path, n), hyperscan.dumpb(database))
    _write_atomically(count_path, f"{len(databases)} {len(families)}".encode())
    return databases, plan.ungated, families


def _part(path: Path, number: int) -> Path:
    return path.with_name(f"{path.stem}-{number}{path.suffix}")


def _write_atomically(path: Path, data: bytes) -> None:
    # Parallel workers may all miss the cache at once; rename makes the last writer win cleanly.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        return  # an unwritable cache only costs the next scan a compile


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
        # Each database's byte, None for the main one (plan_database: the main database, then
        # one per trigger in triggers.OWN_DATABASE, in trigger order).
        apart = [kind for kind, pattern in triggers if pattern in OWN_DATABASE]
        self._needs = [None, *(_OWN_DATABASE_BYTES.get(kind) for kind in apart)]
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
        reads = list(zip(self._databases, self._scratches, self._needs, strict=True))
        for piece in pieces:
            for database, scratch, needed in reads:
                if needed is None or needed in piece:
                    database.scan(piece, match_event_handler=on_match, scratch=scratch)
            self._gates.expand(raw, piece)
            if not raw and not self._ungated:
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
            if ident >= _TRIGGER_BASE:
                hits.triggers.setdefault(self._trigger_kinds[ident - _TRIGGER_BASE], []).append(end)
            elif ident >= _KEYWORD_BASE:
                spans[ident - _KEYWORD_BASE] = [(0, size)]
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
