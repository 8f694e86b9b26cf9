"""A progress bar on stderr for long scans, shown only on a terminal.

Stage: application shell. Redraws at most ten times a second so it never slows the scan. A scan
in phases (a history: reading, scanning, attributing) names each one and gives it its own bar;
a finished phase's line stays, so the user sees where the time went.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

_WIDTH = 30


class ProgressBar:
    def __init__(self, stream: TextIO = sys.stderr, unit: str = "files") -> None:
        self._stream = stream
        self._unit = unit
        self._phase = ""
        self._started = time.perf_counter()
        self._drawn = 0.0
        self._shown = False
        self._last = (0, 0, 0)

    def __call__(self, done: int, total: int, nbytes: int) -> None:
        self._last = (done, total, nbytes)
        now = time.perf_counter()
        if now - self._drawn < 0.1 and done < total:
            return
        self._drawn = now
        self._draw(now)

    def phase(self, name: str, unit: str) -> None:
        """Start the bar of the next phase, leaving the finished one's final line in place."""
        self._end_line()
        self._phase, self._unit = name, unit
        self._started = time.perf_counter()
        self._drawn = 0.0
        self._last = (0, 0, 0)
        self._draw(self._started)

    def close(self) -> None:
        if self._phase:
            self._end_line()
        elif self._shown:
            self._stream.write("\r\033[K")
            self._stream.flush()

    def _end_line(self) -> None:
        if self._shown:
            self._draw(time.perf_counter())
            self._stream.write("\n")
            self._stream.flush()
            self._shown = False

    def _draw(self, now: float) -> None:
        done, total, nbytes = self._last
        elapsed = max(now - self._started, 1e-6)
        label = f"{self._phase:<12} " if self._phase else ""
        if total:
            filled = min(_WIDTH, _WIDTH * done // total)
            bar = "[" + "#" * filled + "-" * (_WIDTH - filled) + "]"
            count = f"{done}/{total}"
        else:
            # The total is not known yet (or there is nothing to do): a count, no bar.
            bar, count = "[" + " " * _WIDTH + "]", f"{done}"
        rate = f"  {nbytes / elapsed / 1e6:6.1f} MB/s" if nbytes or not self._phase else ""
        line = f"\r{label}{bar} {count} {self._unit}{rate}  {elapsed:5.1f} s"
        self._stream.write(line + "\033[K")
        self._stream.flush()
        self._shown = True
