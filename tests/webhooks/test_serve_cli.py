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


def test_serve_runs_the_config_schedules_from_the_registry_database(tmp_path: Path) -> None:
    """The config's [[schedule]] entries are stored as jobs in the registry database while the
    receiver answers, so a restart finds them there."""
    import socket
    import sqlite3
    import time

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "leakward.toml").write_text('[[schedule]]\norg = "acme"\ncron = "0 3 * * *"\n')
    database = tmp_path / "r.db"
    env = {**os.environ, "LEAKWARD_GITHUB_WEBHOOK_SECRET": "s3cr3t-for-the-test"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "leakward",
            "serve",
            "--port",
            str(port),
            "--db",
            f"sqlite:///{database}",
            "--mirrors",
            str(tmp_path / "mirrors"),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "serve did not answer /healthz"
            time.sleep(0.1)
        with sqlite3.connect(database) as connection:
            jobs = [row[0] for row in connection.execute("SELECT id FROM apscheduler_jobs")]
        assert len(jobs) == 1
        assert "acme" in jobs[0]
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stderr:
            server.stderr.close()
