"""Datadog rotator: keys found by last4 and read-back, the 50-key cap, the org's last key kept,
and a key called dead only when every site refuses it."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness, PermanentError
from leakward.rotators.providers.datadog import DATADOG_SITES, DatadogRotator
from tests.fakes.datadog import CAP, FakeDatadog


def on(fake: FakeDatadog, client: httpx.Client) -> DatadogRotator:
    return DatadogRotator(
        client, admin_key=Secret(fake.admin_key), app_key=Secret(fake.app_key), base_url=fake.url
    )


def found(rotator: DatadogRotator, value: str) -> KeyRef:
    return rotator.find_key(Secret(value)) or pytest.fail("the key was not found")


def test_full_cycle(fake_datadog: FakeDatadog, http_client: httpx.Client) -> None:
    key_id, value = fake_datadog.add_key("agent", remote_config=True)
    rotator = on(fake_datadog, http_client)
    assert rotator.verify(Secret(value)).liveness is Liveness.LIVE
    key = found(rotator, value)
    assert (key.key_id, key.hint) == (key_id, "agent")
    new = rotator.reissue(key, "rot-1")
    assert fake_datadog.keys[str(new.key_id)]["remote_config_read_enabled"] is True
    assert rotator.verify(new.secret).liveness is Liveness.LIVE
    rotator.revoke(key)
    rotator.revoke(key)  # gone already: the documented 404
    assert rotator.verify(Secret(value)).liveness is Liveness.DEAD
    assert fake_datadog.values() == {fake_datadog.admin_key, new.secret.reveal()}
    sent = [r for r in fake_datadog.requests if r.path.startswith("/api/v2/")]
    assert all(r.headers.get("dd-application-key") == fake_datadog.app_key for r in sent)


def test_a_key_is_matched_by_its_value_not_only_its_last_four(
    fake_datadog: FakeDatadog, http_client: httpx.Client
) -> None:
    _, value = fake_datadog.add_key("agent")
    twin_id, _ = fake_datadog.add_key("twin")
    fake_datadog.keys[twin_id]["last4"] = value[-4:]  # same last four, another key
    rotator = on(fake_datadog, http_client)
    assert found(rotator, value).hint == "agent"


def test_the_cap_stops_before_creating(
    fake_datadog: FakeDatadog, http_client: httpx.Client
) -> None:
    key_id, _ = fake_datadog.add_key("leaked")
    while len(fake_datadog.keys) < CAP:
        fake_datadog.add_key("filler")
    with pytest.raises(PermanentError, match="cap 50"):
        on(fake_datadog, http_client).reissue(KeyRef("datadog", key_id), "rot-1")
    assert fake_datadog.paths("POST") == []


def test_the_organizations_last_key_is_not_deleted(
    fake_datadog: FakeDatadog, http_client: httpx.Client
) -> None:
    only = next(iter(fake_datadog.keys))
    with pytest.raises(PermanentError, match="only API key"):
        on(fake_datadog, http_client).revoke(KeyRef("datadog", only))
    assert fake_datadog.paths("DELETE") == []


def test_a_repeated_reissue_replaces_its_own_earlier_key_and_a_lost_one_is_found(
    fake_datadog: FakeDatadog, http_client: httpx.Client
) -> None:
    key_id, _ = fake_datadog.add_key("agent")
    for n in range(120):  # two pages of 100
        fake_datadog.keys[f"filler-{n}"] = dict(fake_datadog.keys[key_id], name=f"f{n}")
    rotator = on(fake_datadog, http_client)
    token = "0b5e4c1a-1111-4222-8333-444455556666-g1"
    first = rotator.list_keys()
    assert len(first) == len(fake_datadog.keys)
    fake_datadog.keys = {k: v for k, v in fake_datadog.keys.items() if not k.startswith("filler")}
    made = rotator.reissue(KeyRef("datadog", key_id), token)
    again = rotator.reissue(KeyRef("datadog", key_id), token)
    assert str(made.key_id) not in fake_datadog.keys
    lost = rotator.find_unrecorded(KeyRef("datadog", key_id), token, datetime.now(UTC))
    assert [k.key_id for k in lost.keys] == [again.key_id]


def test_an_application_key_is_never_called_dead(
    fake_datadog: FakeDatadog, http_client: httpx.Client
) -> None:
    verdict = on(fake_datadog, http_client).verify(Secret(fake_datadog.app_key))
    assert verdict.liveness is Liveness.UNKNOWN
    assert fake_datadog.requests == []


@pytest.mark.parametrize(
    "failure",
    [{"status": 500}, {"status": 429, "retry_after": "1"}, {"status": 200, "html": True}],
)
def test_verify_unknown_on_trouble(
    fake_datadog: FakeDatadog, http_client: httpx.Client, failure: dict
) -> None:
    _, value = fake_datadog.add_key("agent")
    fake_datadog.fail_next("/api/v1/validate", **failure)
    assert on(fake_datadog, http_client).verify(Secret(value)).liveness is Liveness.UNKNOWN


def _sites_answering(live_on: str | None) -> httpx.MockTransport:
    """Every site's validate endpoint: 200 on `live_on`, 403 elsewhere (a key of one site is
    unknown to the others)."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.host == f"api.{live_on}":
            return httpx.Response(200, json={"valid": True})
        return httpx.Response(403, json={"errors": ["Forbidden"]})

    return httpx.MockTransport(answer)


def test_a_key_of_another_site_is_live_not_dead() -> None:
    """Unpinned (scan --verify on the default URL), a key refused by US1 but accepted on EU is
    live; refused everywhere, it is dead."""
    key = Secret("0123456789abcdef" * 2)
    with httpx.Client(transport=_sites_answering("datadoghq.eu")) as client:
        verdict = DatadogRotator(client).verify(key)
    assert (verdict.liveness, verdict.identity) == (Liveness.LIVE, "datadoghq.eu")
    with httpx.Client(transport=_sites_answering(None)) as client:
        verdict = DatadogRotator(client).verify(key)
    assert verdict.liveness is Liveness.DEAD
    assert f"any of {len(DATADOG_SITES)} sites" in verdict.reason
