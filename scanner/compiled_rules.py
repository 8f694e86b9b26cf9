"""Rules compiled for confirmation: each rule's `re` or `regex` pattern, its groups, validator,
placeholder filter and paths, compiled on first use; and the entropy every confirmation measures.

Stage: matcher. The engine says where a rule may match; these confirm it exactly.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import regex

from leakward.rules.checksums import CHECKSUMS, VALIDATORS
from leakward.rules.model import Allowlist, Rule
from leakward.scanner.engines.translate import in_stdlib, with_distinct_names
from leakward.scanner.placeholders import Placeholders

GENERIC_TAG = "generic"

# n * log2(n) for the counts a secret's characters reach: a table lookup per distinct character.
_N_LOG_N = tuple(n * math.log2(n) if n else 0.0 for n in range(1025))


def shannon_entropy(text: str) -> float:
    """Bits per character: log2(size) - sum(n * log2(n)) / size over each character's count n.

    Counted in C and summed from a table with `map`: a secret is checked once per rule that
    confirms it, and a logarithm per character group was half the cost of each check."""
    if not text:
        return 0.0
    size = len(text)
    counts = Counter(text).values()
    if size >= len(_N_LOG_N):
        return -sum(n / size * math.log2(n / size) for n in counts)
    return max(0.0, math.log2(size) - sum(map(_N_LOG_N.__getitem__, counts)) / size)


@dataclass(frozen=True, slots=True)
class Compiled:
    rule: Rule
    pattern: re.Pattern[bytes] | regex.Pattern[bytes]
    # The groups that hold the secret and the key id: one each, or the renamed copies of a name
    # that several branches share (see `with_distinct_names`).
    secret_groups: tuple[str | int, ...]
    key_groups: tuple[str, ...]
    validator: Callable[[str], bool] | None
    placeholders: Placeholders
    is_generic: bool
    # A provider's rule at the low tier (a `loose` shape that is not `generic`): over the same
    # place a generic finding of a surer tier is kept instead, so `--min-confidence low` never
    # trades a medium finding for a low one.
    is_weak: bool = False
    paths: tuple[regex.Pattern[str], ...] = ()
    # The validator recomputes a documented checksum (not a structure check).
    is_checksum: bool = False
    # For a rule attributed by name: the groups holding the setting's name, and those of a
    # `bare` part of it (a lone `token`), which means a credential only after a provider's name.
    name_groups: tuple[str, ...] = ()
    bare_groups: tuple[str, ...] = ()


def compile_rule(rule: Rule, allowlist: Allowlist) -> Compiled:
    renamed, names = with_distinct_names(rule.pattern)
    fast = in_stdlib(renamed.encode())
    pattern: re.Pattern[bytes] | regex.Pattern[bytes]
    if fast is not None and all(n in fast.groupindex for copies in names.values() for n in copies):
        pattern = fast
    else:  # `regex` reads the names as written (a "group" in a class was no group)
        pattern, names = regex.compile(rule.pattern.encode()), {}
    group = rule.secret_group
    return Compiled(
        rule=rule,
        pattern=pattern,
        secret_groups=names.get(group, (group,)) if isinstance(group, str) else (group,),
        key_groups=names.get("key_id", ("key_id",)) if "key_id" in pattern.groupindex else (),
        validator=VALIDATORS[rule.validator] if rule.validator else None,
        placeholders=Placeholders(allowlist, rule),
        is_generic=GENERIC_TAG in rule.tags,
        is_weak=GENERIC_TAG not in rule.tags and rule.confidence == "low",
        paths=tuple(regex.compile(p) for p in rule.paths),
        is_checksum=rule.validator in CHECKSUMS,
        name_groups=_groups(names, pattern, "name"),
        bare_groups=_groups(names, pattern, "bare"),
    )


def _groups(
    names: dict[str, tuple[str, ...]], pattern: re.Pattern[bytes] | regex.Pattern[bytes], name: str
) -> tuple[str, ...]:
    """The copies of group `name` (see `with_distinct_names`), or none when it is absent."""
    return names.get(name, (name,)) if name in pattern.groupindex else ()


class CompiledRules:
    """Each rule compiled on first use. A scan meets a few of the rules; compiling all of them
    with `regex` took longer than matching a typical pre-commit change."""

    def __init__(self, rules: Sequence[Rule], allowlist: Allowlist) -> None:
        self._rules = rules
        self._allowlist = allowlist
        self._compiled: list[Compiled | None] = [None] * len(rules)

    def __getitem__(self, index: int) -> Compiled:
        compiled = self._compiled[index]
        if compiled is None:
            compiled = self._compiled[index] = compile_rule(self._rules[index], self._allowlist)
        return compiled
