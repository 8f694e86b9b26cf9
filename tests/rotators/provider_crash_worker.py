"""Run one rotation through a real provider rotator, for the provider crash matrix to SIGKILL.

`main` runs in a worker process (tests/rotators/warm_workers.py). The rotator reads its fake
provider's URL and admin credential from the environment (its own `from_environment`); the
crash point ("after:issued") is where the pipeline's fault hook kills the worker
(tests/rotators/crash_points.py). The consumers' store and the notifier are files in the state
directory, so the test process sees what the worker delivered and sent.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from leakward.core.secret import Secret
from leakward.registry import Registry
from leakward.rotators.providers import ROTATORS
from leakward.rotators.rotation.pipeline import Fault, RotationPipeline
from leakward.rotators.rotation.retry import RetryPolicy
from tests.rotators.crash_points import kill_at
from tests.rotators.fakes import FakeNotifier, FakeStore

PEPPER = b"provider-crash-pepper-0123456789abcdef"


def build_pipeline(
    registry: Registry,
    provider: str,
    state: Path,
    environ: Mapping[str, str],
    fault: Fault | None = None,
) -> RotationPipeline:
    """The pipeline `leakward rotate` would build, with file-backed store and notifier."""
    factory = ROTATORS[provider]
    rotator = factory.from_environment(environ)  # type: ignore[attr-defined]
    return RotationPipeline(
        registry=registry,
        rotators={provider: rotator},
        stores={"vault": FakeStore(state / "store.json")},
        notifiers=[FakeNotifier(state / "notices.json")],
        # No sleeping between retries: the fakes answer at once, and the matrix must stay fast.
        retry=RetryPolicy(attempts=4, sleep=lambda _seconds: None),
        fault=fault,
    )


def main(db_url: str, state: str, key_id: int, policy: str, crash_at: str, leaked: str) -> None:
    registry = Registry.open(db_url, pepper=PEPPER, migrate=False)
    key = registry.get_key(key_id)
    leak = registry.list_leaks()[0]
    pipeline = build_pipeline(registry, key.provider, Path(state), os.environ, kill_at(crash_at))
    pipeline.rotate(key.id, policy=policy, leak_id=leak.id, secret=Secret(leaked))
