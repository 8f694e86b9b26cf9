"""Slack rotator: auth.test verdicts, revoke-only tokens, refresh and config-token rotation."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import Capability, KeyRef, Liveness, PermanentError
from leakward.rotators.providers.slack import SlackRotator
from tests.fakes.slack import FakeSlack


def _hours_from_now(iso: str | None) -> float:
    assert iso is not None
    when = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return (when - datetime.now(UTC)).total_seconds() / 3600


def test_plain_bot_token_is_revoke_only(fake_slack: FakeSlack, http_client: httpx.Client) -> None:
    leaked = Secret(fake_slack.add_token())
    rotator = SlackRotator(http_client, base_url=fake_slack.url + "/api")
    verdict = rotator.verify(leaked)
    assert verdict.liveness is Liveness.LIVE
    assert verdict.identity == "T1/U1"
    with pytest.raises(PermanentError, match="Reinstall"):
        rotator.reissue(KeyRef("slack", "B1"), "t")
    rotator.revoke(KeyRef("slack", "B1"), leaked)
    rotator.revoke(KeyRef("slack", "B1"), leaked)  # token_revoked now: already revoked
    assert rotator.verify(leaked).liveness is Liveness.DEAD


def test_a_token_refused_from_this_address_is_not_called_dead_nor_revoked(
    fake_slack: FakeSlack, http_client: httpx.Client
) -> None:
    # invalid_auth is also Slack's answer to a live token used outside its allowed IP ranges.
    leaked = fake_slack.add_token()
    fake_slack.restrict(leaked)
    rotator = SlackRotator(http_client, base_url=fake_slack.url + "/api")
    verdict = rotator.verify(Secret(leaked))
    assert verdict.liveness is Liveness.UNKNOWN
    assert "IP ranges" in verdict.reason
    with pytest.raises(PermanentError, match="revoke it from an allowed address"):
        rotator.revoke(KeyRef("slack", "B1"), Secret(leaked))
    assert leaked in fake_slack.live_tokens  # not revoked, and not recorded as revoked


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
    assert new.key_id is None  # a new token, not the leaked one: it has no public id
    assert _hours_from_now(new.expires_at) == pytest.approx(12, abs=0.01)
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
    assert _hours_from_now(new.expires_at) == pytest.approx(12, abs=0.01)


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


def test_environment_rotator_keeps_the_refresh_token_in_its_file(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """Each refresh token works once: the next one replaces it in the file at once, so a
    rotator built afresh (a resumed process) refreshes with it."""
    path = tmp_path / "slack.refresh"
    path.write_text(fake_slack.add_refresh_token() + "\n")
    environ = {
        "LEAKWARD_API_SLACK": fake_slack.url + "/api",
        "SLACK_CLIENT_ID": FakeSlack.CLIENT_ID,
        "SLACK_CLIENT_SECRET": fake_slack.client_secret,
        "SLACK_REFRESH_TOKEN_FILE": str(path),
    }
    key = KeyRef("slack", attributes=(("kind", "rotating"),))
    first = SlackRotator.from_environment(environ)
    assert first.capability_for(key) is Capability.FULL
    one = first.reissue(key, "rot-1")
    kept = path.read_text().strip()
    assert kept in fake_slack.refresh_tokens  # the live one; the used one is gone
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["slack.refresh"]  # no temporary left
    two = SlackRotator.from_environment(environ).reissue(key, "rot-2")
    assert path.read_text().strip() != kept
    for new in (one, two):
        assert first.verify(new.secret).liveness is Liveness.LIVE
    without = SlackRotator.from_environment({"LEAKWARD_API_SLACK": fake_slack.url + "/api"})
    assert without.capability_for(key) is Capability.REVOKE_ONLY
