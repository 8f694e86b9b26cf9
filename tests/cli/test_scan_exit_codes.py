"""A scan that could not read what it was asked to never passes as clean, and a mistyped
revision, date or missing credential is a usage error that names the fix — run as a user runs it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import git

from tests.scanner.tokens import GITHUB_PAT

DAMAGED_ZIP = b"PK\x03\x04 this is not the rest of a zip archive"


def leakward(
    *args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "leakward", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=dict(env) if env is not None else None,
        check=False,
    )


def closed_port_url() -> str:
    """A local URL nothing listens on: the service is unreachable, as in an outage."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def repository(path: Path) -> Path:
    repo = git.Repo.init(path)
    (path / "a.txt").write_text("hello\n")
    repo.index.add(["a.txt"])
    repo.index.commit("first", author=git.Actor("a", "a@example.com"))
    (path / "b.txt").write_text(f"token = {GITHUB_PAT}\n")
    repo.index.add(["b.txt"])
    repo.index.commit("second", author=git.Actor("a", "a@example.com"))
    return path


def test_an_unreadable_input_makes_the_scan_incomplete_not_clean(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("nothing here\n")
    (tmp_path / "bundle.zip").write_bytes(DAMAGED_ZIP)
    done = leakward("scan", str(tmp_path))
    assert done.returncode == 4, done.stdout + done.stderr
    assert "No secrets found" in done.stdout
    assert "the scan is incomplete" in done.stdout
    assert "damaged or truncated zip archive" in done.stdout


def test_findings_still_exit_one_when_part_of_the_input_was_unreadable(tmp_path: Path) -> None:
    (tmp_path / "config.env").write_text(f"GITHUB_TOKEN={GITHUB_PAT}\n")
    (tmp_path / "bundle.zip").write_bytes(DAMAGED_ZIP)
    done = leakward("scan", str(tmp_path))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "the scan is incomplete" in done.stdout


def test_a_clean_readable_tree_still_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("nothing here\n")
    done = leakward("scan", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "incomplete" not in done.stdout


def test_an_unreachable_postman_workspace_is_an_incomplete_scan(tmp_path: Path) -> None:
    env = {
        **_base_env(),
        "POSTMAN_API_KEY": "PMAK-placeholder",
        "LEAKWARD_API_POSTMAN": closed_port_url(),
    }
    done = leakward("scan", "--postman-workspace", "ws1", cwd=tmp_path, env=env)
    assert done.returncode == 4, done.stdout + done.stderr
    assert "Postman API unreachable" in done.stdout


def test_an_unreachable_github_actions_api_is_an_incomplete_scan(tmp_path: Path) -> None:
    env = {**_base_env(), "GITHUB_TOKEN": "placeholder", "LEAKWARD_API_GITHUB": closed_port_url()}
    done = leakward("scan", "--github-actions", "acme/app", cwd=tmp_path, env=env)
    assert done.returncode == 4, done.stdout + done.stderr
    assert "GitHub API unreachable" in done.stdout
    assert "internal error" not in done.stderr


def test_an_unknown_since_commit_is_a_usage_error_not_a_full_history_scan(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    done = leakward("scan", "--since-commit", "nope", str(repo))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "unknown revision 'nope'" in done.stderr
    assert "git rev-parse --verify nope" in done.stderr
    assert GITHUB_PAT not in done.stdout + done.stderr


def test_an_unknown_range_base_is_a_usage_error(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    done = leakward("scan", "--range", "nope..HEAD", str(repo))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "unknown revision 'nope'" in done.stderr


def test_a_missing_full_object_name_still_scans_what_only_the_tip_has(tmp_path: Path) -> None:
    """A force-push's old tip is a full object name this clone lacks: that is not a typo."""
    repo = repository(tmp_path / "repo")
    done = leakward("scan", "--range", f"{'1' * 40}..HEAD", str(repo))
    assert done.returncode == 1, done.stdout + done.stderr


def test_a_since_date_that_is_not_iso_is_a_usage_error(tmp_path: Path) -> None:
    env = {**_base_env(), "GITHUB_TOKEN": "placeholder", "LEAKWARD_API_GITHUB": closed_port_url()}
    done = leakward(
        "scan", "--github-actions", "acme/app", "--since", "yesterday", cwd=tmp_path, env=env
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "--since takes an ISO 8601 date" in done.stderr
    assert "internal error" not in done.stderr


def test_missing_credentials_are_usage_errors_that_name_the_variable(tmp_path: Path) -> None:
    env = _base_env()
    github = leakward("scan", "--github-actions", "acme/app", cwd=tmp_path, env=env)
    postman = leakward("scan", "--postman-workspace", "ws1", cwd=tmp_path, env=env)
    assert (github.returncode, postman.returncode) == (2, 2), github.stderr + postman.stderr
    assert "GITHUB_TOKEN is not set" in github.stderr
    assert "POSTMAN_API_KEY is not set" in postman.stderr


def _base_env() -> dict[str, str]:
    drop = {"GITHUB_TOKEN", "POSTMAN_API_KEY", "LEAKWARD_API_GITHUB", "LEAKWARD_API_POSTMAN"}
    return {name: value for name, value in os.environ.items() if name not in drop}
