"""The `regex` engine's facts about each rule come from disk after the first scan, and are the
facts it would derive: a stale or broken file must never change what it looks for."""

from __future__ import annotations

from pathlib import Path

import pytest

from leakward.core import cache_files
from leakward.rules.loader import load_rules
from leakward.rules.model import Rule
from leakward.scanner.engines import keyword_edges, regex_engine
from leakward.scanner.engines.regex_facts import RuleFacts, cache_path, load_facts

RULES = [rule for rule in load_rules().rules if rule.keywords][:60] + [
    rule for rule in load_rules().rules if rule.id == "postgres.pgpass"
]
DERIVING = [str(regex_engine.__file__)]


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(cache_files.platformdirs, "user_cache_dir", lambda _: str(tmp_path))
    return tmp_path


def test_facts_read_back_from_the_cache_are_the_facts_derived(cache_home: Path) -> None:
    calls: list[str] = []

    def derive(rule: Rule) -> RuleFacts:
        calls.append(rule.id)
        return regex_engine._facts_of(rule)

    derived = load_facts(RULES, derive, DERIVING)
    assert len(calls) == len(RULES)
    assert cache_path(RULES, DERIVING).parent == cache_home
    read = load_facts(RULES, derive, DERIVING)
    assert len(calls) == len(RULES)  # nothing derived the second time
    assert read == derived
    assert any(bounds is not None for facts in read for _, bounds in facts.edges)
    assert read[-1].gate is not None  # postgres.pgpass, which has no keywords


def test_a_broken_cache_file_costs_a_derivation_not_the_facts(cache_home: Path) -> None:
    derived = load_facts(RULES, regex_engine._facts_of, DERIVING)
    cache_path(RULES, DERIVING).write_text('[["not", "facts"]]')
    assert load_facts(RULES, regex_engine._facts_of, DERIVING) == derived


def test_the_cache_is_keyed_by_the_rules_and_the_code_that_derives_the_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = cache_path(RULES, DERIVING)
    assert cache_path(RULES[1:], DERIVING) != before
    edited = tmp_path / "keyword_edges.py"
    edited.write_bytes(Path(str(keyword_edges.__file__)).read_bytes() + b"\n# edited\n")
    monkeypatch.setattr(keyword_edges, "__file__", str(edited))
    assert cache_path(RULES, DERIVING) != before
