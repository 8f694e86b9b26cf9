"""Cloudflare rotator: roll through PUT …/value, the old value dead at once."""

from __future__ import annotations

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness, TransientError
from leakward.rotators.providers.cloudflare import CloudflareRotator
from tests.fakes.cloudflare import FakeCloudflare
from tests.rotators.scripted import Scripted


def on(fake: FakeCloudflare, client: httpx.Client) -> CloudflareRotator:
    return CloudflareRotator(client, admin_token=Secret(fake.admin_token), base_url=fake.url)


def test_full_cycle(fake_cloudflare: FakeCloudflare, http_client: httpx.Client) -> None:
    token_id, value = fake_cloudflare.add_token("dns-edit")
    rotator = on(fake_cloudflare, http_client)
    leaked = Secret(value)
    assert rotator.verify(leaked).liveness is Liveness.LIVE
    key = rotator.find_key(leaked)
    assert key is not None
    assert key.key_id == token_id
    new = rotator.reissue(key, "rot-1")
    assert rotator.verify(new.secret).liveness is Liveness.LIVE
    assert rotator.verify(leaked).liveness is Liveness.DEAD
    assert ("PUT", f"/user/tokens/{token_id}/value") in [
        (r.method, r.path) for r in fake_cloudflare.requests
    ]
    rotator.revoke(key)
    rotator.revoke(key)
    assert rotator.verify(new.secret).liveness is Liveness.DEAD


def test_disabled_token_is_dead() -> None:
    body = {"success": True, "result": {"id": "abc", "status": "disabled"}}
    script = Scripted(("GET", "/client/v4/user/tokens/verify", httpx.Response(200, json=body)))
    assert CloudflareRotator(script.client()).verify(Secret("x" * 40)).liveness is Liveness.DEAD


def test_roll_timeout_is_transient(
    fake_cloudflare: FakeCloudflare, http_client: httpx.Client
) -> None:
    token_id, _ = fake_cloudflare.add_token("dns-edit")
    rotator = on(fake_cloudflare, http_client)
    fake_cloudflare.fail_next(f"/user/tokens/{token_id}/value", hang=5)
    with pytest.raises(TransientError, match="in time"):
        rotator.reissue(KeyRef("cloudflare", token_id), "t")


def test_list_keys_reads_every_page(
    fake_cloudflare: FakeCloudflare, http_client: httpx.Client
) -> None:
    for n in range(60):
        fake_cloudflare.add_token(f"token-{n}")
    listed = [key.key_id for key in on(fake_cloudflare, http_client).list_keys()]
    assert sorted(listed, key=str) == sorted(fake_cloudflare.tokens)  # 60 and the managing one
    pages = [r for r in fake_cloudflare.requests if r.path.endswith("/user/tokens")]
    assert len(pages) == 2
