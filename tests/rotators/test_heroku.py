"""Heroku rotator: authorizations found by their token, scope and lifetime copied, Range pages
followed, OAuth-client tokens only revoked, and only `unauthorized` read as dead."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness, PermanentError
from leakward.rotators.providers.heroku import HerokuRotator
from tests.fakes.heroku import FakeHeroku

VERSION = "application/vnd.heroku+json; version=3"


def on(fake: FakeHeroku, client: httpx.Client, *, admin: bool = True) -> HerokuRotator:
    key = Secret(fake.admin_token) if admin else None
    return HerokuRotator(client, admin_key=key, base_url=fake.url)


def found(rotator: HerokuRotator, value: str) -> KeyRef:
    return rotator.find_key(Secret(value)) or pytest.fail("the authorization was not found")


def test_full_cycle(fake_heroku: FakeHeroku, http_client: httpx.Client) -> None:
    leaked = fake_heroku.add_authorization("deploy bot", ["read", "write"], expires_in=86_400)
    rotator = on(fake_heroku, http_client)
    verdict = rotator.verify(Secret(leaked.token))
    assert (verdict.liveness, verdict.identity) == (Liveness.LIVE, FakeHeroku.USER)
    key = found(rotator, leaked.token)
    assert (key.key_id, key.hint) == (leaked.id, "deploy bot")
    new = rotator.reissue(key, "rot-1")
    made = fake_heroku.authorizations[str(new.key_id)]
    assert (made.scope, made.expires_in, made.client) == (["read", "write"], 86_400, None)
    assert new.expires_at is not None
    assert rotator.verify(new.secret).liveness is Liveness.LIVE
    assert rotator.verify(Secret(leaked.token)).liveness is Liveness.LIVE  # until revoked
    rotator.revoke(key)
    rotator.revoke(key)  # gone already: the documented 404
    dead = rotator.verify(Secret(leaked.token))
    assert (dead.liveness, dead.reason) == (
        Liveness.DEAD,
        "Heroku does not accept the token (unauthorized)",
    )
    assert fake_heroku.live_tokens() == {fake_heroku.admin_token, new.secret.reveal()}
    assert all(r.headers.get("accept") == VERSION for r in fake_heroku.requests)


@pytest.mark.parametrize(
    "failure",
    [{"status": 500}, {"status": 429, "retry_after": "1"}, {"status": 200, "html": True}],
)
def test_verify_unknown_on_trouble(
    fake_heroku: FakeHeroku, http_client: httpx.Client, failure: dict
) -> None:
    leaked = fake_heroku.add_authorization("x")
    fake_heroku.fail_next("/account", **failure)
    assert on(fake_heroku, http_client).verify(Secret(leaked.token)).liveness is Liveness.UNKNOWN


def test_an_oauth_client_token_is_revoked_not_reissued(
    fake_heroku: FakeHeroku, http_client: httpx.Client
) -> None:
    leaked = fake_heroku.add_authorization(
        "app", ["identity"], client="c0ffee00-0000-4000-8000-00000000c11e"
    )
    rotator = on(fake_heroku, http_client)
    key = found(rotator, leaked.token)
    with pytest.raises(PermanentError, match="OAuth client"):
        rotator.reissue(key, "rot-1")
    assert fake_heroku.paths("POST") == []
    rotator.revoke(key)
    assert leaked.id not in fake_heroku.authorizations


def test_another_users_token_gets_no_global_replacement(
    fake_heroku: FakeHeroku, http_client: httpx.Client
) -> None:
    theirs = fake_heroku.add_authorization("theirs", user="0a1b2c3d-0000-4000-8000-000000000002")
    rotator = on(fake_heroku, http_client)
    assert rotator.find_key(Secret(theirs.token)) is None
    with pytest.raises(PermanentError, match="scope is unknown"):
        rotator.reissue(KeyRef("heroku", theirs.id), "rot-1")
    assert fake_heroku.paths("POST") == []


def test_pages_are_followed_and_a_lost_replacement_is_found(
    fake_heroku: FakeHeroku, http_client: httpx.Client
) -> None:
    fake_heroku.page_size = 3
    leaked = fake_heroku.add_authorization("ci")
    for n in range(7):
        fake_heroku.add_authorization(f"other-{n}")
    rotator = on(fake_heroku, http_client)
    key = found(rotator, leaked.token)
    new = rotator.reissue(key, "0b5e4c1a-1111-4222-8333-444455556666-g1")
    before = len(fake_heroku.requests)
    listed = rotator.list_keys()
    assert len(listed) == len(fake_heroku.authorizations) == 10
    ranges = [r.headers.get("range") for r in fake_heroku.requests[before:]]
    assert len(ranges) == 4
    assert ranges[0] == "id ..; max=1000"
    assert all(r is not None and r.startswith("id ]") for r in ranges[1:])
    lost = rotator.find_unrecorded(
        key, "0b5e4c1a-1111-4222-8333-444455556666-g1", datetime.now(UTC)
    )
    assert [k.key_id for k in lost.keys] == [new.key_id]


def test_a_repeated_reissue_deletes_its_own_earlier_authorization(
    fake_heroku: FakeHeroku, http_client: httpx.Client
) -> None:
    leaked = fake_heroku.add_authorization("ci")
    rotator = on(fake_heroku, http_client)
    key = found(rotator, leaked.token)
    first = rotator.reissue(key, "rot-1")
    again = rotator.reissue(key, "rot-1")
    assert str(first.key_id) not in fake_heroku.authorizations
    named = [a.id for a in fake_heroku.authorizations.values() if a.description == "leakward-rot-1"]
    assert named == [again.key_id]


def test_reissue_from_a_snapshot_once_the_authorization_is_gone(
    fake_heroku: FakeHeroku, http_client: httpx.Client
) -> None:
    leaked = fake_heroku.add_authorization("ci", ["read-protected"])
    rotator = on(fake_heroku, http_client)
    key = found(rotator, leaked.token)
    snapshot = rotator.read_settings(key)
    assert snapshot == {"scope": ["read-protected"], "expires_in": None, "client": None}
    rotator.revoke(key)
    assert rotator.read_settings(key) is None
    new = rotator.reissue(KeyRef("heroku", key.key_id, settings=snapshot), "rot-1")
    assert fake_heroku.authorizations[str(new.key_id)].scope == ["read-protected"]


def test_a_leaked_token_revokes_itself_without_a_managing_token(
    fake_heroku: FakeHeroku, http_client: httpx.Client
) -> None:
    leaked = fake_heroku.add_authorization("ci")
    rotator = on(fake_heroku, http_client, admin=False)
    key = found(rotator, leaked.token)
    rotator.revoke(key, Secret(leaked.token))
    assert leaked.id not in fake_heroku.authorizations
    with pytest.raises(PermanentError, match="HEROKU_ADMIN_TOKEN"):
        rotator.reissue(key, "rot-1")
