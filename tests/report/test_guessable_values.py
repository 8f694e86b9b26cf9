"""A report never confirms a guess of a weak secret: no fingerprint under the public key, and a
redacted form of at most four characters. Baselines still work across machines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from leakward.scanner.fingerprint import DEFAULT_KEY, fingerprint
from tests.scanner.tokens import GITHUB_PAT

PASSWORDS = ("backup-x9Lp2", "Summer2024!a", "tr0ub4dor&3x")


def leakward(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "LEAKWARD_FINGERPRINT_KEY"}
    return subprocess.run(
        [sys.executable, "-m", "leakward", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        check=False,
    )


def env_file(tmp_path: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    lines = [f"DB_PASSWORD_{n}={value}" for n, value in enumerate(PASSWORDS)]
    (tmp_path / ".env").write_text("\n".join([*lines, f"GITHUB_TOKEN={GITHUB_PAT}", ""]))
    return tmp_path


def findings(done: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    return list(json.loads(done.stdout)["findings"])


def test_a_json_report_gives_a_dictionary_attack_nothing_to_check(tmp_path: Path) -> None:
    done = leakward("scan", str(env_file(tmp_path)), "--format", "json")
    found = {str(f["redacted"]): f for f in findings(done)}
    weak = [f for f in found.values() if f["rule_id"] != "github.pat.classic"]
    assert len(weak) == len(PASSWORDS), done.stdout
    public = {fingerprint(value, DEFAULT_KEY) for value in PASSWORDS}
    for finding in weak:
        assert finding["fingerprint"] is None
        assert len(str(finding["redacted"]).replace("…", "")) <= 4
    assert not public & {str(f["fingerprint"]) for f in found.values()}
    # The report as a whole holds no string a guesser could check a password against.
    assert not any(p in done.stdout for p in public)
    strong = next(f for f in found.values() if f["rule_id"] == "github.pat.classic")
    assert strong["fingerprint"] == fingerprint(GITHUB_PAT, DEFAULT_KEY)


def test_a_team_key_fingerprints_every_value(tmp_path: Path) -> None:
    team = {"LEAKWARD_FINGERPRINT_KEY": "team-secret-kept-in-ci-0123456789"}
    done = leakward("scan", str(env_file(tmp_path)), "--format", "json", env=team)
    prints = {f["fingerprint"] for f in findings(done)}
    assert None not in prints
    assert not {fingerprint(value, DEFAULT_KEY) for value in PASSWORDS} & prints


def test_sarif_follows_a_weak_value_by_its_place_not_its_value(tmp_path: Path) -> None:
    done = leakward("scan", str(env_file(tmp_path)), "--format", "sarif")
    results = json.loads(done.stdout)["runs"][0]["results"]
    partial = [next(iter(r["partialFingerprints"].values())) for r in results]
    assert sum(p.startswith("place:") for p in partial) == len(PASSWORDS)
    assert not {fingerprint(value, DEFAULT_KEY) for value in PASSWORDS} & set(partial)


def test_a_baseline_keeps_weak_values_out_without_fingerprinting_them(tmp_path: Path) -> None:
    tree = env_file(tmp_path / "tree")
    baseline = tmp_path / "baseline.json"
    created = leakward("baseline", "create", str(baseline), str(tree))
    assert created.returncode == 0, created.stderr
    text = baseline.read_text()
    assert not any(fingerprint(value, DEFAULT_KEY) in text for value in PASSWORDS)
    again = leakward("scan", str(tree), "--baseline", str(baseline), "--format", "json")
    assert again.returncode == 0, again.stdout
    assert findings(again) == []


def test_a_baseline_written_before_still_matches(tmp_path: Path) -> None:
    """Entries that carry the old public-key fingerprint keep working after an upgrade."""
    tree = env_file(tmp_path / "tree")
    first = leakward("scan", str(tree), "--format", "json")
    by_line = sorted(findings(first), key=lambda f: int(str(f["line"])))
    entries = [
        {
            "rule_id": f["rule_id"],
            "fingerprint": fingerprint(value, DEFAULT_KEY),
            "path": f["file"],
            "redacted": f["redacted"],
        }
        for f, value in zip(by_line[: len(PASSWORDS)], PASSWORDS, strict=True)
    ]
    baseline = tmp_path / "old-baseline.json"
    baseline.write_text(json.dumps({"version": 1, "findings": entries}))
    done = leakward("scan", str(tree), "--baseline", str(baseline), "--format", "json")
    assert [f["rule_id"] for f in findings(done)] == ["github.pat.classic"], done.stdout
