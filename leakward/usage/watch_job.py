"""The usage watch as a job of `leakward serve`'s scheduler, when an admin key is configured.

Stage: application shell (usage watch). `schedule_watch` adds one interval job, id
`watch:usage`, to the scheduler `leakward serve` runs (leakward/sweep/schedules.py), whose jobs
live in the registry database; with no admin key set it removes a job an earlier serve stored.
The job, like the scheduled sweeps, takes credentials from the environment of the process
running it (the job store keeps none) and polls once per run; `max_instances=1` keeps a slow
poll from overlapping the next.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger

from leakward.usage.watch_policy import interval_from

log = logging.getLogger(__name__)
JOB_ID = "watch:usage"


def schedule_watch(
    scheduler: BaseScheduler, environ: Mapping[str, str], db_url: str | None
) -> bool:
    """Add (or replace) the watch job when an admin key is set; True when it is scheduled."""
    from leakward.usage.clients import ADMIN_KEY_VARIABLES

    if not any(environ.get(name) for name in ADMIN_KEY_VARIABLES.values()):
        if scheduler.get_job(JOB_ID) is not None:
            scheduler.remove_job(JOB_ID)
        return False
    scheduler.add_job(
        scheduled_watch,
        IntervalTrigger(seconds=interval_from(environ), timezone="UTC"),
        id=JOB_ID,
        name="usage watch",
        args=[db_url],
        replace_existing=True,
        # The first poll at once: a restart must not leave a theft unseen for an interval.
        next_run_time=datetime.now(UTC),
    )
    return True


def scheduled_watch(db_url: str | None) -> None:
    """The job itself (module level, so the job store can name it): one poll of every
    provider whose admin key this process has."""
    import httpx

    from leakward.registry import Registry
    from leakward.usage.clients import usage_clients
    from leakward.usage.watch import Watch
    from leakward.usage.watch_policy import WatchSettings, policy_from

    environ = dict(os.environ)
    settings = WatchSettings(policy=policy_from(environ), interval_seconds=interval_from(environ))
    with httpx.Client(timeout=30.0) as http, Registry.open(db_url) as registry:
        report = Watch(registry, usage_clients(environ, http), settings, environ).poll()
    for poll in report.polls:
        if poll.error is not None:
            log.warning("usage watch: %s not read: %s", poll.provider, poll.error)
            continue
        log.info(
            "usage watch: %s: %d buckets, %d new alerts",
            poll.provider,
            poll.records,
            poll.new_alerts,
        )
    for handed in report.handoffs:
        log.info("usage watch: alert %d: %s", handed.alert_id, handed.note)
