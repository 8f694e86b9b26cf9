"""`leakward serve` refuses to start without a webhook secret, and says what to set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from leakward.cli import cli


def test_serve_without_a_secret_exits_2_with_the_variable_to_set(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "LEAKWARD_GITHUB_WEBHOOK_SECRET"}
    done = subprocess.run(
        [sys.executable, "-m", "leakward", "serve", "--db", f"sqlite:///{tmp_path / 'r.db'}"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "LEAKWARD_GITHUB_WEBHOOK_SECRET" in done.stderr
    assert not (tmp_path / "r.db").exists()  # refused before opening anything


def test_serve_is_listed_with_its_options() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--db", "--mirrors", "--max-body-mb"):
        assert option in result.output
