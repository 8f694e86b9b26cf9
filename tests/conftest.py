"""Suite-wide hooks: under LEAKWARD_REQUIRE_SERVICES=1 a skipped test fails the run; the
`leakward` processes the suite starts reuse compiled bytecode."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.services import fail_on_skips, record_skip


def pytest_configure(config: pytest.Config) -> None:
    # With PYTHONDONTWRITEBYTECODE set, each Python process the suite starts (`leakward`, its
    # workers, xdist's workers) compiles every leakward module it imports from source again. They
    # cache bytecode outside the checkout instead, which keeps the tree as clean as the setting
    # meant to. This process keeps the setting: it compiles each module once anyway.
    if os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is not None:
        cache = Path(tempfile.gettempdir()) / f"leakward-tests-bytecode-{os.getuid()}"
        os.environ.setdefault("PYTHONPYCACHEPREFIX", str(cache))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    record_skip(report)


def pytest_sessionfinish(session: pytest.Session) -> None:
    fail_on_skips(session)
