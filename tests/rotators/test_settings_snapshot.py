"""The leaked key's settings, recorded by the pipeline before anything can destroy the key.

Revoke-first deletes the leaked key before its replacement is issued, so the replacement's
scopes, restrictions or permissions cannot be read from it then. The pipeline's
`settings_saved` step reads them first and stores them on the rotation row; these tests check,
at the fake provider, that the replacement carries exactly what the leaked key had, that the
stored snapshot holds no secret, and that without a snapshot and without the key nothing
broader is issued.
"""

from __future__ import annotations

import json

import httpx

from leakward.core.secret import Secret
from leakward.registry import NewKey, Registry
from leakward.registry.rotation_state import RotationStatus
from leakward.rotators.providers.github import GitHubRotator
from leakward.rotators.providers.google import GoogleApiKeyRotator
from leakward.rotators.providers.sendgrid import SendGridRotator
from leakward.rotators.providers.twilio import TwilioRotator
from tests.fakes.github import FakeGitHub
from tests.fakes.google import FakeGoogle
from tests.fakes.sendgrid import FakeSendGrid
from tests.fakes.twilio import FakeTwilio
from tests.registry.conftest import _isolated_environment, db_url, postgres_url
from tests.rotators.fakes import FakeNotifier, FakeStore
from tests.rotators.test_pipeline_providers import (
    CONSUMERS,
    OWNER,
    assert_consumers_hold,
    assert_nowhere,
    consumers,
    notifier,
    pipeline,
    register_leak,
    registry,
    store,
)

__all__ = ["_isolated_environment", "db_url", "notifier", "postgres_url", "registry", "store"]

RESTRICTIONS = {
    "apiTargets": [{"service": "generativelanguage.googleapis.com"}],
    "browserKeyRestrictions": {"allowedReferrers": ["https://app.example.test/*"]},
}
TWILIO_POLICY = {"allow": ["/twilio/messaging/messages/create"]}


def held(store: FakeStore) -> str:
    value = store.current(CONSUMERS[0].removeprefix("vault:"))
    assert value is not None, "no consumer holds a replacement"
    assert_consumers_hold(store, value)
    return value


def test_revoke_first_sendgrid_replacement_keeps_the_leaked_keys_scopes(
    registry: Registry,
    store: FakeStore,
    notifier: FakeNotifier,
    fake_sendgrid: FakeSendGrid,
    http_client: httpx.Client,
) -> None:
    key_id, value = fake_sendgrid.add_key("newsletter", ["mail.send", "stats.read"])
    new = NewKey("sendgrid", OWNER, key_id=key_id, consumers=consumers())
    entry, leak_id = register_leak(registry, new, value)
    rotator = SendGridRotator(
        http_client, admin_key=Secret(fake_sendgrid.admin_key), base_url=fake_sendgrid.url
    )

    rotation = (
        pipeline(registry, rotator, store, notifier)
        .rotate(entry, policy="revoke-first", leak_id=leak_id, secret=Secret(value))
        .rotation
    )

    assert rotation.status is RotationStatus.DONE, rotation.last_error
    assert key_id not in fake_sendgrid.keys  # revoked first ...
    times = rotation.step_times
    assert times["settings_saved"] < times["old_revoked"] < times["issued"]
    replacement = held(store)
    (created,) = [k for k in fake_sendgrid.keys.values() if k["value"] == replacement]
    assert created["scopes"] == ["mail.send", "stats.read"]  # ... and replaced, no broader
    assert rotation.settings == {"scopes": ["mail.send", "stats.read"]}
    assert_nowhere(registry, notifier, value, replacement)


def test_revoke_first_google_replacement_keeps_the_leaked_keys_restrictions(
    registry: Registry,
    store: FakeStore,
    notifier: FakeNotifier,
    fake_google: FakeGoogle,
    http_client: httpx.Client,
) -> None:
    old = fake_google.add_api_key()
    old.restrictions = RESTRICTIONS
    new = NewKey("google", OWNER, key_id=old.name, account="123", consumers=consumers())
    entry, leak_id = register_leak(registry, new, old.value)
    rotator = GoogleApiKeyRotator(
        http_client,
        token_source=lambda: Secret(fake_google.admin_token),
        base_url=fake_google.url,
        gemini_url=fake_google.url,
        poll_interval=0,
    )

    rotation = (
        pipeline(registry, rotator, store, notifier)
        .rotate(entry, policy="revoke-first", leak_id=leak_id, secret=Secret(old.value))
        .rotation
    )

    assert rotation.status is RotationStatus.DONE, rotation.last_error
    assert old.deleted
    assert rotation.step_times["old_revoked"] < rotation.step_times["issued"]
    replacement = held(store)
    (live,) = fake_google.live_api_keys()
    assert live.value == replacement
    assert live.restrictions == RESTRICTIONS
    assert_nowhere(registry, notifier, old.value, replacement)


def test_revoke_first_twilio_replacement_of_a_restricted_key_is_restricted_alike(
    registry: Registry,
    store: FakeStore,
    notifier: FakeNotifier,
    fake_twilio: FakeTwilio,
    http_client: httpx.Client,
) -> None:
    sid, secret = fake_twilio.add_key("sms", policy=TWILIO_POLICY)
    value = f"{sid}:{secret}"
    entry, leak_id = register_leak(
        registry, NewKey("twilio", OWNER, key_id=sid, consumers=consumers()), value
    )
    rotator = TwilioRotator(
        http_client,
        account_sid=FakeTwilio.ACCOUNT,
        admin_secret=Secret(fake_twilio.auth_token),
        base_url=fake_twilio.url,
        api_url=fake_twilio.url,
    )

    rotation = (
        pipeline(registry, rotator, store, notifier)
        .rotate(entry, policy="revoke-first", leak_id=leak_id, secret=Secret(value))
        .rotation
    )

    assert rotation.status is RotationStatus.DONE, rotation.last_error
    (replacement,) = fake_twilio.keys.values()
    assert replacement["sid"] != sid
    assert replacement["policy"] == TWILIO_POLICY  # Restricted, never a Standard key
    create = next(r for r in fake_twilio.requests if r.method == "POST")
    assert create.form()["KeyType"] == "restricted"
    assert json.loads(create.form()["Policy"]) == TWILIO_POLICY


def test_revoke_first_deploy_key_keeps_write_access_from_the_snapshot(
    registry: Registry,
    store: FakeStore,
    notifier: FakeNotifier,
    fake_github: FakeGitHub,
    http_client: httpx.Client,
) -> None:
    """No `read_only` attribute was recorded at import: the access comes from the snapshot."""
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
        .rotate(entry, policy="revoke-first", leak_id=leak_id, secret=Secret(private))
        .rotation
    )

    assert rotation.status is RotationStatus.DONE, rotation.last_error
    assert rotation.settings == {"read_only": False}
    (replacement,) = fake_github.deploy_keys["acme/app"].values()
    assert replacement["id"] != old
    assert replacement["read_only"] is False


def test_without_a_snapshot_or_the_key_nothing_broader_is_issued(
    registry: Registry,
    store: FakeStore,
    notifier: FakeNotifier,
    fake_sendgrid: FakeSendGrid,
    http_client: httpx.Client,
) -> None:
    """The leaked key was deleted (by hand) before the rotation could read its scopes: the
    rotation stops for a human rather than issue a Full Access key."""
    key_id, value = fake_sendgrid.add_key("newsletter", ["mail.send"])
    new = NewKey("sendgrid", OWNER, key_id=key_id, consumers=consumers())
    entry, leak_id = register_leak(registry, new, value)
    del fake_sendgrid.keys[key_id]
    rotator = SendGridRotator(
        http_client, admin_key=Secret(fake_sendgrid.admin_key), base_url=fake_sendgrid.url
    )

    rotation = (
        pipeline(registry, rotator, store, notifier)
        .rotate(entry, policy="revoke-first", leak_id=leak_id, secret=Secret(value))
        .rotation
    )

    assert rotation.status is RotationStatus.FAILED
    assert rotation.settings is None
    assert "will not issue a Full Access key" in (rotation.last_error or "")
    assert fake_sendgrid.paths("POST") == []
    (notice,) = notifier.sent()
    assert notice["subject"].endswith(" stopped")
