"""The one rule for tests that need a real service (PostgreSQL, Redis).

With LEAKWARD_REQUIRE_SERVICES=1 (CI sets it in .ci/run) a missing service fails the test; on a
developer's machine without the service the test skips and says why and how to make it fail.
Under that variable a skip from anywhere else (an `importorskip`, a marker) fails the run too:
CI must never pass on tests that did not run (tests/conftest.py installs the hooks below).
"""

from __future__ import annotations

import os

import pytest

REQUIRE_VARIABLE = "LEAKWARD_REQUIRE_SERVICES"


def require_service(problem: str | None) -> None:
    """Nothing when `problem` is None; else fail (CI) or skip with the problem as the reason."""
    if problem is None:
        return
    if os.environ.get(REQUIRE_VARIABLE) == "1":
        pytest.fail(f"{problem} ({REQUIRE_VARIABLE}=1 makes this a failure)")
    pytest.skip(f"{problem}; set {REQUIRE_VARIABLE}=1 to fail instead")


_skipped: list[str] = []


def record_skip(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def fail_on_skips(session: pytest.Session) -> None:
    """In CI (and in the controlling process under xdist), any skipped test fails the run."""
    if os.environ.get(REQUIRE_VARIABLE) != "1" or hasattr(session.config, "workerinput"):
        return
    if _skipped and session.exitstatus == pytest.ExitCode.OK:
        names = ", ".join(sorted(_skipped)[:10])
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"{len(_skipped)} skipped with {REQUIRE_VARIABLE}=1: {names}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
