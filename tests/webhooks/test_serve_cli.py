"""`leakward serve` refuses to start without a webhook secret, and says what to set."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from leakward.cli.main import cli
from leakward.cli.serve import SECRET_VARIABLE
from leakward.core.errors import ConfigError
from leakward.settings.loader import load_settings
from leakward.settings.work import WorkSettings
from leakward.sweep import org as sweep
from leakward.sweep.org import SweepListing, SweepReport
from leakward.sweep.schedules import run_scheduler
from tests.webhooks.serve_process import serve_process


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
    options = ("--host", "--port", "--db", "--mirrors", "--max-body-mb", "--job-workers")
    for option in (*options, "--job-budget"):
        assert option in result.output


def test_serve_job_settings_come_from_the_config_and_flags(tmp_path: Path) -> None:
    config = tmp_path / "leakward.toml"
    config.write_text("webhook_job_workers = 4\nwebhook_job_budget_seconds = 120\n")
    settings = load_settings(config, {})
    assert (settings.serve.job_workers, settings.serve.job_budget_seconds) == (4, 120.0)
    flagged = load_settings(config, {}, {"serve.job_workers": 1})
    assert flagged.serve.job_workers == 1
    config.write_text("webhook_job_workers = 0\n")
    with pytest.raises(ConfigError, match="webhook_job_workers"):
        load_settings(config, {})


def test_serve_runs_the_config_schedules_from_the_registry_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The config's [[schedule]] entries are stored as jobs in the registry database while the
    receiver answers, so a restart finds them there; each runs its sweep with the config's
    max_fetch_age_hours, not the default."""
    (tmp_path / "leakward.toml").write_text(
        'max_fetch_age_hours = 6\n\n[[schedule]]\norg = "acme"\ncron = "0 3 * * *"\n'
    )
    database = tmp_path / "r.db"
    db_url = f"sqlite:///{database}"
    env = {**os.environ, SECRET_VARIABLE: "s3cr3t-for-the-test"}
    mirrors, log_file = tmp_path / "mirrors", tmp_path / "serve.log"
    # serve runs in tmp_path (the mirrors' parent), so it finds leakward.toml there.
    with (
        serve_process(env, db_url, mirrors, log_file),
        sqlite3.connect(database) as connection,
    ):
        jobs = [row[0] for row in connection.execute("SELECT id FROM apscheduler_jobs")]
    assert len(jobs) == 1
    assert "acme" in jobs[0]

    # The stored job, run now by a scheduler that reads it back, hands its sweep those settings.
    swept: list[tuple[str, WorkSettings]] = []

    def run_local_sweep(org: str, settings: WorkSettings, *, workers: int) -> SweepReport:
        swept.append((org, settings))
        return SweepReport(SweepListing(org, "scheduled", ()))

    monkeypatch.setattr(sweep, "run_local_sweep", run_local_sweep)
    scheduler = run_scheduler(None, WorkSettings(db_url=db_url), db_url)
    try:
        [job] = scheduler.get_jobs()
        scheduler.modify_job(job.id, next_run_time=datetime.now(UTC))
        deadline = time.monotonic() + 60  # only stops a hung test
        while not swept:
            assert time.monotonic() < deadline, "the stored schedule did not run"
            time.sleep(0.05)
    finally:
        scheduler.shutdown(wait=True)
    [(org, settings)] = swept
    assert org == "acme"
    assert settings.max_fetch_age == timedelta(hours=6)
