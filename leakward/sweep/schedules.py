"""Scheduled org sweeps: `[[schedule]]` entries in leakward.toml, run by APScheduler.

Stage: application shell (org sweep). Each entry (`{org = "acme", cron = "0 * * * *"}`) becomes
one job, id `sweep:<org>`, in a SQLAlchemyJobStore in the registry's own database, so a restart
keeps every schedule and its next run time; a run missed while the process was down (within
`MISFIRE_GRACE`) happens once on start, not once per missed slot. Cron times are UTC.
`run_scheduler` is what `leakward serve` calls; it returns the started scheduler.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from leakward.core.errors import ConfigError
from leakward.settings.model import Schedule, Settings
from leakward.settings.work import WorkSettings

log = logging.getLogger(__name__)

JOB_PREFIX = "sweep:"
JOB_TABLE = "apscheduler_jobs"
MISFIRE_GRACE = 3600  # seconds


def checked_schedules(settings: Settings) -> list[Schedule] | None:
    """The settings' schedules with their cron expressions checked; None when no config file
    was read (the stored jobs then run as they are)."""
    schedules = settings.sweep.schedules
    if schedules is None:
        return None
    for index, schedule in enumerate(schedules, 1):
        try:
            CronTrigger.from_crontab(schedule.cron, timezone="UTC")
        except ValueError as error:
            raise ConfigError(
                f"{settings.source}: schedule {index}: {schedule.cron!r} is not a cron "
                f"expression ({error})",
                hint='five fields: minute hour day month weekday, e.g. "0 * * * *" for hourly',
            ) from None
    return list(schedules)


def run_scheduler(
    schedules: Sequence[Schedule] | None, settings: WorkSettings, db_url: str | None = None
) -> BackgroundScheduler:
    """Start a background scheduler whose jobs live in the registry database.

    With `schedules`, the stored sweep jobs are made to match them (added, changed, removed);
    with None, the stored jobs run as they are. Stop it with `.shutdown()`.
    """
    from leakward.registry.database import resolve_url

    url = resolve_url(db_url or settings.db_url)
    store = SQLAlchemyJobStore(url=url, tablename=JOB_TABLE)
    scheduler = BackgroundScheduler(
        jobstores={"default": store},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE},
        timezone="UTC",
    )
    scheduler.start(paused=schedules is not None)
    if schedules is not None:
        _reconcile(scheduler, schedules, settings)
        scheduler.resume()
    return scheduler


def _reconcile(
    scheduler: BackgroundScheduler, schedules: Sequence[Schedule], settings: WorkSettings
) -> None:
    wanted = {f"{JOB_PREFIX}{s.org}": s for s in schedules}
    for job in scheduler.get_jobs():
        if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
            scheduler.remove_job(job.id)
    for job_id, schedule in wanted.items():
        scheduler.add_job(
            scheduled_sweep,
            CronTrigger.from_crontab(schedule.cron, timezone="UTC"),
            id=job_id,
            name=f"sweep {schedule.org}",
            args=[schedule.org, settings.to_json(), schedule.workers],
            replace_existing=True,
        )


def scheduled_sweep(org: str, settings: dict[str, object], workers: int) -> None:
    """The job itself (a module-level function, so the job store can name it).

    A job is an entry point: the job store keeps no credentials, so the job takes them from the
    environment of the process running the scheduler, as `leakward worker` does."""
    from leakward.sweep.org import run_local_sweep

    work = WorkSettings.from_json(settings, os.environ)
    report = run_local_sweep(org, work, workers=workers)
    log.info(
        "scheduled sweep of %s: %d repositories, %d scanned, %d skipped, %d failed",
        org,
        len(report.listing.repositories),
        len(report.by_state("scanned")),
        len(report.by_state("skipped")),
        len(report.failed),
    )
