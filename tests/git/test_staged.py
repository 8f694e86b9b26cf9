"""`--staged`: what `git commit` is about to record, the pre-commit case."""

from __future__ import annotations

import subprocess
import sys

from leakward.rules.model import RuleSet
from leakward.scanner.git_scan import scan_staged
from leakward.scanner.scan import ScanOptions
from tests.git.repos import GitRepo, aws_lines, aws_pair, by_secret, pat


def staged(repo: GitRepo, rules: RuleSet, options: ScanOptions) -> set[str]:
    return set(by_secret(scan_staged(repo.path, rules, options)))


def test_new_file_on_an_unborn_branch(repo: GitRepo, rules: RuleSet, options: ScanOptions) -> None:
    repo.write("creds.ini", aws_lines(30))
    repo.git("add", "creds.ini")
    assert staged(repo, rules, options) == {aws_pair(30)[1]}


def test_partial_staging_scans_the_index_not_the_work_tree(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    repo.commit("init", **{"app.py": "a = 1\n"})
    repo.write("app.py", f"a = 1\nt = '{pat(31)}'\n")
    repo.git("add", "app.py")
    repo.write("app.py", f"a = 1\nt = '{pat(31)}'\nu = '{pat(32)}'\n")  # not staged
    assert staged(repo, rules, options) == {pat(31)}
    repo.git("reset", "-q", "app.py")
    assert staged(repo, rules, options) == set()


def test_renames_and_moves_of_committed_secrets_are_not_new(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    repo.commit("init", **{"a.txt": f"{pat(33)}\n", "b.txt": f"one\n{pat(34)}\n"})
    repo.git("mv", "a.txt", "renamed.txt")
    repo.write("b.txt", "one\n")
    repo.write("c.txt", f"moved here: {pat(34)}\n")  # cut from b.txt, pasted in c.txt
    repo.write("d.txt", f"{pat(35)}\n")
    repo.git("add", "-A")
    assert staged(repo, rules, options) == {pat(35)}


def test_cli_exit_codes_and_message(repo: GitRepo) -> None:
    repo.commit("init", **{"README.md": "hi\n"})

    def run() -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "leakward", "scan", "--staged", str(repo.path)],
            capture_output=True,
            check=False,
        )

    repo.write("clean.txt", "nothing here\n")
    repo.git("add", "clean.txt")
    assert run().returncode == 0
    repo.write("deploy/creds.ini", "[default]\n" + aws_lines(36))
    repo.git("add", "deploy/creds.ini")
    done = run()
    assert done.returncode == 1, done.stderr
    out = done.stdout.decode()
    assert "deploy/creds.ini" in out
    assert "3:" in out
    assert "aws.secret_access_key" in out
    assert aws_pair(36)[1] not in out
