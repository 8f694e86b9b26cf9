"""`leakward sweep --org NAME`: list an organisation's repositories and queue their scans.

Stage: application shell (org sweep). The listing streams page by page into the queue, so
repositories are being scanned while later pages are still listed. Each repository gets a
`scan_repo` task (new objects since the last sweep) and, unless turned off, a `scan_logs` task
(Actions runs since the last sweep); matched leaks come back as `rotate_key` tasks. The
`scan_repo` task carries the listing's `pushed_at`, so a repository not pushed since its last
fetch is reported unchanged without a fetch (leakward/sweep/repos.py). Every task
of one sweep carries a dedupe key made of the sweep id, so delivering it twice does nothing.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from github import Github

from leakward.queues.local import LocalQueue, Queue, TaskReport
from leakward.settings.work import TOKEN_VARIABLE, WorkSettings
from leakward.sweep.github_org import (
    Clock,
    RateLimitedApi,
    RepoRef,
    Sleep,
    github_api,
    list_org_repositories,
)
from leakward.sweep.jobs import SWEEP_WORK

# Dedupe keys of finished tasks are kept this long; redeliveries come far sooner.
DONE_TASKS_KEPT = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class SweepListing:
    org: str
    sweep_id: str
    repositories: tuple[RepoRef, ...]
    waits: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class SweepReport:
    listing: SweepListing
    tasks: tuple[TaskReport, ...] = field(default=())

    def by_state(self, state: str, kind: str = "scan_repo") -> list[TaskReport]:
        return [t for t in self.tasks if t.kind == kind and t.summary.get("state") == state]

    @property
    def failed(self) -> list[TaskReport]:
        return [t for t in self.tasks if t.error is not None]


def sweep_org(
    org: str,
    settings: WorkSettings,
    queue: Queue,
    *,
    github: Github | None = None,
    sleep: Sleep = time.sleep,
    clock: Clock = time.time,
    sweep_id: str | None = None,
) -> SweepListing:
    """Queue the scans of every repository of `org`; returns what was listed."""
    sweep_id = sweep_id or uuid.uuid4().hex
    _prune_done_tasks(settings)
    client = github or github_api(
        settings.environ.get(TOKEN_VARIABLE), settings.api_url, settings.api_interval or None
    )
    api = RateLimitedApi(client, sleep, clock)
    listed: list[RepoRef] = []
    for ref in list_org_repositories(api, org):
        listed.append(ref)
        base: dict[str, object] = {"repository": ref.full_name, "is_public": ref.is_public}
        queue.enqueue(
            "scan_repo",
            {
                **base,
                "clone_url": ref.clone_url,
                "listed_pushed_at": ref.pushed_at,
                "dedupe": f"scan_repo:{ref.full_name}:{sweep_id}",
            },
        )
        if settings.scan_logs:
            queue.enqueue("scan_logs", {**base, "dedupe": f"scan_logs:{ref.full_name}:{sweep_id}"})
    return SweepListing(org, sweep_id, tuple(listed), tuple(api.waited))


def run_local_sweep(
    org: str,
    settings: WorkSettings,
    *,
    workers: int = 2,
    processes: bool = True,
    sleep: Sleep = time.sleep,
    clock: Clock = time.time,
) -> SweepReport:
    """A whole sweep on the embedded pool: list, scan, record, rotate; waits for the end."""
    with LocalQueue(SWEEP_WORK, settings, workers, processes=processes) as queue:
        listing = sweep_org(org, settings, queue, sleep=sleep, clock=clock)
        reports = queue.join()
    return SweepReport(listing, tuple(reports))


def _prune_done_tasks(settings: WorkSettings) -> None:
    from leakward.registry import Registry, sweep_state

    with Registry.open(settings.db_url) as registry:
        sweep_state.prune_done(registry.engine, datetime.now(UTC) - DONE_TASKS_KEPT)
