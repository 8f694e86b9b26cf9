"""The placeholder check answers as its plain loops do, with one search in C per check (#16)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pytest
import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

from leakward.core.errors import RuleError
from leakward.rules.loader import check_not_placeholders, load_rules
from leakward.rules.model import Rule
from leakward.scanner import placeholders as placeholders_module
from leakward.scanner.placeholders import Placeholders, has_run, is_anchored

RULESET = load_rules()
ALLOWLIST = RULESET.allowlist
# Rules with stopwords, grouped or flagged allow patterns, anchored ones of their own
# (`^[^0-9]+$`: an AWS secret mixes cases and digits), and none at all.
RULES = [
    rule
    for rule in RULESET.rules
    if rule.id
    in {
        "generic.secret_assignment",
        "database.postgres_uri",
        "github.pat.classic",
        "aws.secret_access_key",
    }
]


def reference(rule: Rule, secret: str) -> bool:
    """The checks as plain loops, the way the matcher made them before."""
    if secret in ALLOWLIST.example_secrets:
        return True
    lowered = secret.lower()
    if any(word in lowered for word in ALLOWLIST.stopwords + rule.stopwords):
        return True
    run = ALLOWLIST.ascending_run
    if run and has_run(lowered, run):
        return True
    if run and has_run(re.sub("[0-9]", "", lowered), run):
        return True
    if run and has_run(re.sub("[^0-9]", "", lowered), run):
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
@example(secret="abcdefghijklmnopqrstuvwxyzabcdefghijklmn")
@example(secret="x<KEY>")
@example(secret="a1B2c3D4e5F6g7H8i9")  # letters in order once the digits are out
@example(secret="pk_abcd1234fghij5678klmn")
@example(secret="a1b2c3d4e5f6a7b8c9d0")  # hex: its letters stop at f
def test_fast_checks_answer_as_the_loops_do(secret: str) -> None:
    assert len(RULES) == 4
    for rule in RULES:
        assert Placeholders(ALLOWLIST, rule).is_placeholder(secret) is reference(rule, secret)


@settings(max_examples=200, deadline=None)
@given(secrets=st.lists(SECRETS, max_size=30))
@example(secrets=["your_key_here", *(f"Q{n}bCdEfGhIjK" for n in range(10)), "abcdefgh12"])
@example(secrets=["x" * 9, "ab\ncdefgh", "İabcdefgh", "sampl", "e"] * 3)
@example(secrets=[f"Q{n}a1B2c3D4e5F6g7H8" for n in range(10)])
def test_checks_over_many_secrets_answer_as_one_by_one(secrets: list[str]) -> None:
    """`among` looks for the stopwords and runs once over all the secrets joined: a hit must
    land on its own secret, never on a neighbour, and no word may span two secrets."""
    for rule in RULES:
        placeholders = Placeholders(ALLOWLIST, rule)
        assert placeholders.among(secrets) == [reference(rule, s) for s in secrets]


class _CountingText(str):
    """Text that counts the `find` calls made in it."""

    finds = 0

    def find(self, *args: Any) -> int:
        type(self).finds += 1
        return super().find(*args)


class _CountingSeparator(str):
    """A separator whose joins count their finds (`_CountingText`)."""

    def join(self, parts: Iterable[str]) -> str:
        return _CountingText(str.join(self, parts))


def test_many_secrets_are_searched_once_per_literal_not_once_per_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The work bound of `among`: one search per stopword and ascending run, and one more per
    secret with a hit, however many secrets; one by one, 2,000 secrets cost 2,000 searches."""
    monkeypatch.setattr(placeholders_module, "_SEPARATOR", _CountingSeparator("\n"))
    placeholders = Placeholders(ALLOWLIST, RULES[0])
    secrets = [f"Zq{n:05d}x9Lp" for n in range(2000)] + ["my_sample_key", "k0123456789"]

    flags = placeholders.among(secrets)

    assert flags == [reference(RULES[0], s) for s in secrets]
    assert flags.count(True) == 2
    run = ALLOWLIST.ascending_run
    # The runs each way round.
    runs = 2 * ((10 - run + 1) + (26 - run + 1))
    literals = len(ALLOWLIST.stopwords + RULES[0].stopwords) + runs
    # One more find after each hit: "sample", and three runs in 0123456789.
    assert literals <= _CountingText.finds <= literals + 4


# A Twitter/X app-only bearer token: a run of A's (zero bytes of the app id), then the token.
BEARER = "A" * 22 + "8luhmMtNMRvv3YB6xc%2Bdh3ziwcnFkVg1aRLfPu3%3DXoIYj6GtxkVvd5JZONPP5g9Eunx06KMr"


def test_only_the_rule_that_names_it_is_exempt_from_a_shared_pattern() -> None:
    by_id = {rule.id: rule for rule in RULESET.rules}
    bearer = Placeholders(ALLOWLIST, by_id["twitter.bearer_token"])
    generic = Placeholders(ALLOWLIST, by_id["generic.secret_assignment"])
    assert not bearer.is_placeholder(BEARER)
    assert generic.is_placeholder(BEARER)  # elsewhere a run of A's is a mask, whatever follows
    assert bearer.is_placeholder(BEARER.replace("8luhm", "xxxxxxxxxx"))  # other checks still hold


def test_an_exemption_must_name_a_shared_pattern_word_for_word() -> None:
    rule = Rule("x.token", "X token", "x", "(?P<secret>x)", ("x",), not_placeholders=("A{12,}",))
    with pytest.raises(RuleError, match="not a placeholder pattern"):
        check_not_placeholders([rule], ALLOWLIST)


def test_a_pattern_is_tried_at_the_start_only_when_nothing_else_can_match() -> None:
    assert is_anchored(r"^<[^>]*>$")
    assert is_anchored(r"^(?:a|b)[|]\|$")
    assert not is_anchored(r"^a|b")  # `b` anywhere
    assert not is_anchored(r"\.\.\.")
    assert not is_anchored(r"(?:^a|b)")
    assert not is_anchored(r"x[[:alpha:]]+")  # unread: searched, never wrongly anchored


# The allowlist writes two masks in the forms `re` runs fastest; each must find exactly what its
# readable form finds: six of one character but "A" or white space, and eleven A's.
FAST_FORMS = {r"(.)\1\1\1\1\1(?<![A\s])": r"([^A\s])\1{5,}", "AAAAAAAAAAA": "A{11,}"}
RUNS = st.lists(
    st.tuples(st.sampled_from("aA0*- \t\nΑ"), st.integers(min_value=1, max_value=13)), max_size=6
).map(lambda runs: "".join(char * count for char, count in runs))


@settings(max_examples=400, deadline=None)
@given(secret=RUNS)
@example(secret="AAAAAAAAAA")  # ten A's: a Dropbox long-lived token carries exactly these
@example(secret="xAAAAAA")
@example(secret="      x")
@example(secret="\n\n\n\n\n\n")
def test_the_fast_forms_of_the_run_masks_find_what_their_readable_forms_find(secret: str) -> None:
    for fast, readable in FAST_FORMS.items():
        assert fast in ALLOWLIST.placeholder_patterns
        expected = regex.search(readable, secret) is None
        assert (regex.search(fast, secret) is None) is expected
        assert (re.search(fast, secret) is None) is expected  # the engine the check runs on


@pytest.mark.parametrize(
    ("secret", "expected"),
    [
        ("AIK_CI_a1B2c3D4e5F6g7H8i9J0k1L2", True),
        ("db-abc123def456ghi789jkl012mno34", True),
        ("sk_live_aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV", True),
        # Hex letters stop at f, so no run of eight letters: its digits count up instead (#17).
        ("a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6", True),
        ("ghp_Q3v9xT2mKp7LwR4sZ8bN1cYd6hJf0gUe", False),
    ],
)
def test_letters_in_order_between_digits_are_a_placeholder(secret: str, expected: bool) -> None:
    rule = next(rule for rule in RULES if rule.id == "github.pat.classic")
    assert Placeholders(ALLOWLIST, rule).is_placeholder(secret) is expected


@pytest.mark.parametrize(
    ("secret", "expected"),
    [
        ("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", True),  # trufflehog's Shopify fixture
        ("1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d", True),
        ("123e4567-e89b-12d3-a456-426614174000", True),  # RFC 4122's example UUID
        ("a1b2c3d4e5f6a1b2c3d4e5f6", False),  # its digits restart after six
        ("f3a9c2e7b8d1406c5e9f2a7b3c8d1e6f4a0b9c2d", False),  # random hex
        ("ghp_Q3v9xT2mKp7LwR4sZ8bN1cYd6hJf0gUe", False),
    ],
)
def test_digits_in_order_between_letters_are_a_placeholder(secret: str, expected: bool) -> None:
    # A rule with no allow patterns of its own (a generic rule drops plain hex anyway).
    pat = Placeholders(ALLOWLIST, next(r for r in RULES if r.id == "github.pat.classic"))
    assert pat.is_placeholder(secret) is expected
    assert pat.among([secret] * 10) == [expected] * 10  # the joined form agrees


@pytest.mark.parametrize(
    ("secret", "expected"),
    [
        # trufflehog's Stripe fixture, its body filled out with abc123456
        (
            "sk_live_51MtwBwLkdIwHu7ix0AHtQwX6NWg8Fq7QKq5YGFy7WGBqRFHdTdE8LfKcKzQk7nJv3x5abc123456",
            True,
        ),
        ("rubygems_123abc01a15f32b0be0103de4c9b3dcb3f2fea0fa8a84f23", False),
        (
            "sk_live_51MtwBwLkdIwHu7ix0AHtQwX6NWg8Fq7QKq5YGFy7WGBqRFHdTdE8LfKcKzQk7nJv3x5YJvnJY",
            False,
        ),
    ],
)
def test_letters_and_digits_typed_in_order_are_a_placeholder(secret: str, expected: bool) -> None:
    pat = Placeholders(ALLOWLIST, next(r for r in RULES if r.id == "github.pat.classic"))
    assert pat.is_placeholder(secret) is expected


@pytest.mark.parametrize(
    ("secret", "expected"),
    [
        ("zyxwvutsrqponmlkjihgfedcba098765", True),  # kingfisher's Shodan example
        ("uvwxyz9876543210zyxw", True),
        ("z9y8x7w6v5u4t3s2r1q0p9o8n7m6l5", True),  # letters down once the digits are out
        ("live_9f8e7d6c5b4a3210fedcba09876543210ab", True),
        ("ghp_Q3v9xT2mKp7LwR4sZ8bN1cYd6hJf0gUe", False),
    ],
)
def test_a_run_counting_down_is_a_placeholder(secret: str, expected: bool) -> None:
    pat = Placeholders(ALLOWLIST, next(r for r in RULES if r.id == "github.pat.classic"))
    assert pat.is_placeholder(secret) is expected
    assert pat.among([secret] * 10) == [expected] * 10  # the joined form agrees
