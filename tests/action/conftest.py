"""The action installed once per test session (for all xdist workers), by its own install step,
from a copy of this checkout (what `uses: leakward/leakward@v1` gives a runner)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.action.runner import ActionRunner
from tests.shared_setup import built_once, copy_checkout

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
    return built_once(tmp_path_factory, "action-checkout", copy_checkout)


def _install(action_path: Path) -> Callable[[Path], None]:
    def run_install_steps(temp: Path) -> None:
        runner = ActionRunner(action_path, temp)
        run = runner.run(base_env(), {"rotate": "true"}, temp, skip=SCAN_STEPS)
        assert run.returncode == 0, run.steps[-1].stderr

    return run_install_steps


@pytest.fixture(scope="session")
def installed(action_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Runs only the install steps (once for all xdist workers); returns what they exported to
    the later steps. With `rotate: true`, the superset every test can use (the scan needs no
    extra)."""
    temp = built_once(tmp_path_factory, "runner-temp", _install(action_path))
    python = temp / "leakward-venv" / "bin" / "python"
    assert python.exists()
    return {"LEAKWARD_PYTHON": str(python)}
