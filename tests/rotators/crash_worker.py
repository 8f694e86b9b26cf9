"""Run one rotation of the pipeline test world, for the crash-safety suite to SIGKILL midway.

`main` runs in a worker process (tests/rotators/warm_workers.py); the crash point
("after:issued") is where the pipeline's fault hook kills it (tests/rotators/crash_points.py).
"""

from __future__ import annotations

from pathlib import Path

from leakward.core.secret import Secret
from tests.rotators.crash_points import kill_at
from tests.rotators.pipeline_world import OLD_SECRET, open_world


def main(db_url: str, state: str, policy: str, crash_at: str) -> None:
    world = open_world(db_url, Path(state), create=False)
    world.pipeline(fault=kill_at(crash_at)).rotate(
        world.key_id, policy=policy, leak_id=world.leak_id, secret=Secret(OLD_SECRET)
    )
