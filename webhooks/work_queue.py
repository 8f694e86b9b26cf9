"""Where the receiver puts accepted webhook work: durable jobs in the registry, run by one thread.

Stage: inbound webhooks. GitHub gives a receiver 10 seconds, far less than a scan and a rotation
can take, so the receiver only stores a job (`kind` plus a JSON-ready payload) and answers. The
job is written in the transaction that claims the delivery id (registry/webhook_deliveries.py),
so a receiver killed after its 202 finds the job again on start: a job in memory only was lost
for good, and the claim then refused GitHub's redelivery of it.

`DurableQueue` drains the stored jobs with `workers` threads that call `handler(kind, payload)`,
so one slow job holds one of them, not every later push.
With no broker that handler does the work (leakward/response/webhook_jobs.py); with a broker it
sends the job to a Celery task (leakward/queues/celery_tasks.py), whose late acknowledgement keeps
it from there on. A job is done when its handler returned; one whose handler raised is tried again
with backoff, up to `Backoff.attempts` times (a process killed while running it counts too), then
marked failed with a log line; an error retrying cannot fix fails it at once. A handler that answers
`JobOutcome.BUSY` (its key's rotation is held by another worker) comes back later without using
an attempt.

A validly signed delivery is never refused: GitHub does not redeliver a failed delivery by
itself, so a 503 lost the push for good, and a replayed capture (a signed body under new delivery
ids) could fill the queue and keep real pushes out. Instead a delivery whose work is already
stored (the same content, `Job.content`) is a duplicate and stores nothing; a push that continues
the range of a pending job of its branch joins that job (`MERGED`, webhooks/push_merge.py), so N
pushes waiting on one branch cost one scan; and past `maxsize` pending jobs the job is stored all
the same, flagged to run after the jobs stored within the limit, and answered `BACKLOGGED`, with
a warning when the backlog begins. That check runs on every delivery, so it counts in memory
(`PendingCount`) rather than with a COUNT query: the database is asked only at the first
delivery, when the count nears `maxsize`, and at least every `recount_after` seconds, for the
jobs other receiver processes on the same database stored or finished meanwhile.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import Protocol

from leakward.core.errors import UsageError
from leakward.registry.models import utc_now
from leakward.registry.webhook_deliveries import DeliveryLog, StoredJob
from leakward.rotators.rotation.locks import is_stale, worker_name
from leakward.webhooks.github_events import Job
from leakward.webhooks.pending_count import PendingCount

log = logging.getLogger(__name__)


class JobOutcome(Enum):
    """What a handler answers for a job that is not done yet (None: the job is done)."""

    BUSY = "busy"  # its key's rotation is held by another worker: come back later


JobHandler = Callable[[str, dict[str, object]], JobOutcome | None]
# How often the in-memory count of pending jobs is read again at the latest (see PendingCount).
RECOUNT_AFTER = 1.0  # seconds
# Waits between attempts to record a job's outcome while the database refuses it.
RECORD_RETRY_FIRST = 0.25  # seconds, doubling
RECORD_RETRY_LIMIT = 30.0
# Raised by work that cannot succeed however often it is tried: an unknown kind, a payload
# missing what GitHub always sends, a repository name that is not owner/name.
PERMANENT: tuple[type[Exception], ...] = (UsageError, KeyError, TypeError, ValueError)


class Accepted(Enum):
    """What became of a signed delivery's job."""

    QUEUED = "queued"
    MERGED = "merged"  # joined the pending job of the same branch's last push
    BACKLOGGED = "backlogged"  # stored and flagged, behind more than `maxsize` pending jobs
    DUPLICATE = "duplicate"  # its delivery id, or the same work, was accepted before


class Intake(Protocol):
    """What the receiver hands an accepted delivery to."""

    def accept(self, delivery_id: str, event: str, job: Job) -> Accepted:
        """Store the job and claim the delivery, unless it or its work was accepted before."""
        ...

    def depth(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Backoff:
    """Attempts and waits for jobs whose work raised: `first` seconds, doubling to `limit`."""

    attempts: int = 6
    first: float = 30.0
    limit: float = 3600.0
    # A busy rotation is looked at again sooner: 0.5 s doubling to 30 s (as rotate_key tasks).
    busy_first: float = 0.5
    busy_limit: float = 30.0

    def delay(self, attempt: int) -> float:
        return min(self.first * 2.0 ** min(attempt - 1, 30), self.limit)

    def busy_delay(self, retries: int) -> float:
        return min(self.busy_first * 2.0 ** min(retries, 30), self.busy_limit)


class DurableQueue:
    """Jobs stored in the registry, drained by `workers` daemon threads (`start`) of this process.

    `permanent`: more exceptions that retrying cannot fix (a job stopped at its time budget)."""

    def __init__(
        self,
        deliveries: DeliveryLog,
        handler: JobHandler,
        *,
        backoff: Backoff | None = None,
        maxsize: int = 1000,
        lease: timedelta = timedelta(hours=1),
        recount_after: float = RECOUNT_AFTER,
        workers: int = 1,
        permanent: tuple[type[Exception], ...] = (),
    ) -> None:
        self._deliveries = deliveries
        self._handler = handler
        self._backoff = backoff or Backoff()
        self._pending = PendingCount(deliveries.pending, maxsize, recount_after)
        self._maxsize = maxsize
        self._is_backlogged = False
        self._lease = lease
        self._permanent = PERMANENT + permanent
        self._wakeup = threading.Condition()
        self._is_woken = False
        self._is_closed = False
        # A lease name each: a thread must not take the job another thread of this process runs.
        self._threads = [
            threading.Thread(
                target=self._drain,
                args=(worker_name(),),
                name=f"leakward-webhook-worker-{number}",
                daemon=True,
            )
            for number in range(workers)
        ]

    def start(self) -> DurableQueue:
        """Start the workers; jobs left pending by an earlier process are due at once."""
        for thread in self._threads:
            thread.start()
        return self

    def accept(self, delivery_id: str, event: str, job: Job) -> Accepted:
        is_over = self._pending.reserve()
        stored = None
        try:
            stored = self._deliveries.accept(
                delivery_id,
                event,
                (job.kind, job.payload),
                dedupe=job.content,
                merge=job.merge,
                is_backlog=is_over,
            )
        finally:
            self._pending.settle(is_stored=stored is not None and not stored.is_merged)
        if stored is None:
            return Accepted.DUPLICATE
        if stored.is_merged:
            return Accepted.MERGED  # a job not yet taken: no worker to wake
        self._wake()
        if not is_over:
            self._is_backlogged = False
            return Accepted.QUEUED
        if not self._is_backlogged:
            self._is_backlogged = True  # one line when the backlog begins, not one per delivery
            log.warning("more than %d webhook jobs are waiting; storing new ones", self._maxsize)
        return Accepted.BACKLOGGED

    def add(self, kind: str, payload: dict[str, object], *, dedupe: str, delay: float) -> bool:
        """Store a follow-up job due in `delay` seconds; False if it is stored already."""
        due = utc_now() + timedelta(seconds=delay)
        is_new = self._deliveries.add(kind, payload, dedupe=dedupe, not_before=due)
        if is_new:
            self._pending.add()
        self._wake()
        return is_new

    def depth(self) -> int:
        """Jobs stored and not yet done or failed: waiting, running or due for a retry."""
        return self._deliveries.pending()

    def wait_idle(self, timeout: float) -> bool:
        """Block until no job is pending; False if `timeout` seconds pass first."""
        deadline = utc_now() + timedelta(seconds=timeout)
        while self.depth():
            if utc_now() >= deadline:
                return False
            threading.Event().wait(0.05)
        return True

    def close(self, timeout: float = 10.0) -> None:
        """Stop after the running jobs; jobs still pending stay stored for the next start."""
        with self._wakeup:
            self._is_closed = True
            self._wakeup.notify_all()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout)

    def _wake(self) -> None:
        with self._wakeup:
            self._is_woken = True
            self._wakeup.notify_all()

    def _drain(self, worker: str) -> None:
        while not self._is_closed:
            try:
                job = self._deliveries.take(worker, lease=self._lease, is_stale=is_stale)
            except Exception as error:  # the database may be restarting; keep the thread
                log.warning("webhook jobs could not be read: %s", type(error).__name__)
                job = None
            if job is not None:
                self._run(job)
                continue
            with self._wakeup:
                if not self._is_woken and not self._is_closed:
                    self._wakeup.wait(self._idle_wait())
                self._is_woken = False

    def _idle_wait(self) -> float:
        """Seconds until the next stored job is due, at most 5 (another process may add one)."""
        try:
            due = self._deliveries.next_due()
        except Exception:  # the next loop logs it
            return 5.0
        if due is None:
            return 5.0
        return min(max((due - utc_now()).total_seconds(), 0.05), 5.0)

    def _run(self, job: StoredJob) -> None:
        label = f"webhook job {job.id} ({job.kind}, delivery {job.delivery_id or '-'})"
        if job.attempts > self._backoff.attempts:
            # Its earlier attempts never ended: each one took the process down with it.
            log.error("%s failed: gave up after %d attempts", label, job.attempts - 1)
            self._finish(job.id, "failed", job.last_error or "process lost")
            return
        try:
            outcome = self._handler(job.kind, job.payload)
        except self._permanent as error:
            # Only the type: a driver's or provider's message may quote what it was sent.
            log.error("%s failed: %s, which retrying cannot fix", label, type(error).__name__)
            self._finish(job.id, "failed", type(error).__name__)
        except Exception as error:  # one bad job must not stop the worker
            self._retry_or_fail(job, label, type(error).__name__)
        else:
            if outcome is JobOutcome.BUSY:
                delay = self._backoff.busy_delay(job.busy_retries)
                log.info(
                    "%s: its rotation is busy in another worker; again in %.1f s", label, delay
                )
                due = utc_now() + timedelta(seconds=delay)
                self._record(label, lambda: self._deliveries.postpone(job.id, due, is_busy=True))
            else:
                self._finish(job.id, "done")

    def _finish(self, job_id: int, state: str, error: str | None = None) -> None:
        def write() -> None:
            self._deliveries.finish(job_id, state, error)
            self._pending.finish()

        self._record(f"webhook job {job_id}", write)

    def _record(self, label: str, write: Callable[[], None]) -> None:
        """Write a job's outcome, waiting out a database that cannot take it (restarting,
        unreachable) rather than letting the error end this worker thread: the job's work is
        done, and an outcome never written would leave it `running` under a live lease, so no
        worker would take it again until this process exits. Closed meanwhile: the outcome is
        dropped and the job runs again after the next start (jobs are done at least once)."""
        pause = RECORD_RETRY_FIRST
        while True:
            try:
                write()
                return
            except Exception as error:
                if self._is_closed:
                    log.error(
                        "%s: its outcome was not recorded (%s); it runs again after the next start",
                        label,
                        type(error).__name__,
                    )
                    return
                log.warning(
                    "%s: its outcome could not be recorded (%s); trying again in %.1f s",
                    label,
                    type(error).__name__,
                    pause,
                )
            with self._wakeup:
                if not self._is_closed:
                    self._wakeup.wait(pause)
            pause = min(pause * 2, RECORD_RETRY_LIMIT)

    def _retry_or_fail(self, job: StoredJob, label: str, error: str) -> None:
        if job.attempts >= self._backoff.attempts:
            log.error("%s failed: %s; gave up after %d attempts", label, error, job.attempts)
            self._finish(job.id, "failed", error)
            return
        delay = self._backoff.delay(job.attempts)
        log.warning(
            "%s failed: %s (attempt %d of %d); trying again in %.0f s",
            label,
            error,
            job.attempts,
            self._backoff.attempts,
            delay,
        )
        due = utc_now() + timedelta(seconds=delay)
        self._record(label, lambda: self._deliveries.postpone(job.id, due, error))
