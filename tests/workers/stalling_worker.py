"""`leakward worker` whose repository scans stall before they commit: for the worker-crash tests.

Usage: python -m tests.workers.stalling_worker MARKER LEAKWARD-ARGUMENTS...
A scan_repo task of a worker started this way that finds the file MARKER absent writes its
process id there and then waits, after its scan and before it records anything, until the file
says STALL_RELEASE (ten minutes at most): a test can SIGKILL its worker there, or restart the
broker under it, and then let it go. In every other way this is the real command line.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

STALL_RELEASE = "release"


def stall_once(marker: Path) -> Callable[[], None]:
    def stall() -> None:
        if marker.exists():
            return
        marker.write_text(str(os.getpid()))
        deadline = time.monotonic() + 600
        while marker.read_text() != STALL_RELEASE and time.monotonic() < deadline:
            time.sleep(0.1)

    return stall


def main(marker: str, arguments: list[str]) -> None:
    from leakward.sweep import jobs

    # Celery's pool processes are forked from this one after the patch, so their tasks stall too.
    scan = functools.partial(jobs.scan_repository, before_commit=stall_once(Path(marker)))
    with mock.patch.object(jobs, "scan_repository", scan):
        from leakward.cli.main import main as leakward

        sys.argv = ["leakward", *arguments]
        leakward()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
