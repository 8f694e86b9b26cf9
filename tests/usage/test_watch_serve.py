"""`leakward serve` with an admin key set watches usage: a real serve process, the fake OpenAI
usage API, a theft planted; the serve's own scheduler polls at start and hands the alert off."""

from __future__ import annotations

import os
import time
from pathlib import Path

from leakward.registry import NewKey, Owner, Registry
from leakward.registry.rotations import list_rotations
from tests.fakes.openai_usage import FakeOpenAIUsage
from tests.registry.conftest import _isolated_environment
from tests.usage.watch_world import habit, theft, theft_start
from tests.webhooks.serve_process import serve_process

__all__ = ["_isolated_environment"]

KEY = "key_ServeProcess1"
PEPPER = "watch-serve-pepper-0123456789abcdef"


def test_serve_polls_usage_at_start_and_starts_a_rotation_waiting_for_approval(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    now = int(time.time())
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("LEAKWARD_")}
    with FakeOpenAIUsage() as usage:
        usage.plant(*habit(KEY, now), *theft(KEY, now))
        env = {
            **inherited,
            "LEAKWARD_PEPPER": PEPPER,
            "LEAKWARD_GITHUB_WEBHOOK_SECRET": "watch-serve-hook-secret",
            "OPENAI_ADMIN_KEY": usage.admin_key,
            "LEAKWARD_API_OPENAI": usage.url,
        }
        with Registry.open(url, pepper=PEPPER.encode()) as registry:
            registry.add_key(
                NewKey(provider="openai", owner=Owner(email="o@example.com"), key_id=KEY)
            )
        log = tmp_path / "serve.log"
        with serve_process(env, url, tmp_path / "mirrors", log):
            handed = []
            deadline = time.monotonic() + 60
            with Registry.open(url, pepper=PEPPER.encode()) as registry:
                while not handed and time.monotonic() < deadline:
                    time.sleep(0.2)
                    handed = registry.usage.alerts(state="handed-off")
                rotations = list_rotations(registry.engine)

    assert [(a.key_id, a.start) for a in handed] == [(KEY, theft_start(now))]
    assert [r.status.value for r in rotations] == ["pending-approval"]
    assert "watching key usage" in log.read_text()
    assert usage.admin_key not in log.read_text()
