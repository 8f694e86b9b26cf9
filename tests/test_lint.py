"""ruff and mypy are part of the suite, so CI fails on style or type errors like any other."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.source_tree import link_namespace

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_lint() -> None:
    done = run(str(BIN / "ruff"), "check", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format() -> None:
    done = run(str(BIN / "ruff"), "format", "--check", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict(tmp_path: Path) -> None:
    # mypy resolves imports from files, not through the editable install's import hook, so it
    # checks a tree of links laid out as the installed `leakward` package is. Its cache stays in
    # the checkout (ignored by git), not in the tree, so a later run checks only what changed:
    # mypy trusts a cached module whose source hash matches, whatever its path.
    tree = link_namespace(tmp_path / "tree")
    config = [
        "--config-file",
        str(ROOT / "pyproject.toml"),
        "--cache-dir",
        str(ROOT / ".mypy_cache"),
    ]
    done = subprocess.run(
        [str(BIN / "mypy"), *config, "-p", "leakward"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
