"""Slack rotator: auth.test verdicts, revoke-only tokens, refresh and config-token rotation."""

from __future__ import annotations

import httpx
import pytest

from leakward.secret import Secret
from rotators.base import KeyRef, Liveness, PermanentError
from rotators.slack import SlackRotator
from tests.fakes.slack import FakeSlack


def test_plain_bot_token_is_revoke_only(fake_slack: FakeSlack, http_client: httpx.Client) -> None:
    leaked = Secret(fake_slack.add_token())
    rotator = SlackRotator(http_client, base_url=fake_slack.url + "/api")
    verdict = rotator.verify(leaked)
    assert verdict.liveness is Liveness.LIVE
    assert verdict.identity == "T1/U1"
    with pytest.raises(PermanentError, match="Reinstall"):
        rotator.reissue(KeyRef("slack", "B1"), "t")
    rotator.revoke(KeyRef("slack", "B1"), leaked)
    rotator.revoke(KeyRef("slack", "B1"), leaked)  # invalid_auth now: already revoked
    assert rotator.verify(leaked).liveness is Liveness.DEAD


def test_rotating_token_full_cycle(fake_slack: FakeSlack, http_client: httpx.Client) -> None:
    leaked = Secret(fake_slack.add_token("xoxe.xoxb-"))
    refresh = {"B1": Secret(fake_slack.add_refresh_token())}
    kept: list[Secret] = []
    rotator = SlackRotator(
        http_client,
        base_url=fake_slack.url + "/api",
        client_id=FakeSlack.CLIENT_ID,
        client_secret=Secret(fake_slack.client_secret),
        refresh_tokens=lambda key: refresh.get(key.key_id or ""),
        keep_refresh_token=lambda key, new: kept.append(new),
    )
    key = KeyRef("slack", "B1", attributes=(("kind", "rotating"),))
    new = rotator.reissue(key, "rot-1")
    assert rotator.verify(new.secret).liveness is Liveness.LIVE
    assert new.expires_at == "43200"
    assert len(kept) == 1
    assert kept[0].reveal() in fake_slack.refresh_tokens
    rotator.revoke(key, leaked)
    assert rotator.verify(leaked).liveness is Liveness.DEAD
    # The used refresh token is dead: a blind retry is refused, not silently repeated.
    with pytest.raises(PermanentError, match="invalid_refresh_token"):
        rotator.reissue(key, "rot-1")


def test_config_token_rotation(fake_slack: FakeSlack, http_client: httpx.Client) -> None:
    refresh = Secret(fake_slack.add_refresh_token())
    rotator = SlackRotator(
        http_client, base_url=fake_slack.url + "/api", refresh_tokens=lambda key: refresh
    )
    new = rotator.reissue(KeyRef("slack", "cfg", attributes=(("kind", "config"),)), "t")
    assert new.secret.reveal().startswith("xoxe.xoxb-")
    assert new.expires_at == "1763892000"


def test_rate_limit_is_unknown(fake_slack: FakeSlack, http_client: httpx.Client) -> None:
    leaked = Secret(fake_slack.add_token())
    fake_slack.fail_next("/api/auth.test", status=429, retry_after="30")
    rotator = SlackRotator(http_client, base_url=fake_slack.url + "/api")
    assert rotator.verify(leaked).liveness is Liveness.UNKNOWN


def test_a_token_needs_its_value_to_be_revoked(
    fake_slack: FakeSlack, http_client: httpx.Client
) -> None:
    leaked = Secret(fake_slack.add_token())
    rotator = SlackRotator(http_client, base_url=fake_slack.url + "/api")
    with pytest.raises(PermanentError, match="only be revoked with its own value"):
        rotator.revoke(KeyRef("slack", "B1"))
    assert rotator.verify(leaked).liveness is Liveness.LIVE
