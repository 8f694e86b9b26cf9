"""The action installed once per test session, by its own install step, from a copy of this
checkout (what `uses: leakward/leakward@v1` gives a runner)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.action.runner import PROJECT, ActionRunner

# The steps after the install; tests that run the scan skip the install steps instead.
SCAN_STEPS = ("Scan for secrets",)
INSTALL_STEPS = ("Cache key", "Restore the cached environment", "Install leakward")


def base_env() -> dict[str, str]:
    """This process's environment without anything a real runner may have set."""
    import os

    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_", "RUNNER_"))
    }
    return {**env, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "NO_COLOR": "1"}


@pytest.fixture(scope="session")
def action_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("action-checkout")
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
    return target


@pytest.fixture(scope="session")
def installed(action_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Runs only the install steps; returns what they exported to the later steps. With
    `rotate: true`, the superset every test can use (the scan needs no extra)."""
    temp = tmp_path_factory.mktemp("runner-temp")
    runner = ActionRunner(action_path, temp)
    run = runner.run(base_env(), {"rotate": "true"}, temp, skip=SCAN_STEPS)
    assert run.returncode == 0, run.steps[-1].stderr
    python = temp / "leakward-venv" / "bin" / "python"
    assert python.exists()
    return {"LEAKWARD_PYTHON": str(python)}
