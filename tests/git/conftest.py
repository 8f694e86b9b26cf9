"""Fixtures for the git tests: a fresh repository per test and the built-in rules once."""

from __future__ import annotations

from pathlib import Path

import pytest

from leakward.rules.model import RuleSet
from leakward.scanner.scan import ScanOptions
from tests.git.repos import GitRepo, ruleset


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return ruleset()


@pytest.fixture
def options() -> ScanOptions:
    # One worker: these repositories are tiny and the machine is shared.
    return ScanOptions(jobs=1)
