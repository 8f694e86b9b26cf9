"""Where the receiver puts accepted webhook work: durable jobs in the registry, run by one thread.

Stage: inbound webhooks. GitHub gives a receiver 10 seconds, far less than a scan and a rotation
can take, so the receiver only stores a job (`kind` plus a JSON-ready payload) and answers. The
job is written in the transaction that claims the delivery id (registry/webhook_deliveries.py),
so a receiver killed after its 202 finds the job again on start: a job in memory only was lost
for good, and the claim then refused GitHub's redelivery of it.

`DurableQueue` drains the stored jobs with one worker thread that calls `handler(kind, payload)`.
With no broker that handler does the work (leakward/webhook_work.py); with a broker it sends the
job to a Celery task (leakward/tasks.py), whose late acknowledgement keeps it from there on. A
job is done when its handler returned; one whose handler raised is tried again with backoff, up
to `Backoff.attempts` times (a process killed while running it counts too), then marked failed
with a log line; an error retrying cannot fix fails it at once. A handler that answers `BUSY`
(its key's rotation is held by another worker) comes back later without using an attempt.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from leakward.errors import UsageError
from registry.models import utc_now
from registry.webhook_deliveries import DeliveryLog, StoredJob
from rotators.locks import is_stale, worker_name

from .github_events import Job

log = logging.getLogger(__name__)

BUSY = "busy"
# None: the job is done; BUSY: its rotation is held elsewhere, come back later.
JobHandler = Callable[[str, dict[str, object]], str | None]
# Raised by work that cannot succeed however often it is tried: an unknown kind, a payload
# missing what GitHub always sends, a repository name that is not owner/name.
PERMANENT: tuple[type[Exception], ...] = (UsageError, KeyError, TypeError, ValueError)


class QueueFullError(Exception):
    """The queue cannot take more work now; the receiver answers 503 so GitHub may redeliver."""


class Intake(Protocol):
    """What the receiver hands an accepted delivery to."""

    def accept(self, delivery_id: str, event: str, job: Job) -> bool:
        """Store the job and claim the delivery; False for a delivery accepted before."""
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
    """Jobs stored in the registry, drained by one daemon thread (`start`) of this process."""

    def __init__(
        self,
        deliveries: DeliveryLog,
        handler: JobHandler,
        *,
        backoff: Backoff | None = None,
        maxsize: int = 1000,
        lease: timedelta = timedelta(hours=1),
    ) -> None:
        self._deliveries = deliveries
        self._handler = handler
        self._backoff = backoff or Backoff()
        self._maxsize = maxsize
        self._lease = lease
        self._worker = worker_name()
        self._wakeup = threading.Condition()
        self._is_woken = False
        self._is_closed = False
        self._thread = threading.Thread(target=self._drain, name="leakward-webhook-worker")
        self._thread.daemon = True

    def start(self) -> DurableQueue:
        """Start the worker; jobs left pending by an earlier process are due at once."""
        self._thread.start()
        return self

    def accept(self, delivery_id: str, event: str, job: Job) -> bool:
        if self._deliveries.pending() >= self._maxsize:
            raise QueueFullError(f"{self._maxsize} jobs are waiting")
        job_id = self._deliveries.accept(delivery_id, event, (job.kind, job.payload))
        if job_id is None:
            return False
        self._wake()
        return True

    def add(self, kind: str, payload: dict[str, object], *, dedupe: str, delay: float) -> bool:
        """Store a follow-up job due in `delay` seconds; False if it is stored already."""
        due = utc_now() + timedelta(seconds=delay)
        is_new = self._deliveries.add(kind, payload, dedupe=dedupe, not_before=due)
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
        """Stop after the running job; jobs still pending stay stored for the next start."""
        with self._wakeup:
            self._is_closed = True
            self._wakeup.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _wake(self) -> None:
        with self._wakeup:
            self._is_woken = True
            self._wakeup.notify_all()

    def _drain(self) -> None:
        while not self._is_closed:
            try:
                job = self._deliveries.take(self._worker, lease=self._lease, is_stale=is_stale)
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
            self._deliveries.finish(job.id, "failed", job.last_error or "process lost")
            return
        try:
            outcome = self._handler(job.kind, job.payload)
        except PERMANENT as error:
            # Only the type: a driver's or provider's message may quote what it was sent.
            log.error("%s failed: %s, which retrying cannot fix", label, type(error).__name__)
            self._deliveries.finish(job.id, "failed", type(error).__name__)
        except Exception as error:  # one bad job must not stop the worker
            self._retry_or_fail(job, label, type(error).__name__)
        else:
            if outcome == BUSY:
                delay = self._backoff.busy_delay(job.busy_retries)
                log.info(
                    "%s: its rotation is busy in another worker; again in %.1f s", label, delay
                )
                due = utc_now() + timedelta(seconds=delay)
                self._deliveries.postpone(job.id, due, is_busy=True)
            else:
                self._deliveries.finish(job.id, "done")

    def _retry_or_fail(self, job: StoredJob, label: str, error: str) -> None:
        if job.attempts >= self._backoff.attempts:
            log.error("%s failed: %s; gave up after %d attempts", label, error, job.attempts)
            self._deliveries.finish(job.id, "failed", error)
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
        self._deliveries.postpone(job.id, utc_now() + timedelta(seconds=delay), error)
