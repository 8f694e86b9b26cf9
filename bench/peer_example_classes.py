"""Why leakward misses a peer's published example: the classes in `peer_example_misses.tsv`.

Stage: benchmarks only. `recall_peer_examples.py --classify` tallies the examples leakward's
documented-format rules miss by class (placeholder, test-mode key, public identifier, failed
checksum, broken structure, name-only, no context, fixable) beside what the owner peer finds in
each. The headline recall is untouched: the classes say which misses are a judgement on the
example and which are leakward's to fix. The table classifies every example, found or not, so
`credentials` gives the subset every tool's credentials-only recall is judged on.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

TABLE = Path(__file__).with_name("peer_example_misses.tsv")
# Classes that say the example is no live credential of that provider (test-mode keys are a
# sandbox's: leakward reports them at medium confidence, issue #17).
NOT_A_LIVE_SECRET = frozenset(
    {"placeholder", "test-mode", "public", "bad-checksum", "bad-structure"}
)
# Of those, the classes that are no format any provider issues (test-mode keys are real keys of a
# sandbox): the ceiling leaves these out.
NOT_A_REAL_FORMAT = NOT_A_LIVE_SECRET - {"test-mode"}
# What is no credential at all, whoever reports it (issue #17: reporting one is a false positive).
# The credentials-only columns leave these examples out for leakward and the peers alike.
NOT_A_CREDENTIAL = frozenset({"placeholder", "public"})
UNCLASSIFIED = "unclassified"
ANY_RULE = "*"


@dataclass(frozen=True, slots=True)
class MissClass:
    rule: str
    match: re.Pattern[str] | None
    name: str
    why: str


def load_classes(path: Path = TABLE) -> dict[str, list[MissClass]]:
    """Rows by peer rule id, in file order (the first row whose `match` fits wins)."""
    rows: dict[str, list[MissClass]] = {}
    lines = [x for x in path.read_text(encoding="utf-8").splitlines() if x and x[0] != "#"]
    for line in lines[1:]:  # the header
        rule, match, name, why = line.split("\t")
        pattern = None if match == "*" else re.compile(match)
        rows.setdefault(rule, []).append(MissClass(rule, pattern, name, why))
    return rows


def classify(rows: dict[str, list[MissClass]], rule: str, text: str) -> str:
    # Rows under the rule `*` apply to every rule, after the rule's own rows: Kingfisher's
    # examples are too many to judge one rule at a time.
    for row in [*rows.get(rule, []), *rows.get(ANY_RULE, [])]:
        if row.match is None or row.match.search(text):
            return row.name
    return UNCLASSIFIED


def credentials(examples: dict[str, tuple[str, str]], path: Path = TABLE) -> set[str]:
    """Of `examples` (file name -> (peer rule, text)), the ones the table classifies as neither
    placeholder nor public: judged on the example's text alone, never on what a tool found."""
    rows = load_classes(path)
    return {
        name
        for name, (rule, text) in examples.items()
        if classify(rows, rule, text) not in NOT_A_CREDENTIAL
    }


@dataclass(frozen=True, slots=True)
class Tally:
    missed: Counter[str]
    named: Counter[str]
    owner: Counter[str]
    # What `--min-confidence low` finds of each class: its provider rules (documented formats,
    # failed checksums, loose shapes) and, `low_named`, also findings attributed by name. Empty
    # when the low tier did not run.
    low: Counter[str] = field(default_factory=Counter)
    low_named: Counter[str] = field(default_factory=Counter)
    has_low: bool = False


def tally(
    misses: list[tuple[str, str, str]],
    named: set[str],
    owner: set[str] | None,
    *,
    low: set[str] | None = None,
    low_named: set[str] | None = None,
) -> Tally:
    """`misses`: (file, peer rule, text) that leakward's documented-format rules missed."""
    rows = load_classes()
    result = Tally(Counter(), Counter(), Counter(), has_low=low is not None)
    for name, rule, text in misses:
        cls = classify(rows, rule, text)
        result.missed[cls] += 1
        result.named[cls] += name in named
        if owner is not None:
            result.owner[cls] += name in owner
        if low is not None:
            result.low[cls] += name in low
            result.low_named[cls] += name in (low_named or set())
    return result


def render(source: str, total: int, found: int, owner_found: int | None, t: Tally) -> list[str]:
    lines = [f"\n{source}: {total} examples, leakward finds {found}, misses {total - found}"]
    low_head = f"{'low':>8}{'low+nm':>8}" if t.has_low else ""
    lines.append(f"  {'class':16}{'missed':>8}{'+named':>8}{'owner':>8}{low_head}")
    for cls, n in t.missed.most_common():
        owner = str(t.owner[cls]) if owner_found is not None else "-"
        low = f"{t.low[cls]:>8}{t.low_named[cls]:>8}" if t.has_low else ""
        lines.append(f"  {cls:16}{n:>8}{t.named[cls]:>8}{owner:>8}{low}")
    if t.has_low:
        lines += low_tier(total, found, t)
    if owner_found is not None:
        dead = sum(t.missed[c] for c in NOT_A_LIVE_SECRET)
        dead_owner = sum(t.owner[c] for c in NOT_A_LIVE_SECRET)
        live = total - dead
        named_live = sum(n for c, n in t.named.items() if c not in NOT_A_LIVE_SECRET)
        lines.append(
            f"  without the {dead} misses that are no live credential"
            f" ({', '.join(sorted(NOT_A_LIVE_SECRET))}): leakward {found}/{live}"
            f" = {found / live:.1%}, +named {found + named_live}/{live}"
            f" = {(found + named_live) / live:.1%}, owner {owner_found - dead_owner}/{live}"
            f" = {(owner_found - dead_owner) / live:.1%}"
        )
        lines += ceiling(total, found, owner_found, t)
    return lines


def low_tier(total: int, found: int, t: Tally) -> list[str]:
    """The low tier's recall on the set, and what it reports that no tier should: a
    placeholder or a public identifier reported at any tier is a false positive."""
    low = found + sum(t.low.values())
    low_named = found + sum(t.low_named.values())
    wrong = {c: t.low_named[c] for c in ("placeholder", "public") if t.low_named[c]}
    named_wrong = ", ".join(f"{c} {n}" for c, n in wrong.items()) or "none"
    return [
        f"  low tier (--min-confidence low): {low}/{total} = {low / total:.1%},"
        f" +named {low_named}/{total} = {low_named / total:.1%};"
        f" of them placeholders or public ids: {named_wrong}"
    ]


def ceiling(total: int, found: int, owner_found: int, t: Tally) -> list[str]:
    """What a tool reaches that reports every real-format credential of the set and nothing
    else: leakward's finds (formats it validates) and every miss of a real class."""
    fake = {c: n for c, n in t.missed.items() if c in NOT_A_REAL_FORMAT}
    reachable = total - sum(fake.values())
    test_mode = t.missed["test-mode"]
    unknown = t.missed[UNCLASSIFIED]
    fake_owner = sum(t.owner[c] for c in fake)
    line = (
        f"  ceiling: an honest tool reports at most {reachable}/{total} = {reachable / total:.1%}"
        f" ({total - test_mode - sum(fake.values())} without the {test_mode} test-mode keys);"
        f" not reportable: {', '.join(f'{c} {n}' for c, n in sorted(fake.items())) or 'none'};"
        f" the owner's {owner_found / total:.1%} includes {fake_owner} of them"
    )
    lines = [line]
    name_only = t.missed["name-only"]
    if name_only:
        # A value under a provider's name in no shape the provider documents: only attribution
        # by name finds it, so no documented-format rule can (the `leakward` column).
        formats = reachable - name_only
        lines.append(
            f"  by documented formats alone: at most {formats}/{total} = {formats / total:.1%}"
            f" (the {name_only} name-only values have no shape to check; +named finds them)"
        )
    if unknown:
        lines.append(f"  (an upper bound: the {unknown} unclassified misses count as reportable)")
    return lines
