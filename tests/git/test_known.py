"""Known findings on git scans: baselines, `.leakwardignore`, inline allow comments."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from leakward.cli.baseline import baseline
from tests.git.repos import GitRepo, aws_lines, pat


def scan(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "leakward", "scan", "--format", "json", *args, str(repo.path)],
        capture_output=True,
        check=False,
        cwd=repo.path,
    )


def secrets_of(done: subprocess.CompletedProcess[bytes]) -> list[str]:
    return sorted(f["file"] for f in json.loads(done.stdout)["findings"])


def test_baseline_create_then_scan_reports_only_new_secrets(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("old", **{"old.txt": f"{pat(40)}\n"})
    file = tmp_path / "baseline.json"
    created = CliRunner().invoke(baseline, ["create", str(file), str(repo.path), "--git"])
    assert created.exit_code == 0, created.output
    assert "1 entries" in created.output
    assert pat(40) not in file.read_text()
    # Lines shift above the known secret; a new secret arrives elsewhere.
    repo.commit("shift", **{"old.txt": f"a\nb\n{pat(40)}\n", "new.txt": f"{pat(41)}\n"})
    done = scan(repo, "--git", "--baseline", str(file))
    assert done.returncode == 1
    assert secrets_of(done) == ["new.txt"]


def test_baseline_is_sorted_stable_and_update_keeps_entries(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("two", **{"b.txt": f"{pat(42)}\n", "a.txt": f"{pat(43)}\n"})
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    runner = CliRunner()
    for target in (first, second):
        assert runner.invoke(baseline, ["create", str(target), str(repo.path)]).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    rows = json.loads(first.read_text())["findings"]
    keys = [(r["rule_id"], r["fingerprint"], r["path"]) for r in rows]
    assert keys == sorted(keys)
    assert {r["path"] for r in rows} == {"a.txt", "b.txt"}
    # The secret leaves the tree; update still keeps its entry and adds the new one.
    repo.commit("swap", **{"a.txt": "gone\n", "c.txt": f"{pat(44)}\n"})
    updated = runner.invoke(baseline, ["update", str(first), str(repo.path)])
    assert updated.exit_code == 0, updated.output
    assert "(1 new)" in updated.output
    rows = json.loads(first.read_text())["findings"]
    assert {r["path"] for r in rows} == {"a.txt", "b.txt", "c.txt"}
    keys = [(r["rule_id"], r["fingerprint"], r["path"]) for r in rows]
    assert keys == sorted(keys)


def test_update_of_a_missing_baseline_says_to_create_it(tmp_path: Path) -> None:
    done = CliRunner().invoke(baseline, ["update", str(tmp_path / "nope.json"), str(tmp_path)])
    assert done.exit_code != 0
    assert "baseline create" in str(done.exception)


def test_ignore_file_by_fingerprint_and_glob_on_history(repo: GitRepo) -> None:
    repo.commit("a", **{"keep.txt": f"{pat(45)}\n", "fixtures/x.txt": f"{pat(46)}\n"})
    repo.commit("b", **{"fp.txt": f"{pat(47)}\n"})
    report = json.loads(scan(repo, "--git").stdout)
    fp = next(f["fingerprint"] for f in report["findings"] if f["file"] == "fp.txt")
    (repo.path / ".leakwardignore").write_text(f"# known\n{fp}\nfixtures/*\n")
    done = scan(repo, "--git")
    assert secrets_of(done) == ["keep.txt"]


def test_inline_allow_comments_in_history_and_staged(repo: GitRepo) -> None:
    repo.commit(
        "allowed",
        **{
            "a.py": f"T = '{pat(48)}'  # leakward:allow\n",
            "b.py": f"T = '{pat(49)}'  # gitleaks:allow\n",
            "c.ini": aws_lines(50),
        },
    )
    assert secrets_of(scan(repo, "--git")) == ["c.ini"]
    repo.write("d.py", f"T = '{pat(51)}'  # leakward:allow\n")
    repo.git("add", "d.py")
    assert scan(repo, "--staged").returncode == 0


def test_baseline_commands_through_the_leakward_cli(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("old", **{"old.txt": f"{pat(52)}\n"})
    file = tmp_path / "known.json"
    created = subprocess.run(
        [
            sys.executable,
            "-m",
            "leakward",
            "baseline",
            "create",
            str(file),
            str(repo.path),
            "--git",
        ],
        capture_output=True,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    assert scan(repo, "--git").returncode == 1
    assert scan(repo, "--git", "--baseline", str(file)).returncode == 0
