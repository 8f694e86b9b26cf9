"""CI never passes on tests that did not run: with LEAKWARD_REQUIRE_SERVICES=1 a skip fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.services import REQUIRE_VARIABLE

ROOT = Path(__file__).resolve().parents[1]


def _run(tmp_path: Path, require: bool) -> int:
    (tmp_path / "test_skipping.py").write_text(
        "import pytest\n\ndef test_needs_a_package():\n    pytest.importorskip('no_such_pkg')\n"
    )
    environ = {k: v for k, v in os.environ.items() if k != REQUIRE_VARIABLE}
    if require:
        environ[REQUIRE_VARIABLE] = "1"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "tests.conftest", "-p", "no:xdist"]
    done = subprocess.run(
        [*command, str(tmp_path)], cwd=ROOT, env=environ, capture_output=True, check=False
    )
    return done.returncode


def test_a_skip_fails_the_run_in_ci(tmp_path: Path) -> None:
    assert _run(tmp_path, require=True) == 1


def test_a_skip_is_only_a_skip_on_a_developer_machine(tmp_path: Path) -> None:
    assert _run(tmp_path, require=False) == 0
