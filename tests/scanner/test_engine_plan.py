"""Which rules Hyperscan takes natively is decided with a few multi-pattern compiles, and the
answer is the one compiling each pattern alone gives."""

from __future__ import annotations

import hyperscan
import pytest

from leakward.rules.loader import load_rules
from leakward.scanner.engines.hyperscan_compile import (
    TRIGGER_BASE,
    compiling,
    plan_database,
    triggers_of,
)
from leakward.scanner.triggers import FIRST_ONLY, OWN_DATABASE, TRIGGERS

GOOD = [rb"ghp_[A-Za-z0-9]{36}", rb"AKIA[0-9A-Z]{16}", rb"xox[bp]-[0-9]{10,13}"]
# Hyperscan takes no backreferences and no lookbehinds.
BAD = [rb"(a)\1", rb"(?<=x)y"]


def _alone(expression: bytes) -> bool:
    try:
        hyperscan.Database().compile(expressions=[expression], ids=[0], elements=1, flags=[0])
    except hyperscan.error:
        return False
    return True


def test_the_answer_is_each_patterns_own() -> None:
    mixed = [GOOD[0], BAD[0], GOOD[1], GOOD[2], BAD[1], GOOD[0]]
    assert compiling(mixed) == [_alone(expression) for expression in mixed]
    assert compiling(mixed) == [True, False, True, True, False, True]
    assert compiling([]) == []


def test_a_set_that_all_compiles_costs_one_compile(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = hyperscan.Database

    class Counting(real):  # type: ignore[misc, valid-type]
        def compile(self, **kwargs: object) -> object:
            calls.append(int(str(kwargs["elements"])))
            return super().compile(**kwargs)

    monkeypatch.setattr(hyperscan, "Database", Counting)
    assert compiling(GOOD * 100) == [True] * 300
    assert calls == [300]


def test_each_first_only_trigger_has_a_database_of_its_own() -> None:
    """Alone, Hyperscan stops reading once a single-match pattern has fired; beside the rules,
    every later `%XX` or escape still cost a check (`'%41 ' * 262144`: 13 ms per MB, plain
    text 0.9 ms). So no database holds such a trigger beside another pattern. The hex run is
    single-match in the main database: there it costs what it costs alone, without a call."""
    ruleset = load_rules()
    triggers = triggers_of(ruleset)
    plan = plan_database(ruleset, triggers)
    ids = {pattern: TRIGGER_BASE + n for n, (_, pattern) in enumerate(triggers)}
    own = {ids[pattern] for pattern in OWN_DATABASE}

    alone = [patterns for patterns in plan.databases if set(patterns.ids) & own]
    assert len(alone) == len(own) == 3
    assert all(len(patterns.ids) == 1 for patterns in alone)
    assert all(patterns.flags == [hyperscan.HS_FLAG_SINGLEMATCH] for patterns in alone)
    # The rules and every other trigger stay in the one main database.
    assert len(plan.databases) == 1 + len(own)
    assert not set(plan.databases[0].ids) & own
    main = dict(zip(plan.databases[0].ids, plan.databases[0].flags, strict=True))
    assert main[ids[TRIGGERS["hex"]]] == hyperscan.HS_FLAG_SINGLEMATCH
    assert ids[TRIGGERS["hex"]] in {ids[pattern] for pattern in FIRST_ONLY}
