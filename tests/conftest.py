"""Suite-wide hooks: under LEAKWARD_REQUIRE_SERVICES=1 a skipped test fails the run."""

from __future__ import annotations

import pytest

from tests.services import fail_on_skips, record_skip


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    record_skip(report)


def pytest_sessionfinish(session: pytest.Session) -> None:
    fail_on_skips(session)
