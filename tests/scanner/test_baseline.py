"""Baseline files: stable, sorted, and unchanged by an update that finds nothing new."""

from __future__ import annotations

from pathlib import Path

from leakward.rules.loader import load_rules
from leakward.scanner.baseline import load_baseline, write_baseline
from leakward.scanner.scan import ScanOptions, scan_paths
from tests.scanner.tokens import GITHUB_PAT, github_token, random_body

RULESET = load_rules().select()


def test_update_keeps_entries_byte_for_byte_after_the_secret_is_gone(tmp_path: Path) -> None:
    other = github_token("ghp_", random_body(7))
    tree = tmp_path / "src"
    tree.mkdir()
    (tree / "b.py").write_text(f"B = '{other}'\n")
    (tree / "a.py").write_text(f"A = '{GITHUB_PAT}'\n")
    baseline = tmp_path / "baseline.json"
    found = scan_paths([tree], RULESET, ScanOptions(jobs=1)).findings
    assert write_baseline(baseline, found) == 2
    first = baseline.read_text()
    assert first.index('"a.py"') < first.index('"b.py"')  # sorted, so it diffs cleanly
    assert GITHUB_PAT not in first

    (tree / "a.py").write_text("A = None\n")
    remaining = scan_paths([tree], RULESET, ScanOptions(jobs=1)).findings
    assert write_baseline(baseline, remaining, keep=load_baseline(baseline)) == 2
    assert baseline.read_text() == first
