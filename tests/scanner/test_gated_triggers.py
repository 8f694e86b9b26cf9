"""A gate that stands in for decoder triggers reports them where the main database did (#16).

rules/_gates.yaml lists the keyword triggers of scanner/triggers.py under the assignment gate:
they leave the main database (on `'TOKEN=' * n + '#'` they cost 6 ms per MB there) and run only
around the gate's hits. The engine must still report every trigger offset it reported with the
triggers in the main database: on the rules' examples, the hostile shapes, assignments in many
spellings, the scanner's source and random strings over the triggers' own alphabet.
"""

from __future__ import annotations

import random

import pytest

from leakward.rules.model import RuleSet
from leakward.scanner.engines import keyword_gates
from leakward.scanner.engines.hyperscan_compile import TRIGGER_BASE, plan_database, triggers_of
from leakward.scanner.engines.hyperscan_engine import HyperscanEngine
from tests.scanner.test_keyword_gates import _texts

# Pieces the keyword triggers are made of, and near misses: names, separators, quotes, the
# escaped quote, base64 runs and bytes that end one.
_PIECES = (
    "token", "TOKEN", "private", "Key", "pass", "auth", "_", ".", "-", "=", ":", "=>", " ", "\t",
    "\n", '"', "'", "]", "\\", '\\"', "Zq8Wn3", "Rt6Yp1Lk", "+/", "#", ";", ",", "(", "x",
)  # fmt: skip


def _random_texts(count: int, seed: int = 16) -> list[bytes]:
    rng = random.Random(seed)
    return [
        "".join(rng.choice(_PIECES) for _ in range(rng.randint(4, 30))).encode()
        for _ in range(count)
    ]


def test_every_listed_trigger_is_one_the_rules_give(ruleset: RuleSet) -> None:
    """A trigger renamed or rewritten in scanner/triggers.py would silently stay in the main
    database: the list must name patterns that exist."""
    patterns = {pattern for _kind, pattern in triggers_of(ruleset)}
    listed = [pattern for gate in keyword_gates.load_gates() for pattern in gate.triggers]
    assert listed
    assert [pattern for pattern in listed if pattern not in patterns] == []


def test_a_listed_trigger_leaves_the_main_database(ruleset: RuleSet) -> None:
    triggers = triggers_of(ruleset)
    plan = plan_database(ruleset, triggers)
    listed = {pattern for gate in keyword_gates.load_gates() for pattern in gate.triggers}
    ids = {TRIGGER_BASE + n for n, (_kind, pattern) in enumerate(triggers) if pattern in listed}
    assert ids
    assert not ids & set(plan.databases[0].ids)
    assert ids <= {ident for family in plan.families for ident in family.ids}


@pytest.mark.parametrize("source", ["corpus", "random"])
def test_a_gated_trigger_hits_where_the_ungated_one_did(
    ruleset: RuleSet, ungated: HyperscanEngine, source: str
) -> None:
    texts = _texts(ruleset) if source == "corpus" else _random_texts(20000)
    gated = HyperscanEngine(ruleset)
    kinds = ("base64", "escape")
    found = [(gated.scan(text).triggers, ungated.scan(text).triggers) for text in texts]
    differ = [
        text[:60]
        for text, (mine, theirs) in zip(texts, found, strict=True)
        if any(mine.get(kind) != theirs.get(kind) for kind in kinds)
    ]
    assert differ == []
    # The comparison has something to compare: texts where the keyword triggers hit.
    assert sum(1 for _mine, theirs in found if any(theirs.get(kind) for kind in kinds)) > 100
