"""Tokens whose documented checksum fails: hidden by default, low confidence when asked (#17).

A `ghp_` token with the exact shape but a wrong CRC32 is a generated example or a typo. The
default tier stays silent about it; `--min-confidence low` reports it once, at low confidence,
saying why. Real matchers on both engines over the built-in rules; one real `leakward scan`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from leakward.rules.loader import load_rules
from leakward.scanner.engines import make_engine
from leakward.scanner.matcher import CHECKSUM_FAILS, LOOSE, Matcher
from leakward.scanner.models import Chunk, Finding, Origin
from tests.scanner.tokens import GITHUB_PAT, random_body

RULESET = load_rules()
ENGINES = ("hyperscan", "regex")
# The same token with its last checksum character changed.
BROKEN_PAT = GITHUB_PAT[:-1] + ("A" if GITHUB_PAT[-1] != "A" else "B")
# The shape of a Grafana Cloud token whose body is not base64 of JSON: a structure check
# fails, which says the text is no token Grafana issued, not that it is one with a typo; only
# the low tier reports it, as a loose shape.
NOT_GRAFANA = "glc_" + random_body(7, 48)


def scan(text: str, min_confidence: str, engine: str) -> list[Finding]:
    low = min_confidence == "low"  # as `leakward scan --min-confidence low` asks
    ruleset = RULESET.select(min_confidence=min_confidence, failed_checksums=low)
    matcher = Matcher(ruleset, make_engine(ruleset, engine))
    return matcher.scan_chunk(Chunk(text.encode(), Origin("file", "settings.py")))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "line", [f'GITHUB_TOKEN = "{BROKEN_PAT}"\n', f"ACCESS_TOKEN={BROKEN_PAT}\n", BROKEN_PAT]
)
def test_a_failed_checksum_is_silent_by_default_and_low_when_asked(line: str, engine: str) -> None:
    assert scan(line, "medium", engine) == []

    found = scan(line, "low", engine)

    assert [(f.rule_id, f.confidence, f.reason, f.secret.reveal()) for f in found] == [
        ("github.pat.classic", "low", CHECKSUM_FAILS, BROKEN_PAT)
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_valid_checksum_keeps_its_rules_tier_and_no_reason(engine: str) -> None:
    found = scan(f'GITHUB_TOKEN = "{GITHUB_PAT}"\n', "low", engine)

    assert [(f.confidence, f.reason) for f in found] == [("high", None)]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_failed_structure_check_is_silent_by_default_and_a_loose_shape_when_asked(
    engine: str,
) -> None:
    line = f"GRAFANA_CLOUD_TOKEN={NOT_GRAFANA}\n"
    assert scan(line, "medium", engine) == []

    found = scan(line, "low", engine)

    # Not a checksum failure (no token with a typo) but the provider's prefix over a body it
    # does not issue: the low tier's loose rule, as the provider's (rules/broken_shapes.yaml).
    assert [(f.rule_id, f.confidence, f.reason, f.secret.reveal()) for f in found] == [
        ("grafana.cloud_token.loose", "low", LOOSE, NOT_GRAFANA)
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_valid_token_beside_a_broken_one_keeps_each_its_tier(engine: str) -> None:
    text = f"OLD_TOKEN={BROKEN_PAT}\nNEW_TOKEN={GITHUB_PAT}\n"

    found = scan(text, "low", engine)

    assert [(f.line, f.confidence) for f in found] == [(1, "low"), (2, "high")]


def test_the_reports_say_why_and_the_default_scan_passes(tmp_path: Path) -> None:
    (tmp_path / "ci.env").write_text(f"GITHUB_TOKEN={BROKEN_PAT}\n")

    def run(*args: str) -> tuple[int, list[dict[str, object]], str]:
        done = subprocess.run(
            [sys.executable, "-m", "leakward", "scan", str(tmp_path), *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode in (0, 1), done.stderr
        findings = json.loads(done.stdout)["findings"] if "json" in args else []
        return done.returncode, findings, done.stdout

    assert run("--format", "json")[:2] == (0, [])
    code, findings, _ = run("--format", "json", "--min-confidence", "low")
    assert code == 1
    assert [(f["confidence"], f["reason"]) for f in findings] == [("low", CHECKSUM_FAILS)]
    assert BROKEN_PAT not in json.dumps(findings)
    text = run("--min-confidence", "low")[2]
    assert f"({CHECKSUM_FAILS})" in text
    assert BROKEN_PAT not in text
    sarif = json.loads(run("--format", "sarif", "--min-confidence", "low")[2])
    [result] = sarif["runs"][0]["results"]
    assert (result["properties"]["confidence"], result["properties"]["reason"]) == (
        "low",
        CHECKSUM_FAILS,
    )
    assert BROKEN_PAT not in json.dumps(sarif)


def test_the_sweep_and_receivers_rule_set_reports_no_failed_checksum() -> None:
    # They take every tier to match findings to issued keys; no issued key fails its checksum.
    ruleset = RULESET.select()
    matcher = Matcher(ruleset, make_engine(ruleset, "hyperscan"))
    line = f'GITHUB_TOKEN = "{BROKEN_PAT}"\n'.encode()
    assert matcher.scan_chunk(Chunk(line, Origin("file", "settings.py"))) == []


# Placeholders in a checksummed shape: their checksum fails, but they are made up, not typos.
AGE_PLACEHOLDER = "AGE-SECRET-KEY-1" + "Q" * 58
PAT_PLACEHOLDER = "ghp_" + "x" * 36


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("secret", [AGE_PLACEHOLDER, PAT_PLACEHOLDER])
@pytest.mark.parametrize("line", ["{}\n", 'ACCESS_TOKEN = "{}"\n'])
def test_a_placeholder_failing_its_checksum_is_no_finding_at_any_tier(
    secret: str, line: str, engine: str
) -> None:
    # Not at the low tier as a failed checksum, and not by a generic rule at its place either.
    assert scan(line.format(secret), "low", engine) == []
