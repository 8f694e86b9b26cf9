"""A registry with one leaked key, a fake provider, store and notifier: the pipeline's test world.

Shared by the in-process pipeline tests and the crash-test worker subprocess, which rebuild the
same world from a database URL and a state directory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from leakward.registry import LeakLocation, LeakSighting, NewKey, Owner, Registry, parse_consumer
from leakward.rotators.base import Capability
from leakward.rotators.rotation.pipeline import RotationPipeline
from leakward.rotators.rotation.retry import RetryPolicy
from tests.rotators.fakes import FakeNotifier, FakeRotator, FakeStore

PEPPER = b"rotation-test-pepper-0123456789abcdef"
OLD_SECRET = "acme_live_OLDoldOLDold0123456789leaked"
CONSUMERS = ("vault:secret/app#api_key", "vault:secret/worker#api_key")
LEAKED_AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@dataclass
class World:
    registry: Registry
    rotator: FakeRotator
    store: FakeStore
    notifier: FakeNotifier
    key_id: int
    leak_id: int
    sleeps: list[float] = field(default_factory=list)

    def pipeline(self, **overrides: object) -> RotationPipeline:
        options: dict[str, object] = {
            "registry": self.registry,
            "rotators": {"acme": self.rotator},
            "stores": {"vault": self.store},
            "notifiers": [self.notifier],
            "retry": RetryPolicy(attempts=4, sleep=self.sleeps.append),
        }
        options.update(overrides)
        return RotationPipeline(**options)  # type: ignore[arg-type]


def open_world(
    db_url: str, state: Path, *, capability: Capability | None = None, create: bool = True
) -> World:
    registry = Registry.open(db_url, pepper=PEPPER)
    rotator = FakeRotator(state / "provider.json", capability)
    store = FakeStore(state / "store.json")
    notifier = FakeNotifier(state / "notices.json")
    if not create:
        key_id = registry.list_keys(provider="acme")[0].id
        leak_id = registry.list_leaks()[0].id
        return World(registry, rotator, store, notifier, key_id, leak_id)
    rotator.add_key("key-old", OLD_SECRET)
    key_id = registry.add_key(
        NewKey(
            provider="acme",
            owner=Owner("owner@example.test", name="Owner"),
            key_id="key-old",
            account="acct-1",
            consumers=tuple(parse_consumer(c) for c in CONSUMERS),
        ),
        OLD_SECRET,
    )
    sighting = LeakSighting(
        fingerprint=registry.fingerprint(OLD_SECRET),
        source_kind="git",
        location=LeakLocation("octo/app", "a" * 40, "config/settings.py", 12),
        detected_at=LEAKED_AT + timedelta(hours=1),
        is_public=True,
        provider="acme",
        key_id="key-old",
        leaked_at=LEAKED_AT,
    )
    (leak_id,) = registry.record_leaks([sighting])
    return World(registry, rotator, store, notifier, key_id, leak_id)
