"""Rules and placeholder patterns that the standard library's `re` reads as `regex` does are
confirmed with `re` (it sets up a search for less); the rest stay with `regex` (#16)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
import regex

from leakward.rules.loader import load_rules
from leakward.rules.model import Rule
from leakward.scanner.compiled_rules import Compiled, compile_rule
from leakward.scanner.engines.translate import in_stdlib, with_distinct_names
from leakward.scanner.matcher import _taking_part
from tests.scanner.hostile import SHAPES

RULESET = load_rules()
ALLOWLIST = RULESET.allowlist


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
    read = [
        rule.id
        for rule in RULESET.rules
        if isinstance(compile_rule(rule, ALLOWLIST).pattern, re.Pattern)
    ]

    assert len(read) >= 0.95 * len(RULESET.rules)
    assert {"generic.env_secret", "generic.named_key"} <= set(read)


def test_a_name_that_branches_share_is_renamed_for_re_and_read_from_the_branch_that_matched() -> (
    None
):
    renamed, names = with_distinct_names(r"k=(?P<secret>\w+)|'(?P<secret>[^']+)'|(?P<key_id>x)")

    assert renamed == r"k=(?P<secret>\w+)|'(?P<secret__2>[^']+)'|(?P<key_id>x)"
    assert names == {"secret": ("secret", "secret__2"), "key_id": ("key_id",)}
    match = re.compile(renamed).search("'abc'")
    assert match is not None
    assert _taking_part(match, names["secret"]) == (1, 4)
    assert _taking_part(match, names["key_id"]) == (-1, -1)


def test_a_group_name_in_a_class_is_no_group_and_the_rule_stays_with_regex() -> None:
    rule = Rule("x.token", "X", "x", r"(?P<secret>a+)|[(?P<secret>]b", ("a",))

    assert isinstance(compile_rule(rule, ALLOWLIST).pattern, regex.Pattern)


Span = tuple[int, int]


def _matches(compiled: Compiled, text: bytes) -> list[tuple[Span, Span, Span]]:
    """Each match's span, its secret's and its key id's, as the matcher reads them."""
    return [
        (
            m.span(),
            _taking_part(m, compiled.secret_groups),
            _taking_part(m, compiled.key_groups) if compiled.key_groups else (-1, -1),
        )
        for m in compiled.pattern.finditer(text)
    ]


def test_re_finds_what_regex_finds_in_every_example_of_every_rule_it_reads() -> None:
    """Each rule's own examples, all of them joined (so matches meet their neighbours), and the
    hostile shapes: the same matches, secrets and key ids, in the same order."""
    hostile = "\n".join(SHAPES[shape](50) for shape in SHAPES).encode()
    compared = 0
    for rule in RULESET.rules:
        fast = compile_rule(rule, ALLOWLIST)
        if not isinstance(fast.pattern, re.Pattern):
            continue
        exact = replace(
            fast,
            pattern=regex.compile(rule.pattern.encode()),
            secret_groups=(rule.secret_group,),
            key_groups=("key_id",) if fast.key_groups else (),
        )
        texts = [e.text.encode() for e in (*rule.examples_match, *rule.examples_no_match)]
        for text in [*texts, b"\n".join(texts), hostile]:
            assert _matches(fast, text) == _matches(exact, text), rule.id
            compared += 1
    assert compared > 1000
