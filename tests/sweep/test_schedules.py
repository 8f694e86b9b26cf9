"""Scheduled sweeps: `[[schedule]]` config, and jobs that outlive the scheduler's process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from leakward.core.errors import ConfigError
from leakward.registry import Registry
from leakward.registry.sweep_state import SweptRepositoryRow
from leakward.settings.loader import load_settings
from leakward.settings.model import Schedule
from leakward.settings.work import WorkSettings
from leakward.sweep.schedules import checked_schedules, run_scheduler
from tests.sweep.fixtures import Origins

_SCHEDULER_PROCESS = """
import json, sys, time
from pathlib import Path
from leakward.settings.loader import load_settings
from leakward.sweep.schedules import checked_schedules, run_scheduler
from leakward.settings.work import WorkSettings
settings = WorkSettings.from_json(json.loads(sys.argv[2]))
scheduler = run_scheduler(checked_schedules(load_settings(Path(sys.argv[1]))), settings)
print([job.id for job in scheduler.get_jobs()], flush=True)
time.sleep(600)
"""


def load_schedules(path: Path) -> list[Schedule]:
    """The checked `[[schedule]]` entries of a config file, as `leakward serve` reads them."""
    return checked_schedules(load_settings(path)) or []


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "leakward.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_schedule_entries_are_read_from_the_config(tmp_path: Path) -> None:
    path = _config(
        tmp_path,
        '[[schedule]]\norg = "acme"\ncron = "0 * * * *"\n\n'
        '[[schedule]]\norg = "globex"\ncron = "30 2 * * 1"\nworkers = 4\n',
    )
    assert load_schedules(path) == [
        Schedule("acme", "0 * * * *"),
        Schedule("globex", "30 2 * * 1", 4),
    ]
    assert load_schedules(_config(tmp_path, 'fail_on = "high"\n')) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[schedule]]\norg = "acme"\ncron = "every hour"\n', "not a cron expression"),
        ('[[schedule]]\ncron = "0 * * * *"\n', "`org` must name"),
        ('[[schedule]]\norg = "acme"\ncron = 5\n', "`cron` must be a string"),
        ('[[schedule]]\norg = "acme"\ncron = "0 * * * *"\nwhen = "now"\n', "expected org"),
        ('schedule = "hourly"\n', "must be ..schedule.. tables"),
        ("[[schedule]\n", "not valid TOML"),
    ],
)
def test_bad_schedules_say_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        load_schedules(_config(tmp_path, text))
    assert caught.value.exit_code == 2


def test_a_scheduled_sweep_survives_a_killed_scheduler_process(
    tmp_path: Path, settings: WorkSettings, origins: Origins, registry: Registry
) -> None:
    origins.add("svc")
    config = _config(tmp_path, '[[schedule]]\norg = "acme"\ncron = "0 0 1 1 *"\nworkers = 1\n')
    first = subprocess.Popen(
        [sys.executable, "-c", _SCHEDULER_PROCESS, str(config), json.dumps(settings.to_json())],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    try:
        assert first.stdout is not None
        assert first.stdout.readline().strip() == "['sweep:acme']"
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        if first.stdout is not None:
            first.stdout.close()

    # A new scheduler with no schedule given finds the job in the registry database.
    scheduler = run_scheduler(None, settings)
    try:
        [job] = scheduler.get_jobs()
        assert job.id == "sweep:acme"
        assert job.next_run_time.year == datetime.now(UTC).year + 1
        assert str(job.trigger) == "cron[month='1', day='1', day_of_week='*', hour='0', minute='0']"
        scheduler.modify_job(job.id, next_run_time=datetime.now(UTC))  # as if the year passed
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not _swept(registry):
            time.sleep(0.2)
        assert _swept(registry) == ["acme/svc"]
    finally:
        scheduler.shutdown(wait=True)


def _swept(registry: Registry) -> list[str]:
    with registry.engine.connect() as connection:
        return list(connection.execute(select(SweptRepositoryRow.repository)).scalars())
