"""An expression that opens with a choice is compiled as one expression per branch, and the
branches end exactly where the whole expression does: the engine needs only the ends."""

from __future__ import annotations

import re

from leakward.rules.loader import load_rules
from leakward.scanner.engines import scanned_rule_indexes
from leakward.scanner.engines.alternatives import MOST, split_expression
from leakward.scanner.engines.hyperscan_compile import compiling, database_expressions


def _ends(expressions: list[str], text: str) -> set[int]:
    """Every offset where a match of one of `expressions` ends, whatever its start."""
    compiled = [re.compile(expression) for expression in expressions]
    return {
        end
        for start in range(len(text) + 1)
        for end in range(start, len(text) + 1)
        if any(pattern.fullmatch(text, start, end) for pattern in compiled)
    }


def test_a_choice_that_opens_the_match_splits_into_its_branches() -> None:
    assert split_expression(r"(?i:twitter[_-]?key|x[_-]?token)=\w{8}") == [
        r"(?i:twitter[_-]?key)=\w{8}",
        r"(?i:x[_-]?token)=\w{8}",
    ]
    # Through groups that only wrap it, with the flags that open the expression kept.
    assert split_expression(r"(?m)((?:ab|cd))x") == [r"(?m)((?:ab))x", r"(?m)((?:cd))x"]


def test_a_repeat_that_may_match_nothing_at_the_opening_is_dropped() -> None:
    assert split_expression(r"[A-Za-z0-9_.-]{0,30}?(?:key|token)=\w{8}") == [
        r"(?:key)=\w{8}",
        r"(?:token)=\w{8}",
    ]
    assert split_expression(r"(\w*|-)=x") == [r"()=x", r"(-)=x"]
    # Nothing would be left: kept.
    assert split_expression(r"[a-z]*") == [r"[a-z]*"]


def test_what_cannot_split_is_kept_whole() -> None:
    # A repeated choice: its branches may follow one another within one match.
    for repeated in (r"(?:ab|cd)+x", r"(?:ab|cd){2}x", r"(?:ab|cd)?x", r"(?:ab|cd)*x"):
        assert split_expression(repeated) == [repeated]
    assert split_expression(r"^(?:ab|cd)x") == [r"^(?:ab|cd)x"]
    assert split_expression(r"x(?:ab|cd)") == [r"x(?:ab|cd)"]
    wide = "(?:" + "|".join(f"k{n}" for n in range(MOST + 1)) + ")=x"
    assert split_expression(wide) == [wide]


def test_every_rules_branches_end_where_the_rule_does() -> None:
    """On each rule's own match examples, where the stdlib reads both."""
    ruleset = load_rules()
    indexes = scanned_rule_indexes(ruleset)
    expressions = database_expressions([ruleset.rules[i].pattern for i in indexes])
    checked = 0
    for index, expression, is_native in zip(
        indexes, expressions, compiling(expressions), strict=True
    ):
        pieces = split_expression(expression.decode())
        if not is_native or len(pieces) == 1:
            continue
        try:
            whole = _ends([expression.decode()], "")
        except re.error:
            continue  # Hyperscan's syntax, not the stdlib's
        assert whole == set()
        rule_id = ruleset.rules[index].id
        for example in ruleset.rules[index].examples_match[:2]:
            text = example.text[:80]
            assert _ends(pieces, text) == _ends([expression.decode()], text), rule_id
        checked += 1
    assert checked > 40
