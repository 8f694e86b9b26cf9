"""Fixtures shared by the keyword-gate tests (test_keyword_gates, test_gated_triggers)."""

from __future__ import annotations

import pytest

from leakward.rules.loader import load_rules
from leakward.rules.model import RuleSet
from leakward.scanner.engines import hyperscan_compile, keyword_gates
from leakward.scanner.engines.hyperscan_engine import HyperscanEngine


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_rules()


@pytest.fixture(scope="module")
def ungated(ruleset: RuleSet, tmp_path_factory: pytest.TempPathFactory) -> HyperscanEngine:
    """The engine as it was before the gates: every rule and trigger in the main database."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(keyword_gates, "GATES_FILE", tmp_path_factory.mktemp("gates") / "none.yaml")
        patch.setattr(hyperscan_compile, "_BUILDERS_DIGEST", hyperscan_compile._builders_digest())
        return HyperscanEngine(ruleset)
