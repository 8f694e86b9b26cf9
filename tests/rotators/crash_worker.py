"""Run one rotation of the pipeline test world, for the crash-safety suite to SIGKILL midway.

Usage: python -m tests.rotators.crash_worker DB_URL STATE_DIR POLICY
The step to die at comes from $LEAKWARD_TEST_CRASH_AT (see rotators/rotation/pipeline.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from leakward.core.secret import Secret
from tests.rotators.pipeline_world import OLD_SECRET, open_world


def main(db_url: str, state: str, policy: str) -> None:
    world = open_world(db_url, Path(state), create=False)
    world.pipeline().rotate(
        world.key_id, policy=policy, leak_id=world.leak_id, secret=Secret(OLD_SECRET)
    )


if __name__ == "__main__":
    main(*sys.argv[1:4])
