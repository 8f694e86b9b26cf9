"""Setups too costly to repeat in each pytest-xdist worker (a copy of this checkout with a
virtual environment or a pre-commit hook environment built from it): the first worker to ask
builds one under a lock, in the directory all workers of the session share; the others wait and
reuse it. A build that failed leaves no mark, so the next worker to ask builds it again."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


def session_root(factory: pytest.TempPathFactory) -> Path:
    """The session's base temporary directory; under xdist, the one above the workers' own."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """The directory `name`, filled by `build` in the first worker that asks for it."""
    root = session_root(factory)
    target, built = root / name, root / f"{name}.built"  # the mark outside: a tree stays as built
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or its holder dies
        if not built.exists():
            shutil.rmtree(target, ignore_errors=True)  # what a failed build left
            target.mkdir()
            build(target)
            built.touch()
    return target


def copy_checkout(target: Path) -> None:
    """This checkout's files as a fresh clone with its uncommitted changes would have them:
    tracked and untracked, without what .gitignore names (the venv, caches)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "-co", "--exclude-standard"],
        cwd=PROJECT,
        capture_output=True,
        check=True,
    ).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = PROJECT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
