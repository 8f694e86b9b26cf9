"""xAI rotator: the key found by its own record, ACLs and limits carried over, every page listed,
a lost create found by name, and only the documented invalid-key answer read as dead."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness, PermanentError
from leakward.rotators.providers.xai import XaiRotator
from tests.fakes.xai import TEAM, FakeXai, Key


def on(fake: FakeXai, client: httpx.Client, team: str | None = None) -> XaiRotator:
    return XaiRotator(
        client,
        admin_key=Secret(fake.management_key),
        base_url=fake.url,
        api_url=fake.url,
        team=team,
    )


def found(rotator: XaiRotator, key: Key) -> KeyRef:
    ref = rotator.find_key(Secret(key.value))
    assert ref is not None, "the leaked key was not found by its own record"
    return ref


def test_full_cycle_copies_acls_and_limits(fake_xai: FakeXai, http_client: httpx.Client) -> None:
    leaked = fake_xai.add_key(
        "prod", acls=["api-key:model:grok-4", "api-key:endpoint:chat"], qps=5, qpm=100,
        tpm="20000", expire_time="2099-01-01T00:00:00Z",
    )  # fmt: skip
    rotator = on(fake_xai, http_client)
    assert rotator.verify(Secret(leaked.value)).liveness is Liveness.LIVE
    key = found(rotator, leaked)
    assert (key.key_id, key.account) == (leaked.id, TEAM)
    key = replace(key, settings=rotator.read_settings(key))
    new = rotator.reissue(key, "rot-1")
    assert rotator.verify(new.secret).liveness is Liveness.LIVE
    copy = fake_xai.keys[str(new.key_id)]
    assert (copy.acls, copy.qps, copy.qpm, copy.tpm, copy.expire_time) == (
        ["api-key:model:grok-4", "api-key:endpoint:chat"], 5, 100, "20000",
        "2099-01-01T00:00:00Z",
    )  # fmt: skip
    rotator.revoke(key)
    rotator.revoke(key)  # already gone: 404 is not an error
    assert rotator.verify(Secret(leaked.value)).liveness is Liveness.DEAD
    assert [k.id for k in fake_xai.live()] == [new.key_id]


def test_every_page_is_read(fake_xai: FakeXai, http_client: httpx.Client) -> None:
    for n in range(250):
        fake_xai.add_key(f"filler-{n}")
    leaked = fake_xai.add_key("last", qps=7)
    rotator = on(fake_xai, http_client)
    settings = rotator.read_settings(found(rotator, leaked))
    assert settings is not None
    assert settings["qps"] == 7
    lists = [r for r in fake_xai.requests if r.method == "GET" and r.path.endswith("/api-keys")]
    assert [r.query.get("paginationToken") for r in lists] == [None, "100", "200"]
    assert len(rotator.list_keys(TEAM)) == 251


def test_a_repeated_reissue_replaces_its_own_earlier_key(
    fake_xai: FakeXai, http_client: httpx.Client
) -> None:
    leaked = fake_xai.add_key("prod")
    rotator = on(fake_xai, http_client)
    key = found(rotator, leaked)
    first = rotator.reissue(key, "rot-1")
    again = rotator.reissue(key, "rot-1")
    assert str(first.key_id) not in fake_xai.keys
    assert {k.name for k in fake_xai.live()} == {"prod", "leakward-rot-1"}
    assert str(again.key_id) in fake_xai.keys


def test_find_unrecorded_names_the_lost_replacement(
    fake_xai: FakeXai, http_client: httpx.Client
) -> None:
    leaked = fake_xai.add_key("prod")
    rotator = on(fake_xai, http_client)
    key = found(rotator, leaked)
    token = "0b5e4c1a-1111-4222-8333-444455556666-g1"
    new = rotator.reissue(key, token)
    assert [k.key_id for k in rotator.find_unrecorded(key, token, datetime.now(UTC)).keys] == [
        new.key_id
    ]
    assert rotator.find_unrecorded(key, "another-token", datetime.now(UTC)).keys == ()


def test_no_replacement_without_the_leaked_keys_acls(
    fake_xai: FakeXai, http_client: httpx.Client
) -> None:
    leaked = fake_xai.add_key("prod")
    rotator = on(fake_xai, http_client)
    key = found(rotator, leaked)
    rotator.revoke(key)
    with pytest.raises(PermanentError, match="ACLs are unknown"):
        rotator.reissue(key, "rot-1")
    assert fake_xai.paths("POST") == []


def test_the_team_comes_from_the_key_else_the_setting(
    fake_xai: FakeXai, http_client: httpx.Client
) -> None:
    other = "0f1e2d3c-4b5a-4968-8776-655443322110"
    leaked = fake_xai.add_key("prod", team=other)
    key = KeyRef("xai", leaked.id)  # imported without its team
    with pytest.raises(PermanentError, match="XAI_TEAM_ID"):
        on(fake_xai, http_client).read_settings(key)
    settings = on(fake_xai, http_client, team=other).read_settings(key)
    assert settings is not None
    assert settings["acls"] == leaked.acls


def test_an_expiry_already_past_is_not_copied(fake_xai: FakeXai, http_client: httpx.Client) -> None:
    leaked = fake_xai.add_key("prod", expire_time="2020-01-01T00:00:00Z")
    rotator = on(fake_xai, http_client)
    rotator.reissue(found(rotator, leaked), "rot-1")
    (create,) = [r for r in fake_xai.requests if r.method == "POST"]
    assert "expireTime" not in create.json()


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"disabled": True}, Liveness.UNKNOWN),  # enabled again with one click: not dead
        ({}, Liveness.LIVE),
    ],
)
def test_verify_reads_the_keys_own_record(
    fake_xai: FakeXai, http_client: httpx.Client, record: dict, expected: Liveness
) -> None:
    key = fake_xai.add_key("x", **record)
    verdict = on(fake_xai, http_client).verify(Secret(key.value))
    assert verdict.liveness is expected, verdict.reason


def test_an_unknown_key_is_dead_and_its_value_stays_out_of_the_reason(
    fake_xai: FakeXai, http_client: httpx.Client
) -> None:
    unknown = "xai-" + "Q7w" * 26 + "zz"
    verdict = on(fake_xai, http_client).verify(Secret(unknown))
    assert verdict.liveness is Liveness.DEAD
    assert unknown not in verdict.reason
    assert on(fake_xai, http_client).find_key(Secret(unknown)) is None


@pytest.mark.parametrize(
    "failure",
    [{"status": 500}, {"status": 429, "retry_after": "1"}, {"status": 403}, {"hang": 5.0}],
)
def test_verify_unknown_on_trouble(
    fake_xai: FakeXai, http_client: httpx.Client, failure: dict
) -> None:
    key = fake_xai.add_key("x")
    fake_xai.fail_next("/v1/api-key", exact=True, **failure)
    assert on(fake_xai, http_client).verify(Secret(key.value)).liveness is Liveness.UNKNOWN


def test_management_calls_without_a_management_key_say_what_to_set(
    fake_xai: FakeXai, http_client: httpx.Client
) -> None:
    rotator = XaiRotator(http_client, base_url=fake_xai.url, api_url=fake_xai.url, team=TEAM)
    with pytest.raises(PermanentError, match="XAI_MANAGEMENT_KEY"):
        rotator.list_keys()
