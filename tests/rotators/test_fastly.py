"""Fastly rotator (revoke-only): a token found and revoked by id or by itself, never reissued,
and only 401 read as dead."""

from __future__ import annotations

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import Capability, KeyRef, Liveness, PermanentError
from leakward.rotators.providers.fastly import FastlyRotator
from tests.fakes.fastly import FakeFastly


def on(fake: FakeFastly, client: httpx.Client, *, admin: str | None = None) -> FastlyRotator:
    key = Secret(admin or fake.admin_token)
    return FastlyRotator(client, admin_key=key, base_url=fake.url)


def test_verify_find_and_revoke_by_id(fake_fastly: FakeFastly, http_client: httpx.Client) -> None:
    leaked = fake_fastly.add_token("purge bot", scope="purge_all")
    rotator = on(fake_fastly, http_client)
    verdict = rotator.verify(Secret(leaked.value))
    assert (verdict.liveness, verdict.identity) == (Liveness.LIVE, leaked.id)
    key = rotator.find_key(Secret(leaked.value))
    assert key == KeyRef("fastly", leaked.id, FakeFastly.USER, "purge bot")
    assert {k.key_id for k in rotator.list_keys()} == set(fake_fastly.tokens)
    rotator.revoke(key)
    rotator.revoke(key)  # gone already: 404
    assert rotator.verify(Secret(leaked.value)).liveness is Liveness.DEAD
    assert all(r.headers.get("fastly-key") for r in fake_fastly.requests)


def test_a_leaked_token_revokes_itself_without_a_managing_token(
    fake_fastly: FakeFastly, http_client: httpx.Client
) -> None:
    leaked = fake_fastly.add_token("ci")
    rotator = FastlyRotator(http_client, base_url=fake_fastly.url)
    rotator.revoke(KeyRef("fastly"), Secret(leaked.value))
    rotator.revoke(KeyRef("fastly"), Secret(leaked.value))  # already dead: 401, fine
    assert leaked.id not in fake_fastly.tokens
    assert fake_fastly.paths("DELETE") == ["DELETE /tokens/self"] * 2


def test_another_users_token_needs_a_superuser(
    fake_fastly: FakeFastly, http_client: httpx.Client
) -> None:
    theirs = fake_fastly.add_token("theirs", user="other-user")
    with pytest.raises(PermanentError, match="not one FASTLY_API_TOKEN may revoke"):
        on(fake_fastly, http_client).revoke(KeyRef("fastly", theirs.id), Secret(theirs.value))
    boss = fake_fastly.add_token("boss", user="boss", superuser=True)
    on(fake_fastly, http_client, admin=boss.value).revoke(KeyRef("fastly", theirs.id))
    assert theirs.id not in fake_fastly.tokens


def test_no_replacement_is_minted(fake_fastly: FakeFastly, http_client: httpx.Client) -> None:
    rotator = on(fake_fastly, http_client)
    assert rotator.capability_for(KeyRef("fastly", "t1")) is Capability.REVOKE_ONLY
    with pytest.raises(PermanentError, match="password"):
        rotator.reissue(KeyRef("fastly", "t1"), "rot-1")
    assert fake_fastly.requests == []


@pytest.mark.parametrize(
    "failure",
    [{"status": 500}, {"status": 429, "retry_after": "1"}, {"status": 200, "html": True}],
)
def test_verify_unknown_on_trouble(
    fake_fastly: FakeFastly, http_client: httpx.Client, failure: dict
) -> None:
    leaked = fake_fastly.add_token("x")
    fake_fastly.fail_next("/tokens/self", **failure)
    assert on(fake_fastly, http_client).verify(Secret(leaked.value)).liveness is Liveness.UNKNOWN
