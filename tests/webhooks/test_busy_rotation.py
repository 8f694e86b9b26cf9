"""A pushed key whose rotation another worker holds is rotated once that worker is gone.

The webhook work used to drop such a key (the pipeline answered "busy"); if the holder then died,
nothing resumed its rotation. Here the holder is a live process on this host named in the
rotation's lease; the push's response finds it busy, the holder is SIGKILLed, and the retry on a
timer takes the dead holder's lease over and finishes the rotation with the value it found.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from leakward.registry import Registry
from leakward.registry import rotations as log
from leakward.registry.rotation_state import RotationStatus
from leakward.response.leaks import Exposure, ResponsePolicy, respond
from leakward.response.webhook_jobs import WebhookWork, WorkContext
from leakward.rotators.rotation.locks import is_stale
from leakward.rules.loader import load_rules
from leakward.scanner.models import Chunk, Origin
from leakward.scanner.scan import ScanOptions, scan_chunks
from leakward.webhooks.metrics import Metrics
from leakward.webhooks.work_queue import JobOutcome
from tests.org_world import RotationWorld, is_checked_live
from tests.webhooks.serve_world import REPO, SCOPE


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
        while log.get(registry.engine, rotation.id).status is not RotationStatus.DONE:
            assert time.monotonic() < deadline, log.get(registry.engine, rotation.id)
            time.sleep(0.2)
        assert [r.id for r in log.list_rotations(registry.engine)] == [rotation.id]
        # The retry still had the found value: it checked the leaked key live before rotating.
        assert is_checked_live(registry)
        rotation_world.assert_replaced(key, SCOPE)


def test_a_stored_retry_answers_busy_while_the_rotation_is_held_and_is_done_after(
    tmp_path: Path, rotation_world: RotationWorld
) -> None:
    """The `rotate_key` job serve stores for a busy rotation: its work tells the queue to come
    back (JobOutcome.BUSY) while a live worker holds the rotation, and is done once it is not."""
    with Registry.open(f"sqlite:///{tmp_path / 'registry.db'}") as registry:
        key = rotation_world.register_key(registry, REPO)
        chunk = Chunk(f"GITLAB_TOKEN={key.value}\n".encode(), Origin(kind="git", path="a.env"))
        scanned = scan_chunks([chunk], load_rules().select(), ScanOptions(jobs=1))
        environ = rotation_world.environment
        exposure = Exposure("git", REPO, is_public=False)
        stored: list[tuple[int, int, int]] = []
        holder = f"{socket.gethostname()}:{os.getpid()}:test"  # this process: alive
        rotation, _ = log.start(registry.engine, key.entry, policy="reissue-first")
        lease = timedelta(minutes=10)
        assert log.claim(registry.engine, rotation.id, holder, lease=lease, is_stale=is_stale)
        respond(
            registry,
            scanned.findings,
            exposure,
            ResponsePolicy(),
            environ,
            Metrics(),
            on_busy=lambda *ids: stored.append(ids),
        )
        [(entry, leak_id, _)] = stored
        payload: dict[str, object] = {"issued_key_id": entry, "leak_id": leak_id}
        context = WorkContext(
            registry, load_rules().select(), tmp_path / "mirrors", environ, Metrics()
        )
        work = WebhookWork(context)

        assert work.perform("rotate_key", payload) is JobOutcome.BUSY
        log.release(registry.engine, rotation.id, holder)
        assert work.perform("rotate_key", payload) is None
        assert log.get(registry.engine, rotation.id).status is RotationStatus.DONE
