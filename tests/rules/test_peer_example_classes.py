"""The table that says why leakward misses a peer's example: well-formed, first match wins."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from peer_example_classes import (
    NOT_A_LIVE_SECRET,
    UNCLASSIFIED,
    ceiling,
    classify,
    credentials,
    load_classes,
    low_tier,
    render,
    tally,
)

CLASSES = NOT_A_LIVE_SECRET | {"name-only", "no-context", "fixable", "credential"}
ROWS = load_classes()


def test_every_row_names_a_known_class_and_a_reason() -> None:
    for rows in ROWS.values():
        for row in rows:
            assert row.name in CLASSES, row
            assert row.why.strip(), row


def test_a_catch_all_row_comes_last_for_its_rule() -> None:
    for rule, rows in ROWS.items():
        catch_all = [i for i, row in enumerate(rows) if row.match is None]
        assert catch_all in ([], [len(rows) - 1]), rule


@pytest.mark.parametrize(
    ("rule", "text", "expected"),
    [
        ("stripe-access-token", "STRIPE_TOKEN=sk_test_x", "test-mode"),
        ("stripe-access-token", "STRIPE_TOKEN=sk_prod_x", "bad-structure"),
        ("harness-api-key", "pat.AbCdEfGhIjKl.0123.Zy", "placeholder"),
        ("harness-api-key", "pat.f17g4edq.gbmfft90.rsro", "bad-structure"),
        ("jfrog-identity-token", 'XRAY_TOKEN="v"', "no-context"),
        ("jfrog-identity-token", 'JFROG_TOKEN="v"', "name-only"),
        ("a-rule-nobody-classified", "x", UNCLASSIFIED),
        ("a-rule-nobody-classified", "acme_key=1234567890abcdef", "placeholder"),
        ("stripe-access-token", "STRIPE_TOKEN=sk_test_1234567890", "test-mode"),
        # letters in alphabet order once the digits are removed
        ("a-rule-nobody-classified", "KEY=pk_Q9a1B2c3D4e5F6", "placeholder"),
        ("a-rule-nobody-classified", "KEY=pk_Q9a1B2x3D4e5F6", UNCLASSIFIED),
        # a host or path part is not the secret; a run of A opens every app-only Twitter token
        ("a-rule-nobody-classified", "mongodb://u:Qv8h2Lp4@db.example.com/x", UNCLASSIFIED),
        ("a-rule-nobody-classified", "KEY=EXAMPLEKEY", "placeholder"),
        ("twitter-bearer-token", "T=" + "A" * 22 + "mMaMPX1Egozwwf", "credential"),
        ("a-rule-nobody-classified", "T=" + "A" * 22 + "mMaMPX1Egozwwf", "placeholder"),
    ],
)
def test_the_first_matching_row_wins(rule: str, text: str, expected: str) -> None:
    assert classify(ROWS, rule, text) == expected


def test_tally_counts_misses_and_what_named_and_owner_find_of_them() -> None:
    misses = [
        ("a", "stripe-access-token", "sk_test_1"),
        ("b", "stripe-access-token", "sk_prod_1"),
        ("c", "jfrog-identity-token", "JFROG_TOKEN=1"),
    ]
    counts = tally(misses, named={"c"}, owner={"a", "c"})
    assert counts.missed == {"test-mode": 1, "bad-structure": 1, "name-only": 1}
    assert counts.named == {"test-mode": 0, "bad-structure": 0, "name-only": 1}
    assert counts.owner == {"test-mode": 1, "bad-structure": 0, "name-only": 1}


def test_the_ceiling_leaves_out_only_what_is_no_real_format() -> None:
    misses = [
        ("a", "stripe-access-token", "sk_test_1"),  # test-mode: a real sandbox key
        ("b", "stripe-access-token", "sk_prod_1"),  # bad-structure
        ("c", "jfrog-identity-token", "JFROG_TOKEN=1"),  # name-only
        ("d", "a-rule-nobody-classified", "x"),
    ]
    counts = tally(misses, named=set(), owner={"a", "b"})
    line, formats, bound = ceiling(total=10, found=6, owner_found=9, t=counts)
    assert "at most 9/10 = 90.0% (8 without the 1 test-mode keys)" in line
    assert "documented formats alone: at most 8/10 = 80.0% (the 1 name-only" in formats
    assert "not reportable: bad-structure 1;" in line
    assert "includes 1 of them" in line
    assert "1 unclassified" in bound


def test_the_low_tier_counts_per_class_and_names_placeholders_it_reports() -> None:
    misses = [
        ("a", "stripe-access-token", "sk_prod_1"),  # bad-structure: the low tier's to find
        ("b", "jfrog-identity-token", "JFROG_TOKEN=1"),  # name-only: found when named
        ("c", "a-rule-nobody-classified", "acme_key=1234567890abcdef"),  # placeholder
    ]
    counts = tally(misses, named=set(), owner=None, low={"a"}, low_named={"a", "b", "c"})
    assert counts.low == {"bad-structure": 1, "name-only": 0, "placeholder": 0}
    assert counts.low_named == {"bad-structure": 1, "name-only": 1, "placeholder": 1}
    (line,) = low_tier(total=10, found=5, t=counts)
    assert "6/10 = 60.0%, +named 8/10 = 80.0%" in line
    assert line.endswith("placeholders or public ids: placeholder 1")
    # Without a low-tier run there are no low columns at all.
    plain = tally(misses, named=set(), owner=None)
    assert not plain.has_low
    assert not any("low tier" in x for x in render("s", 10, 5, None, plain))
    assert any("low tier" in x for x in render("s", 10, 5, None, counts))


def test_the_credentials_subset_leaves_out_placeholders_and_public_ids_whoever_finds_them() -> None:
    examples = {
        "real": ("heroku-api-key", 'HEROKU_TOKEN="67354a01-0e86-6be1-8c68-00de621952a2"'),
        "fake": ("heroku-api-key", 'HEROKU_KEY = "12345678-ABCD-ABCD-ABCD-1234567890AB"'),
        "public": ("asana-client-id", 'asana_api_token = "9783833722677611"'),
        "name-only": ("jfrog-identity-token", 'JFROG_TOKEN="v"'),
    }
    assert credentials(examples) == {"real", "name-only"}
