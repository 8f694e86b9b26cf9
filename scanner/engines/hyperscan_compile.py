"""The Hyperscan engine's compile side: which rules go into which database, and the on-disk cache.

Stage: engine. Patterns are compiled without start-of-match tracking, which makes Hyperscan
several times faster on rules with bounded repeats (`hyperscan_engine` turns a hit's end offset
into a window). The compiled databases are cached on disk in the user cache directory, keyed by
everything that shapes them, so a scan after the first starts in milliseconds.
Rules whose pattern Hyperscan cannot compile even without lookarounds (custom or imported rules)
fall back to their keywords: a keyword hit makes the whole chunk that rule's window.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import hyperscan

from leakward.core.cache_files import user_cache, write_cache
from leakward.rules.model import RuleSet
from leakward.scanner.engines import (
    alternatives,
    keyword_gates,
    pattern_shape,
    scanned_rule_indexes,
    translate,
)
from leakward.scanner.engines.alternatives import split_expression
from leakward.scanner.engines.keyword_gates import (
    GATE_BASE,
    gate_expressions,
    gated_rules,
    load_gates,
)
from leakward.scanner.engines.translate import for_hyperscan, open_tail
from leakward.scanner.triggers import (
    FIRST_ONLY,
    OWN_DATABASE,
    hyperscan_escaped,
    trigger_patterns,
)

# (kind, pattern) of every decoder trigger, in database id order.
Triggers = list[tuple[str, str]]
# Database ids: a rule's own pattern is its index; its keywords (for a rule Hyperscan cannot
# compile) and the decoder triggers are numbered from these.
KEYWORD_BASE = 1_000_000
TRIGGER_BASE = 2_000_000


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
                main.add(hyperscan_literal(keyword), KEYWORD_BASE + index, flag)
    # A trigger a gate stands in for goes to that gate's family, like its rules (keyword_gates).
    gated_triggers = {
        pattern: families[n] for n, gate in enumerate(gates) for pattern in gate.triggers
    }
    for position, (_kind, pattern) in enumerate(triggers):
        flag = hyperscan.HS_FLAG_SINGLEMATCH if pattern in FIRST_ONLY else 0
        if pattern in gated_triggers and pattern not in FIRST_ONLY:
            gated_triggers[pattern].add(pattern.encode(), TRIGGER_BASE + position, flag)
        elif pattern in OWN_DATABASE:
            apart.append(_Patterns())
            apart[-1].add(pattern.encode(), TRIGGER_BASE + position, flag)
        else:
            main.add(pattern.encode(), TRIGGER_BASE + position, flag)
    # A gate whose rules and triggers are all missing or not native would find nothing: it is
    # left out, and the gate ids count the families kept.
    kept = [(gate, family) for gate, family in zip(gates, families, strict=True) if family.ids]
    # A gate that opens with a choice (`(?:^|[^=])`, rules/_gates.yaml) goes in split, as a rule
    # does: whole, Hyperscan read every word's value on (7 ms per MB of `TOKEN=` runs; 2 split),
    # and its blocks of bytes one byte an expression (keyword_gates.gate_expressions).
    for number, (gate, _family) in enumerate(kept):
        for branch in gate_expressions(gate):
            main.add(branch.encode(), GATE_BASE + number, 0)
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
    return user_cache(f"hyperscan-{key}.db")


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
    write_cache(ungated_path, " ".join(map(str, sorted(plan.ungated))).encode())
    for n, database in enumerate([*databases, *families]):
        write_cache(_part(path, n), hyperscan.dumpb(database))
    write_cache(count_path, f"{len(databases)} {len(families)}".encode())
    return databases, plan.ungated, families


def _part(path: Path, number: int) -> Path:
    return path.with_name(f"{path.stem}-{number}{path.suffix}")
