"""Hyperscan hits stay rare on ordinary source code, for every rule.

Each hit costs a Python callback and window arithmetic, so a rule whose Hyperscan form matches
everywhere costs more than the scan itself. `cloudinary.url`, with its opening lookbehind removed,
was a 27-character identifier run: 99 % of all hits on rails' history. Counts, not time.
"""

from __future__ import annotations

import random
from collections import Counter

import hyperscan

from leakward.rules.loader import load_rules
from leakward.scanner.engines import scanned_rule_indexes
from leakward.scanner.engines.translate import for_hyperscan

RULESET = load_rules()
# Hits per KiB of the sample that a rule may cost; cloudinary.url's former form took ~900.
MOST_PER_KIB = 4


def _source_code(size: int) -> bytes:
    """Plain code without secrets: long snake_case and camelCase names, calls, strings."""
    chooser = random.Random(18)
    words = [
        "active",
        "record",
        "connection",
        "adapter",
        "handler",
        "schema",
        "migration",
        "association",
        "reflection",
        "callback",
        "validation",
        "attribute",
        "controller",
    ]
    lines = []
    while sum(map(len, lines)) < size:
        name = "_".join(chooser.choice(words) for _ in range(chooser.randint(2, 6)))
        camel = "".join(w.title() for w in chooser.sample(words, 4))
        lines.append(f'    def {name}(value) = {camel}.new(value, "{name}").call  # {camel}\n')
    return "".join(lines).encode()[:size]


SAMPLE = _source_code(64 * 1024)


def test_hyperscan_form_of_each_rule_hits_source_code_rarely() -> None:
    # Rules a key id must anchor are only tried near it, never by Hyperscan.
    indexes = scanned_rule_indexes(RULESET)
    database = hyperscan.Database()
    database.compile(
        expressions=[for_hyperscan(RULESET.rules[i].pattern).encode() for i in indexes],
        ids=indexes,
        elements=len(indexes),
        flags=[0] * len(indexes),
    )
    hits: Counter[str] = Counter()

    def count(ident: int, *_: object) -> None:
        hits[RULESET.rules[ident].id] += 1

    database.scan(SAMPLE, match_event_handler=count)
    most = MOST_PER_KIB * len(SAMPLE) // 1024
    assert {rule: n for rule, n in hits.items() if n > most} == {}
