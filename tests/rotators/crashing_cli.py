"""`python -m leakward`, killed by SIGKILL at one rotation step boundary: for the crash suites.

Usage: python -m tests.rotators.crashing_cli POINT LEAKWARD-ARGUMENTS...
POINT is a crash point such as "after:issued" (tests/rotators/crash_points.py). Every rotation
pipeline this process builds gets the fault hook that kills it there; in every other way this is
the real command line, building its pipeline from the environment as `leakward rotate` does.
"""

from __future__ import annotations

import sys
from unittest import mock

from leakward.rotators.rotation import pipeline
from tests.rotators.crash_points import kill_at


def main(point: str, arguments: list[str]) -> None:
    class CrashingPipeline(pipeline.RotationPipeline):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self.fault = kill_at(point)

    # Patched before the command line is imported, so whichever module builds a pipeline (they
    # import the class when they build one) builds this one.
    with mock.patch.object(pipeline, "RotationPipeline", CrashingPipeline):
        from leakward.cli.main import main as leakward

        sys.argv = ["leakward", *arguments]
        leakward()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
