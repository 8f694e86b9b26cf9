"""The `Queue` sweep work goes through, and its embedded default: a local worker pool.

Stage: application shell (workers). `enqueue(kind, payload)` is the whole protocol, shared with
the webhook receiver. `LocalQueue` runs tasks on a concurrent.futures pool (processes by default,
so two workers use two cores) and queues the follow-ups a task hands back (rotations) itself;
`leakward.queues.celery_tasks.CeleryQueue` puts the same tasks on a Redis broker instead.

Worker processes are forked when this process runs no other thread (`leakward sweep`): they start
with every module imported, the rule set loaded and the scan's matcher built (all done here
first, once), where a spawned one first spends about a second of CPU importing (SQLAlchemy,
Alembic, PyGithub, the scanner) and more finalising at exit. That cost is paid per worker
whatever the number of repositories, so two spawned workers could not halve a sweep.
With other threads running (`serve`'s scheduler and HTTP server), a fork could copy a lock some
thread holds, so workers come from a fork server instead: a clean process that imports the
sweep's modules once and forks each worker of this and every later sweep (its workers see the
environment as it was when the first pool started, which for `serve` is its start). Either way
all the workers start when the queue is made, while the parent is still listing.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from leakward.core.errors import LeakwardError
from leakward.queues.work import TaskOutcome, Work
from leakward.settings.work import WorkSettings


class Queue(Protocol):
    def enqueue(self, kind: str, payload: dict[str, object]) -> None: ...


@dataclass(frozen=True, slots=True)
class TaskReport:
    """One finished task: its kind, what it named, and its summary or why it failed."""

    kind: str
    subject: str
    summary: dict[str, object]
    error: str | None = None


class LocalQueue:
    """Runs `work`'s tasks on `workers` local processes (threads with `processes=False`)."""

    def __init__(
        self, work: Work, settings: WorkSettings, workers: int = 2, *, processes: bool = True
    ) -> None:
        self.work = work
        self.settings = settings
        self._executor: Executor
        if processes:
            self.start_method = start_method()
            context = multiprocessing.get_context(self.start_method)
            if self.start_method == "forkserver":
                context.set_forkserver_preload(list(work.preload))
            elif self.start_method == "fork":
                work.prepare(settings, work.preload)
            self._executor = ProcessPoolExecutor(workers, mp_context=context)
            for _ in range(workers):
                self._executor.submit(_started)
        else:
            self.start_method = "thread"
            self._executor = ThreadPoolExecutor(workers, thread_name_prefix="leakward-task")
        self._pending = 0
        self._idle = threading.Condition()
        self._timers: set[threading.Timer] = set()
        self._closed = False
        self.reports: list[TaskReport] = []

    def enqueue(self, kind: str, payload: dict[str, object]) -> None:
        with self._idle:
            self._pending += 1
        self._submit(kind, payload, 0)

    def _submit(self, kind: str, payload: dict[str, object], attempt: int) -> None:
        """Run one delivery of a task already counted in `_pending`."""
        future = self._executor.submit(self.work.perform, kind, payload, self.settings)
        future.add_done_callback(lambda done: self._finished(kind, payload, done, attempt))

    def depth(self) -> int:
        with self._idle:
            return self._pending

    def join(self, timeout: float | None = None) -> list[TaskReport]:
        """Wait until every task, follow-ups included, has finished; returns all reports."""
        with self._idle:
            if not self._idle.wait_for(lambda: self._pending == 0, timeout):
                raise TimeoutError(f"{self._pending} tasks still running after {timeout} s")
            return list(self.reports)

    def close(self) -> None:
        with self._idle:
            self._closed = True
            for timer in self._timers:
                timer.cancel()
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> LocalQueue:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _finished(
        self, kind: str, payload: dict[str, object], done: Future[TaskOutcome], attempt: int
    ) -> None:
        subject = str(payload.get("repository") or payload.get("issued_key_id") or "")
        try:
            outcome = done.result()
        except LeakwardError as error:
            report = TaskReport(kind, subject, {}, str(error))
        except Exception as error:  # one failed task must not stop the pool
            # Only the type: a driver's or provider's message may quote what it was sent.
            report = TaskReport(kind, subject, {}, type(error).__name__)
        else:
            for follow_kind, follow_payload in outcome.follow_ups:
                self.enqueue(follow_kind, follow_payload)
            if outcome.is_retry and self._retry_later(kind, payload, attempt):
                return  # still pending: the report is that of the delivery that finishes it
            report = TaskReport(kind, subject, outcome.summary)
        with self._idle:
            self.reports.append(report)
            self._pending -= 1
            self._idle.notify_all()

    def _retry_later(self, kind: str, payload: dict[str, object], attempt: int) -> bool:
        """Deliver the task again after its retry delay; False once the queue is closing."""
        with self._idle:
            if self._closed:
                return False
            timer = threading.Timer(self.work.retry_delay(attempt), self._redeliver)
            timer.args = (timer, kind, payload, attempt + 1)
            timer.daemon = True
            self._timers.add(timer)
            timer.start()
        return True

    def _redeliver(
        self, timer: threading.Timer, kind: str, payload: dict[str, object], attempt: int
    ) -> None:
        with self._idle:
            self._timers.discard(timer)
            if not self._closed:  # under the lock: close() must not shut the pool in between
                self._submit(kind, payload, attempt)


def start_method() -> str:
    """fork when no other thread runs here (see the module docstring), else the fork server."""
    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _started() -> None:
    """A no-op task: submitting one per worker starts them all now rather than on demand."""
