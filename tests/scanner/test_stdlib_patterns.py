"""Rules and placeholder patterns that the standard library's `re` reads as `regex` does are
confirmed with `re` (it sets up a search for less); the rest stay with `regex` (#16)."""

from __future__ import annotations

import re

import pytest
import regex

from leakward.rules.loader import load_rules
from leakward.scanner.engines.translate import in_stdlib
from tests.scanner.hostile import SHAPES

RULESET = load_rules()


@pytest.mark.parametrize(
    "pattern",
    [
        r"x[[:alpha:]]+",  # `re` reads a set of `[:alph` and then `]`, with a warning
        r"\p{Lu}{4}",
        r"(?P<secret>a)|(?P<secret>b)",  # one name for each branch's group
        r"(?<=ab+)c",  # a lookbehind of variable width
        r"a(?i)b",  # a flag after the start applies to the whole pattern in `regex`
    ],
)
def test_what_re_reads_otherwise_or_not_at_all_stays_with_regex(pattern: str) -> None:
    assert in_stdlib(pattern) is None
    assert in_stdlib(pattern.encode()) is None


def test_most_rules_are_read_by_re() -> None:
    read = [rule for rule in RULESET.rules if in_stdlib(rule.pattern.encode()) is not None]

    assert len(read) >= 0.9 * len(RULESET.rules)
    assert "generic.env_secret" in {rule.id for rule in read}


Span = tuple[int, int]


def _matches(
    pattern: re.Pattern[bytes] | regex.Pattern[bytes], text: bytes, group: str | int
) -> list[tuple[Span, Span]]:
    return [(m.span(), m.span(group)) for m in pattern.finditer(text)]


def test_re_finds_what_regex_finds_in_every_example_of_every_rule_it_reads() -> None:
    """Each rule's own examples, all of them joined (so matches meet their neighbours), and the
    hostile shapes: the same matches and the same secret spans, in the same order."""
    hostile = "\n".join(SHAPES[shape](50) for shape in SHAPES).encode()
    compared = 0
    for rule in RULESET.rules:
        fast = in_stdlib(rule.pattern.encode())
        if fast is None:
            continue
        exact = regex.compile(rule.pattern.encode())
        texts = [e.text.encode() for e in (*rule.examples_match, *rule.examples_no_match)]
        for text in [*texts, b"\n".join(texts), hostile]:
            assert _matches(fast, text, rule.secret_group) == _matches(
                exact, text, rule.secret_group
            ), rule.id
            compared += 1
    assert compared > 1000
