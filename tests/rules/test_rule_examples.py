"""Every rule proves itself: its examples run through the whole matcher on every engine.

Run the way noseyparker's `rules check` works: a rule that misses its own example, or reports a
no_match example, fails the build. Also the structural checks STYLE.md lists.
"""

from __future__ import annotations

import hyperscan
import pytest
import regex

from leakward.rules.loader import load_rules
from leakward.rules.model import RuleSet
from leakward.scanner.engines import make_engine
from leakward.scanner.engines.translate import for_hyperscan
from leakward.scanner.matcher import Matcher
from leakward.scanner.rule_check import check_rule

RULESET: RuleSet = load_rules()
RULES = RULESET.rules
ENGINES = ("hyperscan", "regex")


@pytest.fixture(scope="module", params=ENGINES)
def matcher(request: pytest.FixtureRequest) -> tuple[str, Matcher]:
    return request.param, Matcher(RULESET, make_engine(RULESET, request.param))


def test_there_are_enough_rules() -> None:
    assert len(RULES) >= 350


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_examples_on_engine(rule, matcher) -> None:
    engine, instance = matcher
    failures = check_rule(instance, rule, engine)
    assert not failures, "\n".join(map(str, failures))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_shape(rule) -> None:
    assert rule.examples_match, "every rule needs a match example"
    assert rule.examples_no_match, "every rule needs a no_match example"
    assert "secret" in regex.compile(rule.pattern.encode()).groupindex
    # Hyperscan must take the pattern natively; keyword fallback is for imported rules only.
    expression = for_hyperscan(rule.pattern).encode()
    database = hyperscan.Database()
    database.compile(expressions=[expression], ids=[0], elements=1, flags=[0])


def test_ids_are_unique() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))


def test_engines_agree_on_every_example() -> None:
    """Both engines report exactly the same (rule, secret, line, column) for all examples."""
    from leakward.scanner.models import Chunk, Origin

    results = {}
    for engine in ENGINES:
        instance = Matcher(RULESET, make_engine(RULESET, engine))
        seen = []
        for rule in RULES:
            for example in (*rule.examples_match, *rule.examples_no_match):
                chunk = Chunk(example.text.encode(), Origin("file", "example"))
                seen += [
                    (f.rule_id, f.secret.reveal(), f.line, f.column, f.decoded_from)
                    for f in instance.scan_chunk(chunk)
                ]
        results[engine] = seen
    assert results["hyperscan"] == results["regex"]
    assert results["hyperscan"], "the examples produced no findings at all"
