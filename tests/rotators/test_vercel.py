"""Vercel rotator: ids from the token itself, reach copied or refused, pages followed, lost
replacements found by name, and only Vercel's invalid-token answer read as dead."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness, PermanentError
from leakward.rotators.providers.vercel import VercelRotator
from tests.fakes.vercel import PAGE, FakeVercel


def on(fake: FakeVercel, client: httpx.Client, *, admin: bool = True) -> VercelRotator:
    key = Secret(fake.admin_token) if admin else None
    return VercelRotator(client, admin_key=key, base_url=fake.url)


def found(rotator: VercelRotator, value: str) -> KeyRef:
    return rotator.find_key(Secret(value)) or pytest.fail("the token was not found")


def test_full_cycle(fake_vercel: FakeVercel, http_client: httpx.Client) -> None:
    leaked = fake_vercel.add_token("ci-deploy")
    rotator = on(fake_vercel, http_client)
    verdict = rotator.verify(Secret(leaked.value))
    assert (verdict.liveness, verdict.identity) == (Liveness.LIVE, leaked.id)
    key = found(rotator, leaked.value)
    assert (key.key_id, key.hint) == (leaked.id, "ci-deploy")
    new = rotator.reissue(key, "rot-1")
    assert rotator.verify(new.secret).liveness is Liveness.LIVE
    assert fake_vercel.tokens[str(new.key_id)].teams == ()  # full account, as the leaked one
    rotator.revoke(key)
    rotator.revoke(key)  # gone already: the documented 404, not an error
    dead = rotator.verify(Secret(leaked.value))
    assert dead.liveness is Liveness.DEAD
    assert "invalidToken" in dead.reason
    assert {t.value for t in fake_vercel.live()} == {fake_vercel.admin_token, new.secret.reveal()}


def test_a_refusal_that_is_not_invalid_token_is_unknown(
    fake_vercel: FakeVercel, http_client: httpx.Client
) -> None:
    """A 403 without `invalidToken` (a project token on a user endpoint, a policy) comes from
    a token Vercel knows: never dead."""
    fake_vercel.fail_next("/v5/user/tokens/current", status=403)
    leaked = fake_vercel.add_token("x")
    verdict = on(fake_vercel, http_client).verify(Secret(leaked.value))
    assert verdict.liveness is Liveness.UNKNOWN
    assert "does not say it is invalid" in verdict.reason


@pytest.mark.parametrize(
    "failure",
    [{"status": 500}, {"status": 429, "retry_after": "1"}, {"status": 200, "html": True}],
)
def test_verify_unknown_on_trouble(
    fake_vercel: FakeVercel, http_client: httpx.Client, failure: dict
) -> None:
    leaked = fake_vercel.add_token("x")
    fake_vercel.fail_next("/v5/user/tokens/current", **failure)
    assert on(fake_vercel, http_client).verify(Secret(leaked.value)).liveness is Liveness.UNKNOWN


def test_expiry_is_copied(fake_vercel: FakeVercel, http_client: httpx.Client) -> None:
    expires = int(time.time() * 1000) + 30 * 86_400_000
    leaked = fake_vercel.add_token("nightly", expires_at=expires)
    rotator = on(fake_vercel, http_client)
    new = rotator.reissue(found(rotator, leaked.value), "rot-1")
    assert fake_vercel.tokens[str(new.key_id)].expires_at == expires
    stamp = datetime.fromtimestamp(expires // 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert new.expires_at == stamp


def test_a_team_limited_token_is_not_replaced_by_a_broader_one(
    fake_vercel: FakeVercel, http_client: httpx.Client
) -> None:
    leaked = fake_vercel.add_token("team-ci", teams=("team_acme",))
    rotator = on(fake_vercel, http_client)
    with pytest.raises(PermanentError, match="limited to team"):
        rotator.reissue(found(rotator, leaked.value), "rot-1")
    assert fake_vercel.paths("POST") == []


def test_another_users_token_is_not_replaced(
    fake_vercel: FakeVercel, http_client: httpx.Client
) -> None:
    """Create acts for the managing token's user: a token of someone else is unknown to it
    (404), so nothing is minted in that user's name for someone else."""
    other = fake_vercel.add_token("theirs", user="user_other")
    rotator = on(fake_vercel, http_client)
    assert rotator.read_settings(KeyRef("vercel", other.id)) is None
    with pytest.raises(PermanentError, match="reach is unknown"):
        rotator.reissue(KeyRef("vercel", other.id), "rot-1")
    assert fake_vercel.paths("POST") == []


def test_reissue_from_a_snapshot_once_the_token_is_gone(
    fake_vercel: FakeVercel, http_client: httpx.Client
) -> None:
    leaked = fake_vercel.add_token("ci")
    rotator = on(fake_vercel, http_client)
    key = found(rotator, leaked.value)
    snapshot = rotator.read_settings(key)
    assert snapshot == {"full_account": True, "teams": [], "expires_at": None}
    rotator.revoke(key)
    new = rotator.reissue(KeyRef("vercel", key.key_id, settings=snapshot), "rot-1")
    assert str(new.key_id) in fake_vercel.tokens


def test_a_repeated_reissue_deletes_its_own_earlier_token(
    fake_vercel: FakeVercel, http_client: httpx.Client
) -> None:
    leaked = fake_vercel.add_token("ci")
    rotator = on(fake_vercel, http_client)
    key = found(rotator, leaked.value)
    first = rotator.reissue(key, "rot-1")
    again = rotator.reissue(key, "rot-1")
    assert str(first.key_id) not in fake_vercel.tokens
    named = [t for t in fake_vercel.tokens.values() if t.name == "leakward-rot-1"]
    assert [t.id for t in named] == [again.key_id]


def test_list_follows_pages_and_finds_a_lost_replacement(
    fake_vercel: FakeVercel, http_client: httpx.Client
) -> None:
    leaked = fake_vercel.add_token("ci")
    rotator = on(fake_vercel, http_client)
    key = found(rotator, leaked.value)
    new = rotator.reissue(key, "0b5e4c1a-1111-4222-8333-444455556666-g1")
    for n in range(2 * PAGE):  # push the replacement onto the last page
        fake_vercel.add_token(f"filler-{n}")
    before = len(fake_vercel.requests)
    listed = rotator.list_keys()
    assert len(listed) == len(fake_vercel.tokens) == 2 * PAGE + 3  # admin, leaked, replacement
    pages = [r.query.get("until") for r in fake_vercel.requests[before:]]
    assert len(pages) == 3
    assert pages[0] is None
    assert None not in pages[1:]
    since = datetime.now(UTC)
    lost = rotator.find_unrecorded(key, "0b5e4c1a-1111-4222-8333-444455556666-g1", since)
    assert [k.key_id for k in lost.keys] == [new.key_id]


def test_a_leaked_token_deletes_itself_without_a_managing_token(
    fake_vercel: FakeVercel, http_client: httpx.Client
) -> None:
    leaked = fake_vercel.add_token("ci")
    rotator = on(fake_vercel, http_client, admin=False)
    rotator.revoke(KeyRef("vercel", leaked.id), Secret(leaked.value))
    rotator.revoke(KeyRef("vercel", leaked.id), Secret(leaked.value))  # already gone: fine
    assert leaked.id not in fake_vercel.tokens
    assert fake_vercel.paths("DELETE") == ["DELETE /v3/user/tokens/current"] * 2


def test_without_a_managing_token_reissue_says_what_to_set(
    fake_vercel: FakeVercel, http_client: httpx.Client
) -> None:
    leaked = fake_vercel.add_token("ci")
    with pytest.raises(PermanentError, match="VERCEL_ADMIN_TOKEN"):
        on(fake_vercel, http_client, admin=False).reissue(KeyRef("vercel", leaked.id), "rot-1")
