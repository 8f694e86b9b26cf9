"""Cloudflare account-owned tokens: checked in their account, rolled in place, deleted."""

from __future__ import annotations

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness, PermanentError
from leakward.rotators.providers.cloudflare_account import CloudflareAccountTokenRotator
from tests.fakes.cloudflare_account import ACCOUNT, FakeCloudflareAccount


def on(fake: FakeCloudflareAccount, client: httpx.Client) -> CloudflareAccountTokenRotator:
    return CloudflareAccountTokenRotator(
        client, admin_key=Secret(fake.admin_token), base_url=fake.url
    )


def test_roll_then_delete(
    fake_cloudflare_account: FakeCloudflareAccount, http_client: httpx.Client
) -> None:
    fake = fake_cloudflare_account
    token_id, value = fake.add_token("dns-edit")
    rotator = on(fake, http_client)
    key = rotator.find_key(Secret(value), ACCOUNT)
    assert key == KeyRef("cloudflare_account", token_id, ACCOUNT)
    assert rotator.verify(Secret(value), key).liveness is Liveness.LIVE
    new = rotator.reissue(key, "rot-1")
    assert new.key_id == token_id  # the same token, a new value
    assert rotator.verify(Secret(value), key).liveness is Liveness.DEAD
    assert rotator.verify(new.secret, key).liveness is Liveness.LIVE
    rotator.revoke(key)
    rotator.revoke(key)  # gone already: 404
    assert fake.live_values() == {fake.admin_token}


def test_without_its_account_a_token_is_unknown_not_dead(
    fake_cloudflare_account: FakeCloudflareAccount, http_client: httpx.Client
) -> None:
    _, value = fake_cloudflare_account.add_token("dns-edit")
    verdict = on(fake_cloudflare_account, http_client).verify(Secret(value))
    assert verdict.liveness is Liveness.UNKNOWN
    assert fake_cloudflare_account.requests == []


def test_a_token_of_another_account_is_not_found_there(
    fake_cloudflare_account: FakeCloudflareAccount, http_client: httpx.Client
) -> None:
    _, value = fake_cloudflare_account.add_token("elsewhere", account="f" * 32)
    rotator = on(fake_cloudflare_account, http_client)
    assert rotator.find_key(Secret(value), ACCOUNT) is None
    assert rotator.verify(Secret(value), KeyRef("cloudflare_account", None, "f" * 32)).liveness is (
        Liveness.LIVE
    )


def test_a_managing_token_without_the_permission_is_told_so(
    fake_cloudflare_account: FakeCloudflareAccount, http_client: httpx.Client
) -> None:
    token_id, value = fake_cloudflare_account.add_token("dns-edit")
    weak = CloudflareAccountTokenRotator(
        http_client, admin_key=Secret(value), base_url=fake_cloudflare_account.url
    )
    with pytest.raises(PermanentError, match="403"):
        weak.reissue(KeyRef("cloudflare_account", token_id, ACCOUNT), "rot-1")
    with pytest.raises(PermanentError, match="its account"):
        weak.revoke(KeyRef("cloudflare_account", token_id))
