"""The one rule for tests that need a real service (PostgreSQL, Redis).

With LEAKWARD_REQUIRE_SERVICES=1 (CI sets it in .ci/run) a missing service fails the test; on a
developer's machine without the service the test skips and says why and how to make it fail.
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
