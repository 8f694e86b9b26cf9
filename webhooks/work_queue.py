"""Where the receiver puts accepted webhook work: a `Queue` protocol and the in-process default.

Stage: inbound webhooks. GitHub gives a receiver 10 seconds, far less than a scan and a rotation
can take, so the receiver only queues a job (`kind` plus a JSON-ready payload) and answers.
The embedded default is a bounded in-process queue drained by one worker thread; a distributed
queue (Celery tasks, leakward/tasks*.py) plugs in by implementing `enqueue`.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Protocol, runtime_checkable

log = logging.getLogger(__name__)

JobHandler = Callable[[str, dict[str, object]], None]


class QueueFullError(Exception):
    """The queue cannot take more work now; the receiver answers 503 so GitHub may redeliver."""


class Queue(Protocol):
    def enqueue(self, kind: str, payload: dict[str, object]) -> None: ...


@runtime_checkable
class MeasuredQueue(Protocol):
    """A queue that can say how many jobs wait or run (for the `queue depth` metric)."""

    def depth(self) -> int: ...


class InProcessQueue:
    """A bounded FIFO drained by one daemon thread that calls `handler(kind, payload)`.

    A failing job is logged (type only: messages may quote provider answers) and the worker goes
    on; rotations are durable in the registry, so `leakward rotate --resume` can finish one.
    """

    def __init__(self, handler: JobHandler, maxsize: int = 1000) -> None:
        self._handler = handler
        self._jobs: queue.Queue[tuple[str, dict[str, object]] | None] = queue.Queue(maxsize)
        self._busy = 0
        self._lock = threading.Condition()
        self._thread = threading.Thread(target=self._drain, name="leakward-webhook-worker")
        self._thread.daemon = True
        self._thread.start()

    def enqueue(self, kind: str, payload: dict[str, object]) -> None:
        with self._lock:
            try:
                self._jobs.put_nowait((kind, payload))
            except queue.Full:
                raise QueueFullError(f"{self._jobs.maxsize} jobs are waiting") from None
            self._busy += 1

    def depth(self) -> int:
        """Jobs waiting or running."""
        with self._lock:
            return self._busy

    def wait_idle(self, timeout: float) -> bool:
        """Block until every queued job has finished; False if `timeout` seconds pass first."""
        with self._lock:
            return self._lock.wait_for(lambda: self._busy == 0, timeout)

    def close(self, timeout: float = 10.0) -> None:
        """Finish the queued jobs, then stop the worker thread."""
        self._jobs.put(None)
        self._thread.join(timeout)

    def _drain(self) -> None:
        while (job := self._jobs.get()) is not None:
            kind, payload = job
            try:
                self._handler(kind, payload)
            except Exception as error:  # one bad job must not stop the worker
                log.error("webhook job %s failed: %s", kind, type(error).__name__)
            finally:
                with self._lock:
                    self._busy -= 1
                    self._lock.notify_all()
