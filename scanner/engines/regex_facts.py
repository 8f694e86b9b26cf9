"""What the `regex` engine reads from each rule before a scan, kept on disk between scans.

Stage: engine setup. Each rule's reach from its keywords, whether it needs them as written and
the bytes it allows beside each (scanner.engines.keyword_edges) come from parsing its pattern
and matching its examples: 0.68 s of CPU for the built-in rules, in every worker of every scan,
most of it compiling patterns with `regex` (whose cache of 500 is smaller than the rule set, so
the matcher compiled them all again). Hyperscan keeps its compiled database on disk for the
same reason. The cache is JSON (a file there can never run code), keyed by the rules it
describes and the source of the code that derives it; any trouble reading or writing it only
costs deriving the facts again.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from leakward.core.cache_files import user_cache, write_cache
from leakward.rules.model import Rule
from leakward.scanner.engines import keyword_edges, pattern_shape, translate
from leakward.scanner.engines.keyword_edges import Edges


@dataclass(frozen=True, slots=True)
class RuleFacts:
    """One rule's facts: its reach as (width, lines) (None: it searches whole chunks), whether
    each match holds a keyword as written, the edges of each keyword (lowered), and for a rule
    without keywords a byte each match holds, with its edges (keyword_edges.gate_of)."""

    reach: tuple[int, int | None] | None
    is_case_exact: bool
    edges: tuple[tuple[str, Edges | None], ...]
    gate: tuple[int, Edges] | None = None


def _code_digest(deriving: Sequence[str]) -> str:
    """The source of the modules that derive the facts, this one included: a change to any
    of them can never read facts the code before it wrote."""
    digest = hashlib.sha256(f"{sys.version}:{regex.__version__}".encode())
    for path in (*deriving, keyword_edges.__file__, pattern_shape.__file__, translate.__file__):
        digest.update(Path(str(path)).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def cache_path(rules: Sequence[Rule], deriving: Sequence[str]) -> Path:
    """The cache file for these rules' facts, keyed by what the facts are derived from (a rule
    set's digest is empty for sets built in code)."""
    digest = hashlib.sha256(_code_digest(deriving).encode())
    for rule in rules:
        examples = [example.text for example in rule.examples_match]
        digest.update(repr((rule.id, rule.pattern, rule.keywords, examples)).encode())
    return user_cache(f"regex-facts-{digest.hexdigest()[:24]}.json")


def load_facts(
    rules: Sequence[Rule], derive: Callable[[Rule], RuleFacts], deriving: Sequence[str]
) -> list[RuleFacts]:
    """Facts for each of `rules`, from the cache or derived (and cached); `deriving` names
    the source files of `derive`."""
    path = cache_path(rules, deriving)
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
        if len(entries) == len(rules):
            return [_facts(entry) for entry in entries]
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        pass
    found = [derive(rule) for rule in rules]
    write_cache(path, json.dumps([_entry(facts) for facts in found]).encode())
    return found


def _bits(chars: frozenset[int] | None) -> str | None:
    return None if chars is None else format(sum(1 << c for c in chars), "x")


def _chars(bits: str | None) -> frozenset[int] | None:
    if bits is None:
        return None
    number = int(bits, 16)
    return frozenset(c for c in range(256) if number >> c & 1)


def _entry(facts: RuleFacts) -> list[Any]:
    edges = {
        keyword: None if bounds is None else [_bits(bounds.before), _bits(bounds.after)]
        for keyword, bounds in facts.edges
    }
    gate = facts.gate
    opening = None if gate is None else [gate[0], _bits(gate[1].before), _bits(gate[1].after)]
    return [None if facts.reach is None else list(facts.reach), facts.is_case_exact, edges, opening]


def _facts(entry: list[Any]) -> RuleFacts:
    reach, is_case_exact, edges, gate = entry
    return RuleFacts(
        None if reach is None else (int(reach[0]), None if reach[1] is None else int(reach[1])),
        bool(is_case_exact),
        tuple(
            (str(keyword), None if bounds is None else Edges(_chars(bounds[0]), _chars(bounds[1])))
            for keyword, bounds in edges.items()
        ),
        None if gate is None else (int(gate[0]), Edges(_chars(gate[1]), _chars(gate[2]))),
    )
