"""Confirmed matches and the choices between them: which rule keeps a span two rules matched,
one finding per place for a rule seen raw and decoded, and no generic finding over a specific one.

Stage: matcher. `Candidate` is a confirmed match in the text a view scanned; `Located` the same
with its span in the chunk's own bytes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from leakward.scanner.compiled_rules import Compiled, CompiledRules
from leakward.scanner.spans import SpanIndex, merged, overlaps_any

CONFIDENCE_RANK = {"high": 2, "medium": 1, "low": 0}


@dataclass(slots=True)
class Candidate:
    index: int
    secret: str
    start: int
    end: int
    key_id: str | None = None
    is_consumed: bool = False
    # The rule's own checksum rejected it: a typo or a fake, which no generic rule may report.
    is_vetoed: bool = False
    # The provider the setting's name speaks of (rules attributed by name only).
    provider: str | None = None
    # Vetoed and made up as well (AGE-SECRET-KEY-1QQQQ…): it still blocks generic rules at its
    # place, but is no finding at any tier.
    is_made_up: bool = False


@dataclass(slots=True)
class Located:
    """A confirmed secret with its span in the chunk's own bytes."""

    index: int
    secret: str
    start: int
    end: int
    key_id: str | None
    chain: tuple[str, ...]
    is_vetoed: bool = False
    provider: str | None = None
    is_made_up: bool = False


def rule_rank(compiled: Compiled, is_named: bool = False) -> tuple[int, int, int]:
    """Which rule keeps a span two rules matched: specific beats generic, then confidence (a weak
    provider rule ranks with the generic ones, above them only at its own tier); among
    specific rules the longer pattern (`sk-proj-…` over legacy `sk-…`), among generic ones a
    finding attributed by name, then the one listed first (the narrower shapes come first in
    generic.yaml)."""
    rule = compiled.rule
    if compiled.is_generic:
        return (0, CONFIDENCE_RANK[rule.confidence], int(is_named))
    if compiled.is_weak:  # ranked among generic ones, above them only at the same tier
        return (0, CONFIDENCE_RANK[rule.confidence], 2)
    return (1, CONFIDENCE_RANK[rule.confidence], len(rule.pattern))


def dedupe(found: list[Candidate], compiled: CompiledRules) -> list[Candidate]:
    """One candidate per secret span: a specific rule beats a generic one; consumed ids go."""
    best: dict[tuple[int, int], Candidate] = {}
    vetoed = [c for c in found if c.is_vetoed]
    for candidate in found:
        if candidate.is_consumed or candidate.is_vetoed:
            continue
        key = (candidate.start, candidate.end)
        held = best.get(key)
        if held is None:
            best[key] = candidate
            continue
        rank = rule_rank(compiled[candidate.index], candidate.provider is not None)
        held_rank = rule_rank(compiled[held.index], held.provider is not None)
        if rank > held_rank or (rank == held_rank and candidate.index < held.index):
            best[key] = candidate
    return sorted([*best.values(), *vetoed], key=lambda c: (c.start, c.index))


def first_per_place(located: list[Located], compiled: CompiledRules) -> list[Located]:
    """A rule that matches raw text and again what a decoder made of it, at the same place, is
    one finding.

    The undecoded (shortest-chain) sighting wins: a specific rule's pattern describes the real
    format (an Elastic API key is base64), and a URI's password keeps its `%40` where the decoded
    `@` would end it early. Except for a generic rule reading something else through any decoder
    but URL's: it cannot know the encoding, and a Kubernetes Secret's value is the base64 of the
    password. The same secret elsewhere stays its own finding.
    """
    by_rule: dict[int, list[Located]] = {}
    for item in located:
        by_rule.setdefault(item.index, []).append(item)
    kept: list[Located] = []
    for items in by_rule.values():
        kept += items if _are_apart(items) else __first_per_place_of_rule(items, compiled)
    return sorted(kept, key=lambda item: (item.start, item.index))


def _are_apart(items: list[Located]) -> bool:
    """Whether no two of one rule's sightings overlap: then each is its own place. A file of
    20,000 tokens has nothing to choose between, and an index of places cost each a lookup."""
    items.sort(key=lambda item: item.start)
    return all(before.end <= after.start for before, after in itertools.pairwise(items))


def __first_per_place_of_rule(located: list[Located], compiled: CompiledRules) -> list[Located]:
    """`first_per_place` for the sightings of one rule."""
    kept: list[Located] = []
    index = SpanIndex()
    for item in sorted(located, key=lambda i: (len(i.chain), i.start)):
        order = index.first_overlap(item.start, item.end)
        if order is None:
            index.add(item.start, item.end, len(kept))
            kept.append(item)
            continue
        held = kept[order]
        if (
            held.secret != item.secret
            and len(held.chain) < len(item.chain)
            and item.chain[-1] != "url"
            and compiled[item.index].is_generic
        ):
            index.remove(held.start, order)
            index.add(item.start, item.end, order)
            kept[order] = item
    return kept


def drop_generic_overlaps(
    located: list[Located], compiled: CompiledRules, vetoed: list[tuple[int, int]]
) -> list[Located]:
    """A generic rule never reports what a specific rule found, or recognised and rejected;
    nor what a finding attributed by name reports (a decoded view's other generic match)."""
    if not any(compiled[item.index].is_generic for item in located):
        return located
    specific = merged(
        [(i.start, i.end) for i in located if not _is_generic_or_weak(compiled[i.index])] + vetoed
    )
    kept = [
        item
        for item in located
        if not compiled[item.index].is_generic or not overlaps_any(specific, item.start, item.end)
    ]
    kept = _weigh_weak(kept, compiled)
    named = merged([(i.start, i.end) for i in kept if i.provider is not None])
    if not named:
        return kept
    return [
        item
        for item in kept
        if not compiled[item.index].is_generic
        or item.provider is not None
        or not overlaps_any(named, item.start, item.end)
    ]


def _is_generic_or_weak(compiled: Compiled) -> bool:
    return compiled.is_generic or compiled.is_weak


def _weigh_weak(located: list[Located], compiled: CompiledRules) -> list[Located]:
    """Where a weak provider rule and a generic one overlap, the surer tier stays; at the same
    tier the provider's finding, which says more."""

    def tier(item: Located) -> int:
        return CONFIDENCE_RANK[compiled[item.index].rule.confidence]

    weak = [(i.start, i.end, tier(i)) for i in located if compiled[i.index].is_weak]
    if not weak:
        return located
    generic = [(i.start, i.end, tier(i)) for i in located if compiled[i.index].is_generic]

    def beaten(item: Located, by: list[tuple[int, int, int]], margin: int) -> bool:
        least = tier(item) + margin
        return any(s < item.end and item.start < e and rank >= least for s, e, rank in by)

    return [
        item
        for item in located
        if not (compiled[item.index].is_weak and beaten(item, generic, 1))
        and not (compiled[item.index].is_generic and beaten(item, weak, 0))
    ]
