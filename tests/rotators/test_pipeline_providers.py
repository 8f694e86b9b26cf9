"""The rotation pipeline through the real provider rotators, against the fake provider servers.

One rotation per capability class, on both databases: each ends in the provider's own state
(the fake's), the registry's, the consumers' stores and the owner's notice, and no secret value
reaches the registry or the notice.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from leakward.secret import Secret
from registry import LeakLocation, LeakSighting, NewKey, Owner, Registry
from rotators.base import Rotator
from rotators.github import GitHubRotator
from rotators.pipeline import RotationPipeline
from rotators.retry import RetryPolicy
from tests.fakes.github import FakeGitHub
from tests.registry.conftest import _isolated_environment, db_url, postgres_url
from tests.rotators.fakes import FakeNotifier, FakeStore

__all__ = ["_isolated_environment", "db_url", "postgres_url"]

PEPPER = b"provider-pipeline-pepper-0123456789ab"
OWNER = Owner("owner@example.test", name="Owner")
LEAKED_AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def registry(db_url: str) -> Iterator[Registry]:
    opened = Registry.open(db_url, pepper=PEPPER)
    yield opened
    opened.close()


@pytest.fixture
def store(tmp_path: Path) -> FakeStore:
    return FakeStore(tmp_path / "store.json")


@pytest.fixture
def notifier(tmp_path: Path) -> FakeNotifier:
    return FakeNotifier(tmp_path / "notices.json")


def pipeline(
    registry: Registry, rotator: Rotator, store: FakeStore, notifier: FakeNotifier
) -> RotationPipeline:
    return RotationPipeline(
        registry=registry,
        rotators={rotator.provider: rotator},
        stores={"vault": store},
        notifiers=[notifier],
        retry=RetryPolicy(attempts=4, sleep=lambda _seconds: None),
    )


def register_leak(registry: Registry, new: NewKey, value: str) -> tuple[int, int]:
    """Register the key, then record its value seen in a public commit: (entry id, leak id)."""
    entry = registry.add_key(new, value)
    sighting = LeakSighting(
        fingerprint=registry.fingerprint(value),
        source_kind="git",
        location=LeakLocation("octo/app", "b" * 40, "deploy/env.sh", 3),
        detected_at=LEAKED_AT + timedelta(minutes=5),
        is_public=True,
        provider=new.provider,
        key_id=new.key_id,
        leaked_at=LEAKED_AT,
    )
    (leak,) = registry.record_leaks([sighting])
    return entry, leak


def assert_nowhere(registry: Registry, notifier: FakeNotifier, *values: str) -> None:
    """No value reaches a registry table or a notice."""
    with registry.engine.connect() as connection:
        tables = ["rotations", "issued_keys", "leaks", "leak_locations", "consumers"]
        dump = " ".join(
            str(row)
            for table in tables
            for row in connection.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
        )
    sent = str(notifier.sent())
    for value in values:
        assert value not in dump
        assert value not in sent


def test_revoke_only_github_pat_is_revoked_confirmed_dead_and_handed_over(
    registry: Registry,
    store: FakeStore,
    notifier: FakeNotifier,
    fake_github: FakeGitHub,
    http_client: httpx.Client,
) -> None:
    value = fake_github.add_token("pat")
    entry, leak_id = register_leak(registry, NewKey("github", OWNER), value)
    rotator = GitHubRotator(http_client, base_url=fake_github.url)

    run = pipeline(registry, rotator, store, notifier)
    rotation = run.rotate(entry, leak_id=leak_id, secret=Secret(value)).rotation

    assert rotation.status == "done", rotation.last_error
    assert fake_github.tokens[value].revoked
    calls = fake_github.paths()
    assert calls.count("POST /credentials/revoke") == 1
    # Dead is proven, not assumed: /user is asked again after the revocation, and refuses.
    after = calls[calls.index("POST /credentials/revoke") + 1 :]
    assert after.count("GET /user") >= 1
    assert "leaked key confirmed dead" in rotation.actions
    assert rotation.new_key_id is None  # nothing could be minted
    assert registry.get_key(entry).status == "revoked"
    assert registry.list_leaks()[0].revoked_at is not None
    (notice,) = notifier.sent()
    assert notice["recipient"] == "owner@example.test"
    must = " ".join(notice["owner_must"])
    assert "https://github.com/settings/tokens" in must
    assert "Create a replacement token" in must
    assert_nowhere(registry, notifier, value)
