"""Confidence tiers: weak generic rules run only with `--min-confidence low` (issue #17).

Real `leakward scan` processes on real files; the selection itself on the built-in rules.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from leakward.core.errors import UsageError
from leakward.rules.loader import load_rules
from leakward.rules.model import confidence_rank

RULESET = load_rules()
# A value only a low-tier rule reports: a bare `token` name, high entropy, no provider shape.
WEAK = 'sync_token = "Vb7Lq2Xz9Wm4Kt8Rp3Ns"\n'
# A password under an unmistakable name: a medium-tier rule reports it.
NAMED = "DB_PASSWORD=granite42\n"


def scan(root: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    done = subprocess.run(
        [sys.executable, "-m", "leakward", "scan", str(root), "--format", "json", *args],
        capture_output=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)["findings"]


def test_the_floor_leaves_out_lower_tiers_unless_enabled_by_name() -> None:
    medium = RULESET.select(min_confidence="medium")
    kept = {rule.id for rule in medium.rules}
    low = [rule.id for rule in RULESET.rules if rule.confidence == "low" and rule.enabled]

    assert low, "some rules are in the low tier"
    assert not kept & set(low)
    assert all(confidence_rank(r.confidence) >= confidence_rank("medium") for r in medium.rules)
    assert low[0] in {r.id for r in RULESET.select((low[0],), min_confidence="medium").rules}
    assert set(low) <= {r.id for r in RULESET.select(min_confidence="low").rules}
    assert medium.digest != RULESET.select(min_confidence="low").digest


def test_default_scan_skips_weak_generic_findings_and_low_adds_them(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text(WEAK)

    default_code, default = scan(tmp_path)
    low_code, low = scan(tmp_path, "--min-confidence", "low")

    assert (default_code, default) == (0, [])
    assert low_code == 1
    assert [(f["rule_id"], f["confidence"], f["line"]) for f in low] == [
        ("generic.secret_assignment", "low", 1)
    ]


def test_fail_on_still_decides_the_exit_code_within_the_tier(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(NAMED)

    code, found = scan(tmp_path)
    quiet_code, quiet = scan(tmp_path, "--fail-on", "high")

    assert code == 1
    assert [(f["rule_id"], f["severity"], f["confidence"]) for f in found] == [
        ("generic.password_unquoted", "medium", "medium")
    ]
    assert (quiet_code, len(quiet)) == (0, 1)
    assert scan(tmp_path, "--min-confidence", "high") == (0, [])


def test_config_file_sets_the_floor_and_rejects_unknown_tiers(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text(WEAK)
    (tmp_path / "leakward.toml").write_text('min_confidence = "low"\n')
    assert scan(tmp_path, "--config", str(tmp_path / "leakward.toml"))[0] == 1

    (tmp_path / "leakward.toml").write_text('min_confidence = "sure"\n')
    done = subprocess.run(
        [sys.executable, "-m", "leakward", "scan", str(tmp_path)],
        capture_output=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 2
    assert b"min_confidence must be one of" in done.stderr


def test_action_input_is_checked() -> None:
    from leakward.cli.action import ActionInputs

    assert ActionInputs.from_env({"INPUT_MIN_CONFIDENCE": "low"}).min_confidence == "low"
    assert ActionInputs.from_env({}).min_confidence is None
    with pytest.raises(UsageError, match="min-confidence"):
        ActionInputs.from_env({"INPUT_MIN_CONFIDENCE": "sure"})
