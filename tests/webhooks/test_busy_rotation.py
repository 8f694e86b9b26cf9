"""A pushed key whose rotation another worker holds is rotated once that worker is gone.

The webhook work used to drop such a key (the pipeline answered "busy"); if the holder then died,
nothing resumed its rotation. Here the holder is a live process on this host named in the
rotation's lease; the push's response finds it busy, the holder is SIGKILLed, and the retry on a
timer takes the dead holder's lease over and finishes the rotation with the value it found.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from leakward.leak_response import Exposure, ResponsePolicy, respond
from registry import Registry
from registry import rotations as log
from rotators.locks import is_stale
from rules.loader import load_rules
from scanner.models import Chunk, Origin
from scanner.scan import ScanOptions, scan_chunks
from tests.org_world import RotationWorld, is_checked_live
from tests.webhooks.serve_world import REPO, SCOPE
from webhooks.metrics import Metrics


def test_a_busy_rotation_of_a_pushed_key_is_finished_when_its_holder_dies(
    tmp_path: Path, rotation_world: RotationWorld
) -> None:
    with Registry.open(f"sqlite:///{tmp_path / 'registry.db'}") as registry:
        key = rotation_world.register_key(registry, REPO)
        holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        try:
            rotation, _ = log.start(registry.engine, key.entry, policy="reissue-first")
            name = f"{socket.gethostname()}:{holder.pid}:test"
            lease = timedelta(minutes=10)
            assert log.claim(registry.engine, rotation.id, name, lease=lease, is_stale=is_stale)
            chunk = Chunk(f"GITLAB_TOKEN={key.value}\n".encode(), Origin(kind="git", path="a.env"))
            scanned = scan_chunks([chunk], load_rules().select(), ScanOptions(jobs=1))
            exposure = Exposure("git", REPO, is_public=False)
            environ = rotation_world.environment
            report = respond(
                registry, scanned.findings, exposure, ResponsePolicy(), environ, Metrics()
            )
            assert [r.status for r in report.rotations] == ["busy"]
            assert not rotation_world.gitlab.tokens[key.token_id].revoked
        finally:
            holder.kill()
            holder.wait()

        deadline = time.monotonic() + 60  # only stops a hung test
        while log.get(registry.engine, rotation.id).status != "done":
            assert time.monotonic() < deadline, log.get(registry.engine, rotation.id)
            time.sleep(0.2)
        assert [r.id for r in log.list_rotations(registry.engine)] == [rotation.id]
        # The retry still had the found value: it checked the leaked key live before rotating.
        assert is_checked_live(registry)
        rotation_world.assert_replaced(key, SCOPE)
