"""The placeholder check answers as its plain loops do, with one search in C per check (#16)."""

from __future__ import annotations

import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

from leakward.rules.loader import load_rules
from leakward.rules.model import Rule
from leakward.scanner.placeholders import Placeholders, has_ascending_run

RULESET = load_rules()
ALLOWLIST = RULESET.allowlist
# Rules with stopwords, grouped or flagged allow patterns, and none at all.
RULES = [
    rule
    for rule in RULESET.rules
    if rule.id in {"generic.secret_assignment", "database.postgres_uri", "github.pat.classic"}
]


def reference(rule: Rule, secret: str) -> bool:
    """The checks as plain loops, the way the matcher made them before."""
    if secret in ALLOWLIST.example_secrets:
        return True
    lowered = secret.lower()
    if any(word in lowered for word in ALLOWLIST.stopwords + rule.stopwords):
        return True
    if ALLOWLIST.ascending_run and has_ascending_run(lowered, ALLOWLIST.ascending_run):
        return True
    patterns = ALLOWLIST.placeholder_patterns + rule.allow_patterns
    return any(regex.search(p, secret) for p in patterns)


SECRETS = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFXYZ0123456789_-.*<>{}$%()#ΑΒΓΔ"),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(secret=SECRETS)
@example(secret="postgres12")
@example(secret="Q1bCdEfGhIjK")
@example(secret="ΑΒΓΔΕΖΗΘ")  # ascending Greek letters: the loop decides, not the ASCII table
@example(secret="zz000000zz")
@example(secret="AAAAAAAAAAA")
@example(secret="${TOKEN}")
@example(secret="sk-...abc")
@example(secret="your_key_here")
def test_fast_checks_answer_as_the_loops_do(secret: str) -> None:
    assert len(RULES) == 3
    for rule in RULES:
        assert Placeholders(ALLOWLIST, rule).is_placeholder(secret) is reference(rule, secret)
