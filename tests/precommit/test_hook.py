"""The `leakward` hook of `.pre-commit-hooks.yaml`, run by the real pre-commit from PyPI.

`pre-commit try-repo` installs this checkout (uncommitted changes included) as a hook repository
and runs the hook on what is staged in a temporary repository, as `git commit` would.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.git.repos import GitRepo, aws_lines, aws_pair

PROJECT = Path(__file__).resolve().parents[2]


def try_repo(repo: GitRepo, home: Path) -> subprocess.CompletedProcess[str]:
    pre_commit = Path(sys.executable).with_name("pre-commit")
    return subprocess.run(
        [str(pre_commit), "try-repo", str(PROJECT), "leakward", "--color", "never"],
        cwd=repo.path,
        env={**repo.env(), "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_staged_aws_key_blocks_with_a_readable_message(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("init", **{"README.md": "hello\n"})
    repo.write("deploy/prod.ini", "[default]\nregion = eu-west-1\n" + aws_lines(80))
    repo.git("add", "deploy/prod.ini")
    done = try_repo(repo, pre_commit_home)
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout
    assert "Failed" in out
    assert "deploy/prod.ini" in out
    assert "4:" in out  # the secret's line
    assert "aws.secret_access_key" in out
    assert "leakward:allow" in out
    assert aws_pair(80)[1] not in out + done.stderr


def test_clean_and_allowed_changes_pass(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("init", **{"README.md": "hello\n"})
    secret = aws_pair(81)[1]
    repo.write("app.py", "print('hello')\n")
    repo.write("docs.ini", f"aws_secret_access_key = {secret}  # leakward:allow\n")
    repo.git("add", "app.py", "docs.ini")
    done = try_repo(repo, pre_commit_home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout
