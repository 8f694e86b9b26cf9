"""Values written by hand for test fixtures (abcdefgh…, 12345678…) are not reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from leakward.core.errors import RuleError
from leakward.rules.loader import load_allowlist, load_rules
from leakward.scanner.engines import make_engine
from leakward.scanner.matcher import Matcher
from leakward.scanner.models import Chunk, Origin
from leakward.scanner.placeholders import has_ascending_run

RULESET = load_rules()

# Django's CSRF tests: a masked secret made of alphabet runs, and one that looks random.
FIXTURES = (
    'MASKED_TEST_SECRET1 = "1bcdefghij2bcdefghij3bcdefghij4bcdefghij5bcdefghij6bcdefghijABCD"\n'
    'MASKED_TEST_SECRET2 = "2JgchWvM1tpxT2lfz9aydoXW9yT1DN3NdLiejYxOOlzzV4nhBbYqmqZYbAV3V5Bf"\n'
    'api_key = "Zq81234567890mWx"\n'
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("xxabcdefghxx", True),
        ("Q1bCdEfGhIjK", True),  # any case
        ("k3y_12345678", True),
        ("abcdefg", False),  # one short of eight
        ("wxyz0123", False),  # z to 0 is not a step
        ("789:;<=>?", False),  # punctuation after 9 is not a digit
        ("2JgchWvM1tpxT2lfz9aydoXW9yT1DN3N", False),
    ],
)
def test_ascending_runs(text: str, expected: bool) -> None:
    assert has_ascending_run(text.lower(), 8) is expected


@pytest.mark.parametrize("engine", ["hyperscan", "regex"])
def test_made_up_fixtures_are_dropped_and_random_values_kept(engine: str) -> None:
    matcher = Matcher(RULESET, make_engine(RULESET, engine))
    found = matcher.scan_chunk(Chunk(FIXTURES.encode(), Origin("file", "tests/csrf.py")))
    assert [(f.rule_id, f.line) for f in found] == [("generic.secret_assignment", 2)]


def test_the_builtin_allowlist_sets_a_run_of_eight() -> None:
    assert RULESET.allowlist.ascending_run == 8


@pytest.mark.parametrize("value", ["2", "x", "true"])
def test_a_bad_run_length_is_refused_with_a_reason(tmp_path: Path, value: str) -> None:
    path = tmp_path / "_allowlist.yaml"
    path.write_text(f"ascending_run: {value}\n")
    with pytest.raises(RuleError, match="ascending_run"):
        load_allowlist(path)


@pytest.mark.parametrize("engine", ["hyperscan", "regex"])
def test_mongodbs_documented_sample_password_is_made_up(engine: str) -> None:
    text = (
        "mongodb://myDatabaseUser:D1fficult@localhost/database\n"
        "mongodb+srv://myDatabaseUser:D1fficultP%40ssw0rd@cluster0.example.mongodb.net/\n"
        "mongodb://backup:Vq8rT2xLw9Zp4Kd7@db.internal:27017/admin\n"
    )
    matcher = Matcher(RULESET, make_engine(RULESET, engine))
    found = matcher.scan_chunk(Chunk(text.encode(), Origin("file", "deploy.yaml")))
    assert [(f.rule_id, f.line) for f in found] == [("database.mongodb_uri", 3)]
