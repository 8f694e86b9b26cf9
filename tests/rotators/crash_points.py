"""Crash points for the crash-safety suites: a pipeline fault hook that SIGKILLs its process.

A point is "PHASE:STEP": "after:issued" dies right after the `issued` step is persisted,
"before:issued" right after it is marked running (see `Fault` in rotators/rotation/pipeline.py).
The processes that die are the tests' own workers and launchers, which take the point as an
argument; nothing in leakward reads it.
"""

from __future__ import annotations

import os
import signal

from leakward.rotators.rotation.pipeline import Fault


def kill_at(point: str) -> Fault:
    """A fault hook that kills this process with SIGKILL (no clean-up at all) at `point`."""

    def fault(phase: str, step: str) -> None:
        if f"{phase}:{step}" == point:
            os.kill(os.getpid(), signal.SIGKILL)

    return fault
