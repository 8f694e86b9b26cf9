"""OpenRouter rotator: keys found by their label, limits carried over, pages and disabled keys
listed, a lost create found by name, and only the documented 401 read as dead."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness, PermanentError
from leakward.rotators.providers.openrouter import OpenRouterRotator
from tests.fakes.openrouter import PAGE, FakeOpenRouter, Key


def on(fake: FakeOpenRouter, client: httpx.Client) -> OpenRouterRotator:
    return OpenRouterRotator(client, admin_key=Secret(fake.management_key), base_url=fake.url)


def found(rotator: OpenRouterRotator, key: Key) -> KeyRef:
    ref = rotator.find_key(Secret(key.value))
    assert ref is not None, "the leaked key was not found by its label"
    return ref


def test_full_cycle_copies_limits(
    fake_openrouter: FakeOpenRouter, http_client: httpx.Client
) -> None:
    leaked = fake_openrouter.add_key(
        "prod", limit=25.0, limit_reset="monthly", include_byok_in_limit=True,
        expires_at="2099-01-01T00:00:00Z",
    )  # fmt: skip
    rotator = on(fake_openrouter, http_client)
    assert rotator.verify(Secret(leaked.value)).liveness is Liveness.LIVE
    key = found(rotator, leaked)
    assert key.key_id == leaked.hash
    assert key.account == leaked.workspace_id
    key = replace(key, settings=rotator.read_settings(key))
    new = rotator.reissue(key, "rot-1")
    assert rotator.verify(new.secret).liveness is Liveness.LIVE
    copy = fake_openrouter.keys[str(new.key_id)]
    assert (copy.limit, copy.limit_reset, copy.include_byok_in_limit, copy.expires_at) == (
        25.0, "monthly", True, "2099-01-01T00:00:00Z",
    )  # fmt: skip
    assert new.expires_at == "2099-01-01T00:00:00Z"
    rotator.revoke(key)
    rotator.revoke(key)  # already gone: the documented 404 is not an error
    assert rotator.verify(Secret(leaked.value)).liveness is Liveness.DEAD
    assert [k.hash for k in fake_openrouter.live()] == [new.key_id]


def test_find_key_reads_every_page_and_disabled_keys(
    fake_openrouter: FakeOpenRouter, http_client: httpx.Client
) -> None:
    """The leaked key is the oldest of 2.5 pages and disabled: the first page and the default
    list (no disabled keys) both miss it."""
    leaked = fake_openrouter.add_key("old", disabled=True)
    for n in range(PAGE * 2 + PAGE // 2):
        fake_openrouter.add_key(f"filler-{n}")
    rotator = on(fake_openrouter, http_client)
    assert found(rotator, leaked).key_id == leaked.hash
    lists = [r for r in fake_openrouter.requests if r.method == "GET" and r.path.endswith("/keys")]
    assert [r.query.get("offset") for r in lists] == ["0", "100", "200"]
    assert {r.query.get("include_disabled") for r in lists} == {"true"}


def test_a_label_shared_by_two_keys_finds_neither(
    fake_openrouter: FakeOpenRouter, http_client: httpx.Client
) -> None:
    first = fake_openrouter.add_key("a")
    twin = fake_openrouter.add_key("b")
    twin.value = first.value[:12] + "f" * 58 + first.value[-3:]  # same label, another key
    assert twin.label == first.label
    assert on(fake_openrouter, http_client).find_key(Secret(first.value)) is None


def test_keys_of_another_workspace_are_listed_there(
    fake_openrouter: FakeOpenRouter, http_client: httpx.Client
) -> None:
    workspace = "5a1f0c4e-3d2b-4e6f-8a9b-0c1d2e3f4a5b"
    leaked = fake_openrouter.add_key("team", workspace_id=workspace)
    rotator = on(fake_openrouter, http_client)
    assert rotator.find_key(Secret(leaked.value)) is None  # the default workspace only
    key = rotator.find_key(Secret(leaked.value), workspace)
    assert key is not None
    new = rotator.reissue(key, "rot-1")
    assert fake_openrouter.keys[str(new.key_id)].workspace_id == workspace


def test_a_repeated_reissue_replaces_its_own_earlier_key(
    fake_openrouter: FakeOpenRouter, http_client: httpx.Client
) -> None:
    leaked = fake_openrouter.add_key("prod", limit=5.0)
    rotator = on(fake_openrouter, http_client)
    key = found(rotator, leaked)
    first = rotator.reissue(key, "rot-1")
    again = rotator.reissue(key, "rot-1")  # the first answer was lost: its key is deleted
    assert str(first.key_id) not in fake_openrouter.keys
    assert {k.name for k in fake_openrouter.live()} == {"prod", "leakward-rot-1"}
    assert str(again.key_id) in fake_openrouter.keys


def test_find_unrecorded_names_the_lost_replacement(
    fake_openrouter: FakeOpenRouter, http_client: httpx.Client
) -> None:
    leaked = fake_openrouter.add_key("prod")
    rotator = on(fake_openrouter, http_client)
    key = found(rotator, leaked)
    token = "0b5e4c1a-1111-4222-8333-444455556666-g1"
    new = rotator.reissue(key, token)
    lost = rotator.find_unrecorded(key, token, datetime.now(UTC))
    assert [k.key_id for k in lost.keys] == [new.key_id]
    assert rotator.find_unrecorded(key, "another-token", datetime.now(UTC)).keys == ()


def test_no_unlimited_replacement_for_a_key_already_deleted(
    fake_openrouter: FakeOpenRouter, http_client: httpx.Client
) -> None:
    """Revoke-first deleted the key before its limits were read: a replacement without them
    would have no spending limit, so none is made."""
    leaked = fake_openrouter.add_key("prod", limit=5.0)
    rotator = on(fake_openrouter, http_client)
    key = found(rotator, leaked)
    rotator.revoke(key)
    with pytest.raises(PermanentError, match="limit and expiry are unknown"):
        rotator.reissue(key, "rot-1")
    assert fake_openrouter.paths("POST") == []


def test_an_expiry_already_past_is_not_copied(
    fake_openrouter: FakeOpenRouter, http_client: httpx.Client
) -> None:
    leaked = fake_openrouter.add_key("prod", expires_at="2020-01-01T00:00:00Z")
    rotator = on(fake_openrouter, http_client)
    rotator.reissue(found(rotator, leaked), "rot-1")
    (create,) = [r for r in fake_openrouter.requests if r.method == "POST"]
    assert "expires_at" not in create.json()


def test_contain_disables_and_the_key_stays_findable(
    fake_openrouter: FakeOpenRouter, http_client: httpx.Client
) -> None:
    leaked = fake_openrouter.add_key("prod")
    rotator = on(fake_openrouter, http_client)
    key = found(rotator, leaked)
    assert rotator.contain(key) is True
    assert fake_openrouter.keys[leaked.hash].disabled is True
    # A disabled key answers 401 ("disabled/invalid API key") but is still found and deleted.
    assert rotator.verify(Secret(leaked.value)).liveness is Liveness.DEAD
    assert found(rotator, leaked).key_id == leaked.hash
    rotator.revoke(key)
    assert rotator.contain(key) is True  # a deleted key is contained too


def test_verify_reads_the_documented_answers(
    fake_openrouter: FakeOpenRouter, http_client: httpx.Client
) -> None:
    rotator = on(fake_openrouter, http_client)
    spent = fake_openrouter.add_key("spent", exhausted=True)
    verdict = rotator.verify(Secret(spent.value))
    assert verdict.liveness is Liveness.LIVE, verdict.reason  # 402: a known key, no credits
    assert rotator.verify(Secret(fake_openrouter.management_key)).liveness is Liveness.LIVE
    unknown = "sk-or-v1-" + "ab" * 32
    assert rotator.verify(Secret(unknown)).liveness is Liveness.DEAD


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 500},
        {"status": 429, "retry_after": "1"},
        {"status": 200, "html": True},
        {"status": 403},
        {"hang": 5.0},
    ],
)
def test_verify_unknown_on_trouble(
    fake_openrouter: FakeOpenRouter, http_client: httpx.Client, failure: dict
) -> None:
    leaked = fake_openrouter.add_key("x")
    fake_openrouter.fail_next("/api/v1/key", exact=True, **failure)
    verdict = on(fake_openrouter, http_client).verify(Secret(leaked.value))
    assert verdict.liveness is Liveness.UNKNOWN, verdict.reason


def test_management_calls_without_a_management_key_say_what_to_set(
    fake_openrouter: FakeOpenRouter, http_client: httpx.Client
) -> None:
    leaked = fake_openrouter.add_key("prod")
    rotator = OpenRouterRotator(http_client, base_url=fake_openrouter.url)
    assert rotator.verify(Secret(leaked.value)).liveness is Liveness.LIVE
    with pytest.raises(PermanentError, match="OPENROUTER_MANAGEMENT_KEY"):
        rotator.list_keys()


def test_an_api_key_in_place_of_the_management_key_is_refused(
    fake_openrouter: FakeOpenRouter, http_client: httpx.Client
) -> None:
    leaked = fake_openrouter.add_key("prod")
    rotator = OpenRouterRotator(
        http_client, admin_key=Secret(leaked.value), base_url=fake_openrouter.url
    )
    with pytest.raises(PermanentError, match="401"):
        rotator.revoke(KeyRef("openrouter", leaked.hash))
    assert leaked.hash in fake_openrouter.keys
