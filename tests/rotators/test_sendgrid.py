"""SendGrid rotator: scopes carried over, the 100-key cap, ids read from the key itself."""

from __future__ import annotations

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness, PermanentError
from leakward.rotators.providers.sendgrid import SendGridRotator
from tests.fakes.sendgrid import CAP, FULL_ACCESS, FakeSendGrid


def on(fake: FakeSendGrid, client: httpx.Client) -> SendGridRotator:
    return SendGridRotator(client, admin_key=Secret(fake.admin_key), base_url=fake.url)


def test_full_cycle(fake_sendgrid: FakeSendGrid, http_client: httpx.Client) -> None:
    key_id, value = fake_sendgrid.add_key("newsletter", ["mail.send", "stats.read"])
    rotator = on(fake_sendgrid, http_client)
    leaked = Secret(value)
    assert rotator.verify(leaked).liveness is Liveness.LIVE
    key = rotator.find_key(leaked)
    assert key is not None
    assert key.key_id == key_id
    new = rotator.reissue(key, "rot-1")
    assert rotator.verify(new.secret).liveness is Liveness.LIVE
    assert fake_sendgrid.keys[str(new.key_id)]["scopes"] == ["mail.send", "stats.read"]
    rotator.revoke(key)
    rotator.revoke(key)
    assert rotator.verify(leaked).liveness is Liveness.DEAD
    assert key_id not in fake_sendgrid.keys


def test_the_100_key_cap_stops_before_creating(
    fake_sendgrid: FakeSendGrid, http_client: httpx.Client
) -> None:
    _, value = fake_sendgrid.add_key("leaked")
    while len(fake_sendgrid.keys) < CAP:
        fake_sendgrid.add_key("filler")
    rotator = on(fake_sendgrid, http_client)
    with pytest.raises(PermanentError, match="cap 100"):
        rotator.reissue(rotator.find_key(Secret(value)) or pytest.fail("no key"), "rot-1")
    assert len(fake_sendgrid.keys) == CAP
    assert not any(p.startswith("POST") for p in fake_sendgrid.paths())


def test_a_repeated_reissue_frees_its_own_slot(
    fake_sendgrid: FakeSendGrid, http_client: httpx.Client
) -> None:
    _, value = fake_sendgrid.add_key("leaked")
    rotator = on(fake_sendgrid, http_client)
    key = rotator.find_key(Secret(value))
    assert key is not None
    rotator.reissue(key, "rot-1")
    while len(fake_sendgrid.keys) < CAP:
        fake_sendgrid.add_key("filler")
    # Full, but one of the 100 is this token's own earlier key: it is deleted and replaced.
    again = rotator.reissue(key, "rot-1")
    assert len(fake_sendgrid.keys) == CAP
    assert str(again.key_id) in fake_sendgrid.keys


def test_find_key_ignores_other_shapes() -> None:
    assert SendGridRotator.find_key(Secret("not-a-sendgrid-key")) is None


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 500},
        {"status": 429, "retry_after": "1"},
        {"status": 200, "html": True},
        {"hang": 5.0},
    ],
)
def test_verify_unknown_on_trouble(
    fake_sendgrid: FakeSendGrid, http_client: httpx.Client, failure: dict
) -> None:
    _, value = fake_sendgrid.add_key("x")
    fake_sendgrid.fail_next("/v3/scopes", **failure)
    assert on(fake_sendgrid, http_client).verify(Secret(value)).liveness is Liveness.UNKNOWN


def test_listed_replacements_carry_their_issue_token(
    fake_sendgrid: FakeSendGrid, http_client: httpx.Client
) -> None:
    _, value = fake_sendgrid.add_key("leaked")
    rotator = on(fake_sendgrid, http_client)
    key = rotator.find_key(Secret(value))
    assert key is not None
    new = rotator.reissue(key, "0b5e4c1a-1111-4222-8333-444455556666-g1")
    tagged = [k for k in rotator.list_keys() if k.attribute("idempotency_token")]
    assert [(k.key_id, k.attribute("idempotency_token")) for k in tagged] == [
        (new.key_id, "0b5e4c1a-1111-4222-8333-444455556666-g1")
    ]


def test_no_full_access_replacement_for_a_key_already_deleted(
    fake_sendgrid: FakeSendGrid, http_client: httpx.Client
) -> None:
    """Revoke-first deletes the leaked key before reissuing: its scopes are then unknown, and a
    key created without scopes would get Full Access, so none is created."""
    _, value = fake_sendgrid.add_key("newsletter", ["mail.send"])
    rotator = on(fake_sendgrid, http_client)
    key = rotator.find_key(Secret(value))
    assert key is not None
    rotator.revoke(key)
    with pytest.raises(PermanentError, match="will not issue a Full Access key"):
        rotator.reissue(key, "rot-1")
    others = [k for k in fake_sendgrid.keys.values() if k["value"] != fake_sendgrid.admin_key]
    assert others == []  # the leaked key is gone and nothing took its place
    assert fake_sendgrid.paths("POST") == []


def test_a_key_created_without_scopes_has_full_access(
    fake_sendgrid: FakeSendGrid, http_client: httpx.Client
) -> None:
    """SendGrid's documented default, which the fake follows: no `scopes`, Full Access."""
    response = http_client.post(
        f"{fake_sendgrid.url}/v3/api_keys",
        headers={"Authorization": f"Bearer {fake_sendgrid.admin_key}"},
        json={"name": "no-scopes"},
    )
    assert response.status_code == 201
    assert response.json()["scopes"] == list(FULL_ACCESS)


def test_reissue_always_sends_scopes_explicitly(
    fake_sendgrid: FakeSendGrid, http_client: httpx.Client
) -> None:
    """Even a Full Access key is replaced by naming its scopes: an omitted field would mean
    whatever SendGrid's default is, not what the leaked key had."""
    key_id, _ = fake_sendgrid.add_key("everything")  # created without scopes: Full Access
    on(fake_sendgrid, http_client).reissue(KeyRef("sendgrid", key_id), "rot-1")
    (create,) = [r for r in fake_sendgrid.requests if r.method == "POST"]
    assert create.json()["scopes"] == list(FULL_ACCESS)


def test_reissue_from_a_snapshot_once_the_key_is_gone(
    fake_sendgrid: FakeSendGrid, http_client: httpx.Client
) -> None:
    key_id, _ = fake_sendgrid.add_key("newsletter", ["mail.send"])
    rotator = on(fake_sendgrid, http_client)
    snapshot = rotator.read_settings(KeyRef("sendgrid", key_id))
    assert snapshot == {"scopes": ["mail.send"]}
    rotator.revoke(KeyRef("sendgrid", key_id))
    assert rotator.read_settings(KeyRef("sendgrid", key_id)) is None
    new = rotator.reissue(KeyRef("sendgrid", key_id, settings=snapshot), "rot-1")
    assert fake_sendgrid.keys[str(new.key_id)]["scopes"] == ["mail.send"]
