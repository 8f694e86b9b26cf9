"""A one-line progress bar on stderr for long scans, shown only on a terminal.

Stage: application shell. Redraws at most ten times a second so it never slows the scan.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    def __init__(self, stream: TextIO = sys.stderr, unit: str = "files") -> None:
        self._stream = stream
        self._unit = unit
        self._started = time.perf_counter()
        self._drawn = 0.0
        self._shown = False

    def __call__(self, done: int, total: int, nbytes: int) -> None:
        now = time.perf_counter()
        if now - self._drawn < 0.1 and done < total:
            return
        self._drawn = now
        elapsed = max(now - self._started, 1e-6)
        width = 30
        filled = int(width * done / total) if total else width
        rate = nbytes / elapsed / 1e6
        bar = "#" * filled + "-" * (width - filled)
        self._stream.write(f"\r[{bar}] {done}/{total} {self._unit}  {rate:6.1f} MB/s")
        self._stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self._stream.write("\r\033[K")
            self._stream.flush()
