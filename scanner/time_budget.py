"""A time budget per file: a runaway file becomes a reported reason instead of a stuck scan.

Stage: orchestration inside the scanner. The caps in sources/limits.py bound work by bytes and
counts; this backstops whatever they do not foresee. In the main thread of a process (each scan
worker, and the CLI when it scans in-process) SIGALRM interrupts the work wherever it is. A
signal cannot reach another thread, so threads (the sweep's in-process pool, the receiver's job
workers) get a deadline instead, checked between the chunks a file yields (`check_deadline`):
that stops a container or decoder that runs away chunk after chunk, though not a single chunk's
match, whose cost the size caps and linear rules bound.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class TimeBudgetError(BaseException):
    """The file ran past its time budget.

    A BaseException, as KeyboardInterrupt is: the guards that catch Exception so one bad entry
    cannot stop a file would otherwise swallow it and go on with the same file.
    """


# This thread's deadline (time.monotonic()), where no signal can enforce the budget.
_DEADLINE = threading.local()


def can_interrupt() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def check_deadline() -> None:
    """Raise TimeBudgetError if this thread's budget has run out (a no-op without one)."""
    deadline: float | None = getattr(_DEADLINE, "at", None)
    if deadline is not None and time.monotonic() > deadline:
        raise TimeBudgetError


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise TimeBudgetError in this thread once `seconds` pass: by signal in a main thread, at
    the next `check_deadline` elsewhere; no budget when `seconds` is 0."""
    if seconds <= 0:
        yield
        return
    if not can_interrupt():
        outer: float | None = getattr(_DEADLINE, "at", None)
        deadline = time.monotonic() + seconds
        _DEADLINE.at = deadline if outer is None else min(outer, deadline)
        try:
            yield
        finally:
            _DEADLINE.at = outer
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeBudgetError

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
