"""How many webhook jobs are pending, counted in memory so a delivery rarely costs a query.

Stage: inbound webhooks (webhooks/work_queue.py asks it, on every delivery, whether the queue is
past its `maxsize`).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class PendingCount:
    """The pending jobs in the database as this process last saw them, plus its own since.

    `read` (a COUNT query) runs at the first `reserve`, whenever the count is within a tenth of
    `maxsize` (another process's workers may have finished jobs: refuse only on a fresh count)
    and when the last read is `recount_after` seconds old (other receivers may have stored jobs).
    Far from the limit a delivery costs no query; near it, each costs one, as always. Jobs stored
    by other processes since the last read can overshoot `maxsize` for up to `recount_after`
    seconds: a bound as soft as the COUNT-then-insert it replaces, which was no transaction.
    """

    def __init__(self, read: Callable[[], int], maxsize: int, recount_after: float) -> None:
        self._read = read
        self._maxsize = maxsize
        self._near = maxsize - max(maxsize // 10, 1)
        self._recount_after = recount_after
        self._lock = threading.Lock()
        self._stored = 0  # pending in the database, as of the last read plus changes seen since
        self._in_flight = 0  # reserved by accepts whose insert has not returned yet
        self._read_at = -math.inf

    def reserve(self) -> bool:
        """Hold a place for a job about to be stored; True when it is past `maxsize`."""
        with self._lock:
            now = time.monotonic()
            expected = self._stored + self._in_flight
            if expected >= self._near or now - self._read_at >= self._recount_after:
                # An insert in flight that commits before this read is counted twice until the
                # next read: an error towards refusing early, never towards overfilling.
                self._stored = self._read()
                self._read_at = now
            is_over = self._stored + self._in_flight >= self._maxsize
            self._in_flight += 1
            return is_over

    def settle(self, *, is_stored: bool) -> None:
        """The reserved job was stored, or was not (a redelivery, or the insert failed)."""
        with self._lock:
            self._in_flight -= 1
            self._stored += int(is_stored)

    def add(self) -> None:
        """A job was stored without a reservation (a follow-up is never refused)."""
        with self._lock:
            self._stored += 1

    def finish(self) -> None:
        """A pending job was done or failed."""
        with self._lock:
            self._stored = max(self._stored - 1, 0)
