"""The `leakward` hook of `.pre-commit-hooks.yaml`, run by the real pre-commit from PyPI.

A repository's `.pre-commit-config.yaml` names this checkout (uncommitted changes included,
committed in a repository of its own: tests/precommit/conftest.py) as its hook repository, and
`pre-commit run` runs the hook on what is staged, as `git commit` would. All tests share one
PRE_COMMIT_HOME, so pre-commit builds the hook's environment once (`try-repo` would build it in a
temporary store for each test).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.git.repos import GitRepo, aws_lines, aws_pair


def commit_config(repo: GitRepo, hooks: Path) -> None:
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hooks, capture_output=True, check=True)
    rev = head.stdout.decode().strip()
    config = f"repos:\n- repo: {hooks}\n  rev: {rev}\n  hooks:\n  - id: leakward\n"
    repo.commit("init", **{"README.md": "hello\n", ".pre-commit-config.yaml": config})


def run_hook(repo: GitRepo, home: Path) -> subprocess.CompletedProcess[str]:
    pre_commit = Path(sys.executable).with_name("pre-commit")
    return subprocess.run(
        [str(pre_commit), "run", "--color", "never"],
        cwd=repo.path,
        env={**repo.env(), "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_staged_aws_key_blocks_with_a_readable_message(
    tmp_path: Path, hook_repository: Path, pre_commit_home: Path
) -> None:
    repo = GitRepo(tmp_path / "repo")
    commit_config(repo, hook_repository)
    repo.write("deploy/prod.ini", "[default]\nregion = eu-west-1\n" + aws_lines(80))
    repo.git("add", "deploy/prod.ini")
    done = run_hook(repo, pre_commit_home)
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout
    assert "Failed" in out
    assert "deploy/prod.ini" in out
    assert "4:" in out  # the secret's line
    assert "aws.secret_access_key" in out
    assert "leakward:allow" in out
    assert aws_pair(80)[1] not in out + done.stderr


def test_clean_and_allowed_changes_pass(
    tmp_path: Path, hook_repository: Path, pre_commit_home: Path
) -> None:
    repo = GitRepo(tmp_path / "repo")
    commit_config(repo, hook_repository)
    secret = aws_pair(81)[1]
    repo.write("app.py", "print('hello')\n")
    repo.write("docs.ini", f"aws_secret_access_key = {secret}  # leakward:allow\n")
    repo.git("add", "app.py", "docs.ini")
    done = run_hook(repo, pre_commit_home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout
