"""Keyword gates: rules that open with a credential word run only around a cheap gate's hits.

Stage: engine. In one Hyperscan database every rule keyed on `token`, `key` or `secret` restarts
at each occurrence of the word; on `'TOKEN=' * n + '#'` six such rules cost 28 ms per MB, plain
text 1 ms for the whole database. A gate (rules/_gates.yaml) matches what each of its rules'
matches opens with; the main database holds the gate instead of the rules, and a database of
the gate's rules alone reads only the windows around the gate's hits. The hits it reports there
are the hits those rules gave in the main database (tests/scanner/test_keyword_gates.py), so
grouping and confirmation downstream are unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import hyperscan
import yaml

from leakward.rules.loader import BUILTIN_DIR
from leakward.rules.model import RuleSet
from leakward.scanner.engines.alternatives import split_expression
from leakward.scanner.engines.translate import for_hyperscan

GATES_FILE = BUILTIN_DIR / "_gates.yaml"
# Database ids of the gates' patterns, above the rules', keywords' and triggers'.
GATE_BASE = 3_000_000
# How far before a gate hit's end a gated rule's match may start: the gate's own width (about
# 90 bytes at most) and a name's prefix before the word (`[A-Za-z0-9_.-]{0,30}` and `client_`,
# `virus_total_`, a call's `f("`), with room to spare.
REACH_BACK = 256
# Past a gate hit a gated rule's match runs on over the value (no white space in any of their
# values) and then at most a closing quote, `[ \t]{0,3}` and a `)`.
REACH_AFTER = 8
_VALUE_RUN = re.compile(rb"\S*")
# A branch of a gate that opens with a block of bytes (`translate.all_but`): `(?:[\x40-\x7f])`.
_BLOCK_OPENING = re.compile(r"\(\?:\[\\x([0-9a-f]{2})-\\x([0-9a-f]{2})\]\)")


@dataclass(frozen=True, slots=True)
class Gate:
    name: str
    pattern: str
    rules: tuple[str, ...]
    # Decoder triggers (their exact patterns) the gate stands in for too: read, like its rules,
    # only around its hits.
    triggers: tuple[str, ...] = ()


def load_gates(path: Path | None = None) -> tuple[Gate, ...]:
    """The gates a file (GATES_FILE by default) lists; none when it is missing, and every rule
    then stays in the main database."""
    try:
        listed = yaml.safe_load((path or GATES_FILE).read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return ()
    return tuple(
        Gate(
            name=gate["name"],
            # Written as its rules open (`(?<!…=)`), given to Hyperscan in blocks of bytes.
            pattern=for_hyperscan(gate["pattern"], opening_in_blocks=True),
            rules=tuple(gate["rules"]),
            triggers=tuple(gate.get("triggers", ())),
        )
        for gate in listed.get("gates", [])
    )


def gate_expressions(gate: Gate) -> list[str]:
    """The gate's pattern as the main database holds it: one expression per branch of its opening
    (`alternatives.split_expression`), and each branch that opens with a block of bytes as one
    expression per byte (a letter as `(?i:a)`, once for both cases).

    A block is checked with the word in Hyperscan's literal matcher, but still matched every
    `TOKEN=` of a run of them (env_tokens 1.13 ms per MB of the main database); a single byte
    makes a longer literal (`<token`) that such a run never holds (0.52). Past
    `alternatives.MOST`, which only bounds how far a rule is split, as the gates are few."""
    expressions: list[str] = []
    for branch in split_expression(gate.pattern):
        block = _BLOCK_OPENING.match(branch)
        if block is None:
            expressions.append(branch)
            continue
        rest = branch[block.end() :]
        for byte in range(int(block[1], 16), int(block[2], 16) + 1):
            char = chr(byte)
            if char.isascii() and char.isupper():
                continue  # its lower case stands for both
            opening = f"(?i:{char})" if char.isascii() and char.islower() else f"\\x{byte:02x}"
            expressions.append(opening + rest)
    return expressions


def gated_rules(ruleset: RuleSet, indexes: Sequence[int], gates: Sequence[Gate]) -> list[list[int]]:
    """For each gate, the indexes among `indexes` of the rules it stands in for.

    Only built-in rules: the gate was checked against their patterns, and a custom rule set
    (`rules check --only`) may give one of the listed ids a pattern of its own."""
    position = {
        ruleset.rules[index].id: index
        for index in indexes
        if Path(ruleset.rules[index].source).parent == BUILTIN_DIR
    }
    return [[position[rule] for rule in gate.rules if rule in position] for gate in gates]


class GateRunner:
    """Turns the main database's gate hits into the hits of the gates' rules."""

    def __init__(self, families: Sequence[hyperscan.Database]) -> None:
        # The database of gate number n's rules, for the hits of id GATE_BASE + n.
        self._families = list(families)
        self._scratches = [hyperscan.Scratch(database) for database in self._families]

    def expand(self, raw: list[tuple[int, int]], data: bytes) -> None:
        """Replace, in place, the gate hits in `raw` (id, end) by their rules' hits in `data`."""
        if not self._families or not any(ident >= GATE_BASE for ident, _ in raw):
            return
        kept = [hit for hit in raw if hit[0] < GATE_BASE]
        gate_ends = [
            [end for ident, end in raw if ident == GATE_BASE + number]
            for number in range(len(self._families))
        ]
        for database, scratch, ends in zip(self._families, self._scratches, gate_ends, strict=True):
            for start, stop in _windows(ends, data):
                database.scan(
                    data[start:stop], match_event_handler=_collect(kept, start), scratch=scratch
                )
        raw[:] = kept


def _windows(ends: list[int], data: bytes) -> list[list[int]]:
    """The windows around gate hits ending at `ends` (ascending), merged where they overlap.

    Where the hits are so dense that their windows would cover the piece (every line of a file
    of AWS pairs is one), the piece is the window: one pass of the gated rules, as without the
    gate, and no Python step per hit (measuring each one's value run took 22 ms per MB there)."""
    if not ends:
        return []
    if len(ends) * REACH_BACK >= len(data):
        return [[0, len(data)]]
    spans: list[list[int]] = []
    run_end = -1
    for end in ends:
        if end <= run_end:
            continue  # in the run the last hit measured: its window reaches as far already
        run_end = _add_window(spans, data, end)
    return spans


def _add_window(spans: list[list[int]], data: bytes, end: int) -> int:
    """Add the window a gate hit ending at `end` calls for, merged into the last one where they
    overlap; returns where the value run holding `end` ends (a later hit before there shares
    this window)."""
    run = _VALUE_RUN.match(data, end)
    run_end = run.end() if run is not None else end
    start, stop = max(0, end - REACH_BACK), min(len(data), run_end + REACH_AFTER)
    if spans and start <= spans[-1][1]:
        spans[-1][1] = max(spans[-1][1], stop)
    else:
        spans.append([start, stop])
    return run_end


def _collect(
    found: list[tuple[int, int]], offset: int
) -> Callable[[int, int, int, int, object], None]:
    def on_match(ident: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
        found.append((ident, offset + end))

    return on_match
