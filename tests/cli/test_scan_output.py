"""What `leakward scan` tells a person: verdicts, the fingerprint to ignore a finding by, what
was skipped or left out and how to bring it back. Real processes, real files, a fake GitHub."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.fakes.github import FakeGitHub, Token
from tests.scanner.tokens import github_token, random_body

LIVE = github_token("ghp_", random_body(201))
DEAD = github_token("ghp_", random_body(202))
DB_URL = "postgres://app:por6hjvDZT3TXSctrW01@db.internal:5432/app"


def leakward(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "leakward", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        check=False,
    )


def three_keys(root: Path, github: FakeGitHub) -> dict[str, str]:
    """A live and a dead GitHub token and a database password (no verifier: unknown)."""
    github.tokens[LIVE] = Token(LIVE, "pat", "octocat")
    (root / "a.env").write_text(f"LIVE={LIVE}\nDEAD={DEAD}\nDATABASE_URL={DB_URL}\n")
    return {"LEAKWARD_API_GITHUB": github.url}


def test_verify_puts_each_verdict_and_its_reason_under_the_finding(
    tmp_path: Path, fake_github: FakeGitHub
) -> None:
    env = three_keys(tmp_path, fake_github)
    done = leakward("scan", str(tmp_path), "--verify", env=env)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    verdicts = [lines[i + 1].strip() for i, line in enumerate(lines) if " fp:" in line]
    assert verdicts[0] == "live: the provider accepted the key (200); octocat"
    assert verdicts[1].startswith("dead: ")
    assert verdicts[2] == "unknown: no verifier for database"
    assert LIVE not in done.stdout + done.stderr


def test_only_verified_and_results_choose_verdicts_like_trufflehog(
    tmp_path: Path, fake_github: FakeGitHub
) -> None:
    env = three_keys(tmp_path, fake_github)
    only = leakward("scan", str(tmp_path), "--only-verified", "--format", "json", env=env)
    assert only.returncode == 1, only.stderr
    assert [f["liveness"] for f in json.loads(only.stdout)["findings"]] == ["live"]
    assert "left out 2 findings whose verdict --results leaves out" in only.stderr

    dead = leakward("scan", str(tmp_path), "--results", "dead,unknown", env=env)
    assert [line.split()[0] for line in dead.stdout.splitlines() if " fp:" in line] == [
        "2:6",
        "3:29",
    ]
    # trufflehog's names: verified is live
    verified = leakward("scan", str(tmp_path), "--results", "verified", "--format", "json", env=env)
    assert len(json.loads(verified.stdout)["findings"]) == 1

    fake_github.tokens.clear()
    none_live = leakward("scan", str(tmp_path), "--only-verified", env=env)
    assert none_live.returncode == 0, "no live key: nothing to fail on"
    assert none_live.stdout.startswith("No secrets found")

    wrong = leakward("scan", str(tmp_path), "--results", "valid", env=env)
    assert wrong.returncode == 2
    assert "live, unknown, dead" in wrong.stderr


def test_the_printed_fingerprint_is_what_leakwardignore_takes(tmp_path: Path) -> None:
    (tmp_path / "a.env").write_text(f"A={LIVE}\nB={DEAD}\n")
    first = leakward("scan", str(tmp_path))
    prints = re.findall(r" fp:([0-9a-f]{32})$", first.stdout, flags=re.MULTILINE)
    assert len(prints) == 2
    (tmp_path / ".leakwardignore").write_text(f"{prints[0]}  # rotated on 2026-12-01\n")

    second = leakward("scan", str(tmp_path), "--format", "json")
    assert [f["line"] for f in json.loads(second.stdout)["findings"]] == [2]
    assert "left out 1 finding listed in .leakwardignore (--no-ignore includes it)" in (
        " ".join(second.stderr.split())
    )
    everything = leakward("scan", str(tmp_path), "--no-ignore", "--format", "json")
    assert [f["line"] for f in json.loads(everything.stdout)["findings"]] == [1, 2]


def test_summary_counts_what_gitignore_and_the_baseline_left_out(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("build/\n*.log\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "a.env").write_text(f"T={LIVE}\n")
    (tmp_path / "build" / "b.env").write_text(f"T={LIVE}\n")
    (tmp_path / "debug.log").write_text(f"T={DEAD}\n")
    (tmp_path / "app.env").write_text(f"T={LIVE}\nU={DEAD}\n")
    baseline = tmp_path / "baseline.json"
    made = leakward("baseline", "create", str(baseline), str(tmp_path))
    assert made.returncode == 0, made.stderr
    (tmp_path / "app.env").write_text(
        f"T={LIVE}\nU={DEAD}\nV={github_token('ghp_', random_body(203))}\n"
    )

    done = leakward("scan", str(tmp_path), "--baseline", str(baseline), "--verbose")
    summary = " ".join(done.stdout[done.stdout.index("Found") :].split())
    assert "left out 2 paths ignored by .gitignore (--no-ignore includes them)" in summary
    assert (
        "left out 2 findings in the baseline (a scan without --baseline includes them)" in summary
    )
    verbose = done.stderr.splitlines()
    assert "left out: build/: ignored by .gitignore; --no-ignore includes it" in verbose
    assert "left out: debug.log: ignored by .gitignore; --no-ignore includes it" in verbose
    assert sum("in the baseline" in line for line in verbose) == 2

    as_json = leakward("scan", str(tmp_path), "--baseline", str(baseline), "--format", "json")
    left_out = json.loads(as_json.stdout)["left_out"]
    assert [(item["path"], item["cause"]) for item in left_out] == [
        ("build/", "gitignore"),
        ("debug.log", "gitignore"),
        ("app.env", "baseline"),
        ("app.env", "baseline"),
    ]
    assert left_out[2]["detail"] == "1:3 github.pat.classic"

    included = leakward("scan", str(tmp_path), "--no-ignore", "--format", "json")
    assert len(json.loads(included.stdout)["findings"]) == 6
    assert "left out" not in included.stderr


def test_verbose_says_what_was_skipped_and_why(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + LIVE.encode())
    (tmp_path / "big.txt").write_text("x" * (1024 * 1024 + 1))
    (tmp_path / "ok.txt").write_text("nothing here\n")
    done = leakward("scan", str(tmp_path), "--verbose", "--max-file-size", "1")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "skipped: big.txt: larger than the 1 MiB limit (raise --max-file-size)",
        "skipped: logo.png: binary file",
    ]
    quiet = leakward("scan", str(tmp_path), "--max-file-size", "1")
    assert quiet.stderr == ""


def test_a_repository_inside_the_work_tree_is_scanned_by_its_own_ignores(tmp_path: Path) -> None:
    """git lists a repository cloned inside a work tree (or a submodule) as one entry, so its
    files went unread and nothing said so; its own .gitignore decides what is read there."""
    for repo in (tmp_path, tmp_path / "vendor" / "lib"):
        repo.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (tmp_path / "vendor" / "lib" / ".gitignore").write_text("local.env\n")
    (tmp_path / "vendor" / "lib" / "config.env").write_text(f"T={LIVE}\n")
    (tmp_path / "vendor" / "lib" / "local.env").write_text(f"T={DEAD}\n")
    (tmp_path / "app.env").write_text(f"T={DEAD}\n")
    done = leakward("scan", str(tmp_path), "--format", "json")
    report = json.loads(done.stdout)
    assert [f["file"] for f in report["findings"]] == ["app.env", "vendor/lib/config.env"]
    assert report["left_out"] == [
        {"path": "vendor/lib/local.env", "cause": "gitignore", "detail": None}
    ]
