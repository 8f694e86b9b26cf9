"""The usage watch under `leakward serve`'s scheduler: the job is stored in the registry database
when an admin key is set, runs a poll at once, and is removed when no key is set any more."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from leakward.core.errors import ConfigError
from leakward.registry import NewKey, Owner, Registry
from leakward.settings.work import WorkSettings
from leakward.sweep.schedules import run_scheduler
from leakward.usage.watch_job import JOB_ID, schedule_watch
from tests.fakes.openai_usage import FakeOpenAIUsage
from tests.registry.conftest import _isolated_environment
from tests.usage.watch_world import habit, theft, theft_start

__all__ = ["_isolated_environment"]

KEY = "key_ServeVictim1"


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("LEAKWARD_PEPPER", "watch-job-pepper-0123456789abcdef")
    address = f"sqlite:///{tmp_path / 'registry.db'}"
    with Registry.open(address) as registry:
        registry.add_key(NewKey(provider="openai", owner=Owner(email="o@example.com"), key_id=KEY))
    return address


@pytest.fixture
def scheduler(url: str) -> Iterator[BackgroundScheduler]:
    started = run_scheduler(None, WorkSettings(db_url=url))
    try:
        yield started
    finally:
        started.shutdown(wait=True)


def test_with_an_admin_key_the_job_polls_at_once(
    url: str, scheduler: BackgroundScheduler, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = int(time.time())
    with FakeOpenAIUsage() as usage:
        usage.plant(*habit(KEY, now), *theft(KEY, now))
        env = {"OPENAI_ADMIN_KEY": usage.admin_key, "LEAKWARD_API_OPENAI": usage.url}
        for name, value in env.items():
            monkeypatch.setenv(name, value)  # the job reads the serving process's environment

        assert schedule_watch(scheduler, env, url)
        alerts = []
        deadline = time.monotonic() + 30
        with Registry.open(url) as registry:
            # The alert is written with the poll's buckets, and handed off just after.
            while not alerts and time.monotonic() < deadline:
                time.sleep(0.2)
                alerts = registry.usage.alerts(state="handed-off")

    assert scheduler.get_job(JOB_ID) is not None
    assert [(a.key_id, a.start, a.state) for a in alerts] == [(KEY, theft_start(now), "handed-off")]


def test_without_an_admin_key_a_stored_job_is_removed(
    url: str, scheduler: BackgroundScheduler
) -> None:
    env = {"OPENAI_ADMIN_KEY": "sk-admin-x", "LEAKWARD_WATCH_INTERVAL": "3600"}
    scheduler.pause()  # stored, not run: this test is about the schedule only
    assert schedule_watch(scheduler, env, url)
    job = scheduler.get_job(JOB_ID)
    assert job is not None
    assert job.trigger.interval.total_seconds() == 3600

    assert not schedule_watch(scheduler, {}, url)

    assert scheduler.get_job(JOB_ID) is None


def test_a_bad_interval_is_refused_with_what_to_write(
    url: str, scheduler: BackgroundScheduler
) -> None:
    env = {"OPENAI_ADMIN_KEY": "sk-admin-x", "LEAKWARD_WATCH_INTERVAL": "often"}

    with pytest.raises(ConfigError, match="LEAKWARD_WATCH_INTERVAL"):
        schedule_watch(scheduler, env, url)
