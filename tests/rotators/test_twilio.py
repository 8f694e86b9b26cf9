"""Twilio rotator: key pairs verified with Basic auth, reissued via the v1 Key resource."""

from __future__ import annotations

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness, PermanentError, TransientError
from leakward.rotators.providers.twilio import TwilioRotator
from tests.fakes.twilio import FakeTwilio


def on(fake: FakeTwilio, client: httpx.Client) -> TwilioRotator:
    return TwilioRotator(
        client,
        account_sid=FakeTwilio.ACCOUNT,
        admin_secret=Secret(fake.auth_token),
        base_url=fake.url,
        api_url=fake.url,
    )


def test_full_cycle(fake_twilio: FakeTwilio, http_client: httpx.Client) -> None:
    sid, secret = fake_twilio.add_key()
    rotator = on(fake_twilio, http_client)
    leaked = Secret(f"{sid}:{secret}")
    assert rotator.verify(leaked).liveness is Liveness.LIVE
    new = rotator.reissue(KeyRef("twilio", sid), "rot-1")
    assert rotator.verify(new.secret).liveness is Liveness.LIVE
    rotator.revoke(KeyRef("twilio", sid))
    rotator.revoke(KeyRef("twilio", sid))
    assert rotator.verify(leaked).liveness is Liveness.DEAD
    assert list(fake_twilio.keys) == [new.key_id]
    create = next(r for r in fake_twilio.requests if r.method == "POST")
    assert create.form()["AccountSid"] == FakeTwilio.ACCOUNT


def test_repeated_reissue_keeps_one_replacement(
    fake_twilio: FakeTwilio, http_client: httpx.Client
) -> None:
    sid, _ = fake_twilio.add_key()
    rotator = on(fake_twilio, http_client)
    rotator.reissue(KeyRef("twilio", sid), "rot-1")
    second = rotator.reissue(KeyRef("twilio", sid), "rot-1")
    assert sorted(fake_twilio.keys) == sorted([sid, second.key_id])


def test_a_standard_key_cannot_manage_keys(
    fake_twilio: FakeTwilio, http_client: httpx.Client
) -> None:
    sid, secret = fake_twilio.add_key()
    rotator = TwilioRotator(
        http_client,
        account_sid=FakeTwilio.ACCOUNT,
        admin_secret=Secret(f"{sid}:{secret}"),
        base_url=fake_twilio.url,
    )
    with pytest.raises(PermanentError, match="401"):
        rotator.list_keys()


def test_trouble_maps_to_unknown_and_transient(
    fake_twilio: FakeTwilio, http_client: httpx.Client
) -> None:
    sid, secret = fake_twilio.add_key()
    rotator = on(fake_twilio, http_client)
    fake_twilio.fail_next("/2010-04-01/Accounts/", status=503)
    assert rotator.verify(Secret(f"{sid}:{secret}")).liveness is Liveness.UNKNOWN
    fake_twilio.fail_next("/v1/Keys", status=429, retry_after="5")
    with pytest.raises(TransientError) as caught:
        rotator.revoke(KeyRef("twilio", sid))
    assert caught.value.retry_after == 5.0


def test_listed_replacements_carry_their_issue_token(
    fake_twilio: FakeTwilio, http_client: httpx.Client
) -> None:
    sid, _ = fake_twilio.add_key()
    rotator = on(fake_twilio, http_client)
    token = "0b5e4c1a-1111-4222-8333-444455556666-g12"
    new = rotator.reissue(KeyRef("twilio", sid), token)
    tagged = [k for k in rotator.list_keys() if k.attribute("idempotency_token") == token]
    assert [k.key_id for k in tagged] == [new.key_id]


def test_every_page_of_keys_is_read_on_the_same_host_only(
    fake_twilio: FakeTwilio, http_client: httpx.Client
) -> None:
    """Twilio pages lists with an absolute next_page_url: follow it (the leaked key may sit on
    page 3), but never to another host, where the Auth Token would go with the request."""
    sids = [fake_twilio.add_key(f"k{n}")[0] for n in range(230)]
    rotator = on(fake_twilio, http_client)
    assert [ref.key_id for ref in rotator.list_keys()] == sids
    assert len(fake_twilio.paths("GET")) == 3
    fake_twilio.next_page_host = "http://127.0.0.2:9"
    with pytest.raises(PermanentError, match="another host"):
        rotator.list_keys()
    assert len(fake_twilio.paths("GET")) == 4  # the first page, and nothing sent elsewhere
