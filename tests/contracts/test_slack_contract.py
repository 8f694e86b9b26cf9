"""Slack: the rotator's requests and the fake's answers fit the Web API methods leakward calls
(specs/slack.yaml, written by hand from @slack/web-api's generated types and Slack's method
pages; its header names the source of each fact).

Slack refuses with HTTP 200 and `{"ok": false, "error": CODE}`, so the refusals are checked as
bodies of the 200 answer: the code must be one the method documents.
"""

from __future__ import annotations

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness, PermanentError, TransientError
from leakward.rotators.providers.slack import SlackRotator
from tests.contracts.openapi_contract import Contract, Exchange, Traffic, assert_conforms
from tests.fakes.slack import FakeSlack

CONTRACT = Contract.named("slack", error_schema="Error")


def rotator_on(fake: FakeSlack, traffic: Traffic, refresh: dict[str, Secret]) -> SlackRotator:
    return SlackRotator(
        traffic.client(),
        base_url=fake.url + "/api",
        client_id=FakeSlack.CLIENT_ID,
        client_secret=Secret(fake.client_secret),
        refresh_tokens=lambda key: refresh.get(key.key_id or ""),
        keep_refresh_token=lambda key, new: refresh.__setitem__(key.key_id or "", new),
    )


def errors(traffic: Traffic) -> list[str]:
    return [str(e.response.json().get("error")) for e in traffic.exchanges]


def test_rotating_token_fits_the_spec(fake_slack: FakeSlack) -> None:
    leaked = Secret(fake_slack.add_token("xoxe.xoxb-"))
    refresh = {"B1": Secret(fake_slack.add_refresh_token())}
    used = refresh["B1"]
    traffic = Traffic()
    rotator = rotator_on(fake_slack, traffic, refresh)
    key = KeyRef("slack", "B1", attributes=(("kind", "rotating"),))
    assert rotator.verify(leaked).liveness is Liveness.LIVE
    new = rotator.reissue(key, "rot-1")
    rotator.revoke(key, leaked)
    rotator.revoke(key, leaked)  # revoked already: token_revoked
    assert rotator.verify(leaked).liveness is Liveness.DEAD
    assert rotator.verify(new.secret).liveness is Liveness.LIVE
    refresh["B1"] = used
    with pytest.raises(PermanentError, match="invalid_refresh_token"):
        rotator.reissue(key, "rot-1")  # a used refresh token: refused with ok false
    assert errors(traffic).count("token_revoked") == 2
    assert_conforms(CONTRACT, traffic)


def test_config_token_rotation_fits_the_spec(fake_slack: FakeSlack) -> None:
    leaked = Secret(fake_slack.add_token("xoxe.xoxp-"))
    refresh = {"A1": Secret(fake_slack.add_refresh_token())}
    traffic = Traffic()
    rotator = rotator_on(fake_slack, traffic, refresh)
    key = KeyRef("slack", "A1", attributes=(("kind", "config"),))
    new = rotator.reissue(key, "rot-1")
    rotator.reissue(key, "rot-2")  # with the refresh token the first answer handed out
    rotator.revoke(key, leaked)
    assert rotator.verify(new.secret).liveness is Liveness.LIVE
    assert traffic.operations().count("POST /api/tooling.tokens.rotate") == 2
    assert_conforms(CONTRACT, traffic)


def test_refusals_fit_the_spec(fake_slack: FakeSlack) -> None:
    """Answers with ok false that the rotator reads: a wrong app secret, tokens never issued."""
    refresh = {"B1": Secret(fake_slack.add_refresh_token()), "A1": Secret("xoxe-1-" + "0" * 40)}
    traffic = Traffic()
    rotator = SlackRotator(
        traffic.client(),
        base_url=fake_slack.url + "/api",
        client_id=FakeSlack.CLIENT_ID,
        client_secret=Secret("not-the-secret"),
        refresh_tokens=lambda key: refresh.get(key.key_id or ""),
    )
    with pytest.raises(PermanentError, match="bad_client_secret"):
        rotator.reissue(KeyRef("slack", "B1", attributes=(("kind", "rotating"),)), "t")
    with pytest.raises(PermanentError, match="invalid_refresh_token"):
        rotator.reissue(KeyRef("slack", "A1", attributes=(("kind", "config"),)), "t")
    # A token never issued gets invalid_auth, which a live token refused by its IP allowlist
    # gets too: unknown, not dead.
    assert rotator.verify(Secret("xoxb-" + "0" * 40)).liveness is Liveness.UNKNOWN
    assert errors(traffic) == ["bad_client_secret", "invalid_refresh_token", "invalid_auth"]
    assert_conforms(CONTRACT, traffic)


@pytest.mark.parametrize(
    ("method", "kind"),
    [
        ("auth.test", "rotating"),
        ("auth.revoke", "rotating"),
        ("oauth.v2.access", "rotating"),
        ("tooling.tokens.rotate", "config"),
    ],
)
def test_rate_limits_fit_the_spec(fake_slack: FakeSlack, method: str, kind: str) -> None:
    leaked = Secret(fake_slack.add_token("xoxe.xoxb-"))
    refresh = {"B1": Secret(fake_slack.add_refresh_token())}
    fake_slack.limit_next(method)
    traffic = Traffic()
    rotator = rotator_on(fake_slack, traffic, refresh)
    key = KeyRef("slack", "B1", attributes=(("kind", kind),))
    if method == "auth.test":
        verdict = rotator.verify(leaked)
        assert (verdict.liveness, verdict.retry_after) == (Liveness.UNKNOWN, 30.0)
    elif method == "auth.revoke":
        with pytest.raises(TransientError, check=lambda e: e.retry_after == 30.0):
            rotator.revoke(key, leaked)
    else:
        with pytest.raises(TransientError, check=lambda e: e.retry_after == 30.0):
            rotator.reissue(key, "rot-1")
        assert fake_slack.refresh_tokens == {refresh["B1"].reveal()}  # not spent: retry works
    assert [e.response.status_code for e in traffic.exchanges] == [429]
    assert_conforms(CONTRACT, traffic)


def exchange(path: str, body: object, status: int = 200, **headers: str) -> Exchange:
    request = httpx.Request(
        "POST", f"https://slack.com/api/{path}", headers={"Authorization": "Bearer xoxb-1"}
    )
    return Exchange(request, httpx.Response(status, json=body, headers=headers))


def test_the_contract_reads_slacks_ok_false_bodies() -> None:
    """A refusal with a code the method does not document, a success missing what the method
    always sends, a 429 without its wait: each is reported, so the green tests mean something."""
    problems = CONTRACT.check(
        [
            exchange("auth.test", {"ok": False, "error": "no_such_code"}),
            exchange("auth.revoke", {"ok": True}),
            exchange("auth.test", {"ok": False, "error": "ratelimited"}, 429),
            exchange("auth.test", {"ok": False, "error": "invalid_auth"}),
        ]
    )
    assert [p.split(":")[0] for p in problems] == [
        "POST /api/auth.test -> 200",
        "POST /api/auth.revoke -> 200",
        "POST /api/auth.test -> 429",
    ]
