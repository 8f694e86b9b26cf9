"""Run one rotation of the pipeline test world, for the crash-safety suite to SIGKILL midway.

Usage: python -m tests.rotators.crash_worker DB_URL STATE_DIR POLICY CRASH_POINT
CRASH_POINT ("after:issued") is where the pipeline's fault hook kills this process
(tests/rotators/crash_points.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from leakward.core.secret import Secret
from tests.rotators.crash_points import kill_at
from tests.rotators.pipeline_world import OLD_SECRET, open_world


def main(db_url: str, state: str, policy: str, crash_at: str) -> None:
    world = open_world(db_url, Path(state), create=False)
    world.pipeline(fault=kill_at(crash_at)).rotate(
        world.key_id, policy=policy, leak_id=world.leak_id, secret=Secret(OLD_SECRET)
    )


if __name__ == "__main__":
    main(*sys.argv[1:5])
