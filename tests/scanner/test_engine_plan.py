"""Which rules Hyperscan takes natively is decided with a few multi-pattern compiles, and the
answer is the one compiling each pattern alone gives."""

from __future__ import annotations

import hyperscan
import pytest

from leakward.scanner.engines.hyperscan_engine import compiling

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
