"""A time budget per file: a runaway file becomes a reported reason instead of a stuck scan.

Stage: orchestration inside the scanner. The caps in sources/limits.py bound work by bytes and
counts; this backstops whatever they do not foresee. It uses SIGALRM, so it applies where a
signal can interrupt the work: the main thread of a process (each scan worker, and the CLI when
it scans in-process). Threads of the sweep's in-process pool scan without it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class TimeBudgetError(BaseException):
    """The file ran past its time budget.

    A BaseException, as KeyboardInterrupt is: the guards that catch Exception so one bad entry
    cannot stop a file would otherwise swallow it and go on with the same file.
    """


def can_interrupt() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise TimeBudgetError in this thread once `seconds` pass; no budget where signals
    cannot interrupt (see the module docstring) or when `seconds` is 0."""
    if seconds <= 0 or not can_interrupt():
        yield
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
