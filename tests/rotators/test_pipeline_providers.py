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

from leakward.core.secret import Secret
from leakward.registry import (
    Consumer,
    LeakLocation,
    LeakSighting,
    NewKey,
    Owner,
    Registry,
    parse_consumer,
)
from leakward.registry.rotation_state import RotationStatus
from leakward.rotators.base import Rotator
from leakward.rotators.providers.cloudflare import CloudflareRotator
from leakward.rotators.providers.github import GitHubRotator
from leakward.rotators.providers.github_app import deploy_public_key
from leakward.rotators.providers.gitlab import GitLabRotator
from leakward.rotators.providers.huggingface import HuggingFaceRotator
from leakward.rotators.rotation.pipeline import RotationPipeline
from leakward.rotators.rotation.retry import RetryPolicy
from tests.fakes.cloudflare import FakeCloudflare
from tests.fakes.github import FakeGitHub
from tests.fakes.gitlab import FakeGitLab
from tests.fakes.huggingface import FakeHuggingFace
from tests.registry.conftest import _isolated_environment, db_url, postgres_url
from tests.rotators.fakes import FakeNotifier, FakeStore

__all__ = ["_isolated_environment", "db_url", "postgres_url"]

PEPPER = b"provider-pipeline-pepper-0123456789ab"
OWNER = Owner("owner@example.test", name="Owner")
LEAKED_AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
CONSUMERS = ("vault:secret/app#token", "vault:secret/worker#token")


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

    assert rotation.status is RotationStatus.DONE, rotation.last_error
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
    assert notice["subject"].endswith(" handled")  # revoked, but nothing could be minted
    assert notice["exposure_seconds"] > 0
    actions = " ".join(notice["actions_taken"])
    assert "leaked key checked: live (octocat)" in actions
    assert "issued: left to the owner (manual)" in actions
    assert "leaked key revoked" in actions
    must = " ".join(notice["owner_must"])
    assert "https://github.com/settings/tokens" in must
    assert "Create a replacement token" in must
    assert_nowhere(registry, notifier, value)


def test_github_pat_rotation_started_without_the_value_finishes_when_resumed_with_it(
    registry: Registry,
    store: FakeStore,
    notifier: FakeNotifier,
    fake_github: FakeGitHub,
    http_client: httpx.Client,
) -> None:
    """Only a PAT's own value revokes it: without it the rotation stops for a human, and
    resuming with the value handed in again finishes the job."""
    value = fake_github.add_token("pat")
    entry, leak_id = register_leak(registry, NewKey("github", OWNER), value)
    rotator = GitHubRotator(http_client, base_url=fake_github.url)

    stopped = pipeline(registry, rotator, store, notifier).rotate(entry, leak_id=leak_id)
    assert stopped.rotation.status is RotationStatus.FAILED
    assert not fake_github.tokens[value].revoked

    # A fresh pipeline, as after a restart: the value lives only where it is handed in.
    resumed = pipeline(registry, rotator, store, notifier).resume(
        stopped.rotation.id, secret=Secret(value)
    )
    assert resumed.rotation.status is RotationStatus.DONE, resumed.rotation.last_error
    assert fake_github.tokens[value].revoked
    assert registry.get_key(entry).status == "revoked"
    assert_nowhere(registry, notifier, value)


def gitlab_on(fake: FakeGitLab, client: httpx.Client) -> GitLabRotator:
    return GitLabRotator(client, admin_token=Secret(fake.admin_token), base_url=fake.url)


def consumers() -> tuple[Consumer, ...]:
    return tuple(parse_consumer(spec) for spec in CONSUMERS)


def assert_consumers_hold(store: FakeStore, value: str) -> None:
    for spec in CONSUMERS:
        assert store.current(spec.removeprefix("vault:")) == value


def test_revoke_first_on_gitlab_rotates_in_place_instead_of_revoking_first(
    registry: Registry,
    store: FakeStore,
    notifier: FakeNotifier,
    fake_gitlab: FakeGitLab,
    http_client: httpx.Client,
) -> None:
    token_id, value = fake_gitlab.add_token("ci-deploy")
    new = NewKey("gitlab", OWNER, key_id=str(token_id), consumers=consumers())
    entry, leak_id = register_leak(registry, new, value)
    run = pipeline(registry, gitlab_on(fake_gitlab, http_client), store, notifier)

    planned = [p.step for p in run.plan(entry, "revoke-first")]
    assert planned.index("issued") < planned.index("old_dead")
    assert "contained" not in planned
    rotation = run.rotate(
        entry, policy="revoke-first", leak_id=leak_id, secret=Secret(value)
    ).rotation

    assert rotation.status is RotationStatus.DONE, rotation.last_error
    (live,) = fake_gitlab.live_tokens("ci-deploy")  # exactly one live replacement
    assert live.value != value
    assert fake_gitlab.tokens[token_id].revoked
    assert_consumers_hold(store, live.value)
    # Never revoke-then-fail: the only kill was the rotate call itself.
    assert not [call for call in fake_gitlab.paths() if call.startswith("DELETE")]
    times = rotation.step_times
    assert times["issued"] < times["delivered"] < times["tested"] < times["old_dead"]
    assert rotation.new_key_id == str(live.id)
    assert registry.get_key(entry).status == "revoked"
    assert registry.list_leaks()[0].revoked_at is not None
    (notice,) = notifier.sent()
    assert notice["recipient"] == "owner@example.test"
    assert_nowhere(registry, notifier, value, live.value)


def test_cloudflare_roll_is_not_followed_by_deleting_the_rolled_token(
    registry: Registry,
    store: FakeStore,
    notifier: FakeNotifier,
    fake_cloudflare: FakeCloudflare,
    http_client: httpx.Client,
) -> None:
    token_id, value = fake_cloudflare.add_token("dns-edit")
    new = NewKey("cloudflare", OWNER, key_id=token_id, consumers=consumers())
    entry, leak_id = register_leak(registry, new, value)
    rotator = CloudflareRotator(
        http_client, admin_token=Secret(fake_cloudflare.admin_token), base_url=fake_cloudflare.url
    )

    rotation = (
        pipeline(registry, rotator, store, notifier)
        .rotate(entry, leak_id=leak_id, secret=Secret(value))
        .rotation
    )

    assert rotation.status is RotationStatus.DONE, rotation.last_error
    # The roll keeps the token id, so deleting "the leaked key" by id would kill the replacement.
    rolled = fake_cloudflare.tokens[token_id]["value"]
    assert rolled != value
    assert_consumers_hold(store, rolled)
    assert not [call for call in fake_cloudflare.paths() if call.startswith("DELETE")]
    assert "leaked key confirmed dead" in rotation.actions


def test_gitlab_project_token_rotates_through_the_project_endpoint(
    registry: Registry,
    store: FakeStore,
    notifier: FakeNotifier,
    fake_gitlab: FakeGitLab,
    http_client: httpx.Client,
) -> None:
    token_id, value = fake_gitlab.add_token("deployer", kind="project", parent="42")
    attributes = (("kind", "project"), ("project_id", "42"))
    new = NewKey(
        "gitlab", OWNER, key_id=str(token_id), consumers=consumers(), attributes=attributes
    )
    entry, leak_id = register_leak(registry, new, value)
    run = pipeline(registry, gitlab_on(fake_gitlab, http_client), store, notifier)

    rotation = run.rotate(entry, leak_id=leak_id, secret=Secret(value)).rotation

    assert rotation.status is RotationStatus.DONE, rotation.last_error
    assert f"POST /api/v4/projects/42/access_tokens/{token_id}/rotate" in fake_gitlab.paths()
    personal = [p for p in fake_gitlab.paths() if f"personal_access_tokens/{token_id}" in p]
    assert personal == []
    (live,) = fake_gitlab.live_tokens("deployer")
    assert (live.kind, live.parent) == ("project", "42")
    assert_consumers_hold(store, live.value)
    # The replacement keeps the attributes, so its own next rotation takes the same path.
    (replacement,) = [k for k in registry.list_keys(provider="gitlab") if k.id != entry]
    assert replacement.key_id == str(live.id)
    assert replacement.attributes == attributes


def test_full_gitlab_rotation_replaces_delivers_revokes_and_tells_the_owner(
    registry: Registry,
    store: FakeStore,
    notifier: FakeNotifier,
    fake_gitlab: FakeGitLab,
    http_client: httpx.Client,
) -> None:
    token_id, value = fake_gitlab.add_token("release-bot")
    new = NewKey("gitlab", OWNER, key_id=str(token_id), consumers=consumers())
    entry, leak_id = register_leak(registry, new, value)
    run = pipeline(registry, gitlab_on(fake_gitlab, http_client), store, notifier)

    rotation = run.rotate(entry, leak_id=leak_id, secret=Secret(value)).rotation

    assert rotation.status is RotationStatus.DONE, rotation.last_error
    (live,) = fake_gitlab.live_tokens("release-bot")
    assert fake_gitlab.tokens[token_id].revoked
    assert_consumers_hold(store, live.value)
    assert registry.get_key(entry).status == "revoked"
    assert registry.list_leaks()[0].revoked_at is not None
    assert rotation.manual_steps is None  # nothing left to a human
    (notice,) = notifier.sent()
    assert notice["subject"].startswith("Leaked gitlab key ")
    assert notice["subject"].endswith(" rotated")
    assert notice["provider"] == "gitlab"
    assert notice["key_hint"].startswith("glpat-")
    assert notice["fingerprint"] == (registry.get_key(entry).fingerprint or "")[:16]
    assert notice["locations"] == ["octo/app " + "b" * 12 + " deploy/env.sh:3"]
    assert notice["exposure_seconds"] > 0
    actions = " ".join(notice["actions_taken"])
    assert f"replacement {live.id} issued" in actions
    assert "vault:secret/app#token" in actions
    assert "leaked key confirmed dead" in actions
    must = " ".join(notice["owner_must"])
    assert "remove the leaked value" in must
    assert "revoked before consumers" not in must  # reissue-first: consumers never broke
    assert_nowhere(registry, notifier, value, live.value)


def test_verify_only_huggingface_token_is_checked_and_handed_to_the_owner(
    registry: Registry,
    store: FakeStore,
    notifier: FakeNotifier,
    fake_huggingface: FakeHuggingFace,
    http_client: httpx.Client,
) -> None:
    value = fake_huggingface.add_token()
    entry, leak_id = register_leak(registry, NewKey("huggingface", OWNER), value)
    rotator = HuggingFaceRotator(http_client, base_url=fake_huggingface.url)

    run = pipeline(registry, rotator, store, notifier)
    rotation = run.rotate(
        entry, policy="revoke-first", leak_id=leak_id, secret=Secret(value)
    ).rotation

    assert rotation.status is RotationStatus.DONE, rotation.last_error
    # Nothing could revoke it: the token still works, and the registry does not pretend.
    assert rotator.verify(Secret(value)).liveness.value == "live"
    assert registry.get_key(entry).status == "active"
    assert registry.list_leaks()[0].revoked_at is None
    assert fake_huggingface.paths("DELETE") == []
    (notice,) = notifier.sent()
    assert notice["subject"].endswith(" handled")
    assert notice["exposure_seconds"] is None  # still open
    actions = " ".join(notice["actions_taken"])
    assert "leaked key checked: live (hf-user)" in actions
    assert "old_revoked: left to the owner (manual)" in actions
    must = " ".join(notice["owner_must"])
    assert "huggingface.co/settings/tokens" in must
    assert "invalidate" in must
    assert "revoked before consumers" not in must  # it was not revoked at all
    assert_nowhere(registry, notifier, value)


def test_github_deploy_key_rotation_is_tested_and_confirmed_dead_through_the_repository(
    registry: Registry,
    store: FakeStore,
    notifier: FakeNotifier,
    fake_github: FakeGitHub,
    http_client: httpx.Client,
) -> None:
    """A deploy key cannot call the API itself; its liveness is its repository's key list, so
    the `tested` and `confirmed dead` steps conclude instead of answering unknown."""
    old, private = fake_github.add_deploy_keypair("acme/app", "ci", read_only=False)
    new = NewKey(
        "github",
        OWNER,
        key_id=str(old),
        account="acme/app",
        consumers=consumers(),
        attributes=(("kind", "deploy_key"),),
    )
    entry, leak_id = register_leak(registry, new, private)
    rotator = GitHubRotator(
        http_client, base_url=fake_github.url, admin_token=Secret(fake_github.admin_token)
    )

    rotation = (
        pipeline(registry, rotator, store, notifier)
        .rotate(entry, leak_id=leak_id, secret=Secret(private))
        .rotation
    )

    assert rotation.status is RotationStatus.DONE, rotation.last_error
    (replacement,) = fake_github.deploy_keys["acme/app"].values()  # the leaked key is gone
    assert replacement["id"] != old
    assert replacement["read_only"] is False
    held = store.current(CONSUMERS[0].removeprefix("vault:"))
    assert held is not None
    assert_consumers_hold(store, held)
    assert fake_github.public_keys("acme/app") == {deploy_public_key(Secret(held))}
    assert f"leaked key checked: live (acme/app deploy key {old})" in rotation.actions
    assert "replacement tested and made current" in rotation.actions
    assert "leaked key confirmed dead" in rotation.actions
    assert rotation.attempts == 0  # no step had to be retried for want of an answer
    assert registry.get_key(entry).status == "revoked"
    assert registry.list_leaks()[0].revoked_at is not None
    (notice,) = notifier.sent()
    assert notice["subject"].endswith(" rotated")
    assert_nowhere(registry, notifier, private, held)
