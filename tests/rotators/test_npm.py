"""npm rotator (revoke-only): a token found by its shown beginning, revoked by key (its value
never in a URL), an OTP demand said as such, and only the registry's Bearer 401 read as dead."""

from __future__ import annotations

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import Capability, KeyRef, Liveness, PermanentError
from leakward.rotators.providers.npm import NpmRotator
from tests.fakes.npm import PAGE, FakeNpm


def on(fake: FakeNpm, client: httpx.Client, *, admin: bool = True) -> NpmRotator:
    key = Secret(fake.admin_token) if admin else None
    return NpmRotator(client, admin_key=key, base_url=fake.url)


def test_verify_and_revoke_by_key(fake_npm: FakeNpm, http_client: httpx.Client) -> None:
    leaked = fake_npm.add_token()
    for _ in range(2 * PAGE):  # the leaked token is on the first of three pages
        fake_npm.add_token()
    rotator = on(fake_npm, http_client)
    verdict = rotator.verify(Secret(leaked.value))
    assert (verdict.liveness, verdict.identity) == (Liveness.LIVE, FakeNpm.USER)
    assert rotator.find_key(Secret(leaked.value)) == KeyRef("npm", leaked.key)
    rotator.revoke(KeyRef("npm"), Secret(leaked.value))
    rotator.revoke(KeyRef("npm"), Secret(leaked.value))  # no longer listed: done
    assert rotator.verify(Secret(leaked.value)).liveness is Liveness.DEAD
    assert leaked.value not in fake_npm.values()
    assert all(leaked.value not in r.path for r in fake_npm.requests)
    assert len(rotator.list_keys()) == 2 * PAGE + 1


def test_a_leaked_token_revokes_itself_without_a_managing_token(
    fake_npm: FakeNpm, http_client: httpx.Client
) -> None:
    leaked = fake_npm.add_token()
    on(fake_npm, http_client, admin=False).revoke(KeyRef("npm"), Secret(leaked.value))
    assert leaked.value not in fake_npm.values()


def test_an_account_that_asks_for_a_one_time_password_stops_the_revoke(
    fake_npm: FakeNpm, http_client: httpx.Client
) -> None:
    leaked = fake_npm.add_token()
    fake_npm.otp_for_writes = True
    with pytest.raises(PermanentError, match="one-time password"):
        on(fake_npm, http_client).revoke(KeyRef("npm"), Secret(leaked.value))
    assert leaked.value in fake_npm.values()


def test_no_replacement_is_minted(fake_npm: FakeNpm, http_client: httpx.Client) -> None:
    rotator = on(fake_npm, http_client)
    assert rotator.capability_for(KeyRef("npm")) is Capability.REVOKE_ONLY
    with pytest.raises(PermanentError, match="password"):
        rotator.reissue(KeyRef("npm"), "rot-1")
    assert fake_npm.requests == []


@pytest.mark.parametrize(
    "failure",
    [{"status": 500}, {"status": 429, "retry_after": "1"}, {"status": 200, "html": True}],
)
def test_verify_unknown_on_trouble(
    fake_npm: FakeNpm, http_client: httpx.Client, failure: dict
) -> None:
    leaked = fake_npm.add_token()
    fake_npm.fail_next("/-/whoami", **failure)
    assert on(fake_npm, http_client).verify(Secret(leaked.value)).liveness is Liveness.UNKNOWN
