"""Run one rotation through a real provider rotator, for the provider crash matrix to SIGKILL.

Usage: python -m tests.rotators.provider_crash_worker DB_URL STATE_DIR KEY_ID POLICY CRASH_POINT
    < LEAKED_VALUE
The rotator reads its fake provider's URL and admin credential from the environment (its own
`from_environment`); CRASH_POINT ("after:issued") is where the pipeline's fault hook kills this
process (tests/rotators/crash_points.py). The leaked value comes on stdin so it never shows in a
process listing. The consumers' store and the notifier are files in STATE_DIR, so the test
process sees what this one delivered and sent.
"""

from __future__ import annotations

import os
import sys
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


def main(db_url: str, state: str, key_id: str, policy: str, crash_at: str) -> None:
    registry = Registry.open(db_url, pepper=PEPPER, migrate=False)
    key = registry.get_key(int(key_id))
    leak = registry.list_leaks()[0]
    pipeline = build_pipeline(registry, key.provider, Path(state), os.environ, kill_at(crash_at))
    pipeline.rotate(key.id, policy=policy, leak_id=leak.id, secret=Secret(sys.stdin.read()))


if __name__ == "__main__":
    main(*sys.argv[1:6])
