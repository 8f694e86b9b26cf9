"""The dashboard's usage alerts in a real `leakward serve`: alerts a real watch poll raised
against the fake OpenAI usage API, listed with owner, state and a link to the rotation each
started; the overview's count of open ones; and the dismiss action, operator-only, CSRF-checked
and written to the operator action log."""

from __future__ import annotations

import re
import time

import httpx

from leakward.core.secret import Secret
from leakward.registry import NewKey, Owner, Registry
from leakward.registry.operator_actions import list_actions
from leakward.registry.usage_alerts import record_alert
from leakward.usage.clients import OpenAIUsageClient
from leakward.usage.watch import Watch
from leakward.usage.watch_policy import WatchPolicy, WatchSettings
from tests.dashboard.conftest import TOKEN, Served
from tests.dashboard.test_dashboard_access import csrf_of
from tests.dashboard.world import PEPPER
from tests.fakes.openai_usage import FakeOpenAIUsage
from tests.usage.watch_world import HOUR, habit, theft, theft_start

BEARER = {"Authorization": f"Bearer {TOKEN}"}
KNOWN, STRANGER = "key_DashKnown01", "key_DashStranger01"
OWNER = "watched-owner@example.test"


def raise_alerts(db_url: str) -> dict[str, int]:
    """One real poll of the watch over weeks of two keys' habits and a theft of each: the key
    the registry knows is handed to rotation (waiting for approval), the stranger's alert stays
    open. Alert ids by key id."""
    now = int(time.time())
    with FakeOpenAIUsage() as usage, httpx.Client(timeout=30) as http:
        usage.plant(*habit(KNOWN, now), *theft(KNOWN, now))
        usage.plant(*habit(STRANGER, now - HOUR, seed=11), *theft(STRANGER, now - HOUR))
        client = OpenAIUsageClient(http, Secret(usage.admin_key), usage.url)
        environ = {"LEAKWARD_API_OPENAI": usage.url, "OPENAI_ADMIN_KEY": usage.admin_key}
        with Registry.open(db_url, pepper=PEPPER) as registry:
            registry.add_key(NewKey(provider="openai", owner=Owner(OWNER), key_id=KNOWN))
            report = Watch(
                registry, [client], WatchSettings(policy=WatchPolicy.APPROVE), environ
            ).poll()
            assert report.is_complete
            return {alert.key_id: alert.id for alert in registry.usage.alerts()}


def row(html: str, alert_id: int) -> str:
    found = re.search(rf'<tr id="alert-{alert_id}">(.*?)</tr>', html, re.DOTALL)
    assert found is not None, html[:800]
    return found.group(1)


def test_the_page_shows_each_alert_whose_key_and_its_rotation(dashboard: Served) -> None:
    alerts = raise_alerts(dashboard.db_url)
    with Registry.open(dashboard.db_url, pepper=PEPPER) as registry:
        (handed,) = registry.usage.alerts(state="handed-off")
    with httpx.Client(base_url=dashboard.base, timeout=30, headers=BEARER) as client:
        listing = client.get("/usage-alerts")
        opened = client.get("/usage-alerts?state=open")
        wrong = client.get("/usage-alerts?state=closed")
        home = client.get("/")
        rotation = client.get(f"/rotations/{handed.rotation_id}")

    assert listing.status_code == 200
    ids = re.findall(r'<tr id="alert-(\d+)">', listing.text)
    assert ids == [str(alerts[KNOWN]), str(alerts[STRANGER])]  # the newer theft first
    known = row(listing.text, alerts[KNOWN])
    assert OWNER in known
    assert f'<a href="/rotations/{handed.rotation_id}">rotation {handed.rotation_id}</a>' in known
    assert "(pending-approval)" in known
    assert time.strftime("%Y-%m-%d %H:00 UTC", time.gmtime(theft_start(int(time.time())))) in known
    stranger = row(listing.text, alerts[STRANGER])
    assert "not in the registry" in stranger
    assert "status-open" in stranger
    assert "/rotations/" not in stranger
    assert re.findall(r'<tr id="alert-(\d+)">', opened.text) == [str(alerts[STRANGER])]
    assert wrong.status_code == 400
    assert "state must be one of open, handed-off, dismissed" in wrong.text
    card = re.search(r'<div class="card" id="open-alerts">(.*?)</div>', home.text)
    assert card is not None
    assert card.group(1) == '<a href="/usage-alerts?state=open"><b>1</b>usage alerts open</a>'
    assert rotation.status_code == 200
    assert KNOWN in rotation.text


def test_dismiss_is_for_an_operator_with_the_form_token_and_is_logged(dashboard: Served) -> None:
    stranger = raise_alerts(dashboard.db_url)[STRANGER]
    path = f"/usage-alerts/{stranger}/dismiss"
    with httpx.Client(base_url=dashboard.base, timeout=30) as client:
        anonymous = client.post(path, data={"csrf": "0" * 64})
        hidden = client.get("/usage-alerts")
        bare = client.post(path, headers=BEARER)
        forged = client.post(path, headers=BEARER, data={"csrf": "0" * 64})
        with Registry.open(dashboard.db_url, pepper=PEPPER) as registry:
            assert [a.state for a in registry.usage.alerts(state="dismissed")] == []
            assert list_actions(registry.engine) == []
        csrf = csrf_of(client.get("/usage-alerts", headers=BEARER).text)
        done = client.post(path, headers=BEARER, data={"csrf": csrf})
        unknown = client.post("/usage-alerts/999/dismiss", headers=BEARER, data={"csrf": csrf})
        after = client.get("/usage-alerts", headers=BEARER)
        home = client.get("/", headers=BEARER)

    assert (anonymous.status_code, bare.status_code, forged.status_code) == (401, 403, 403)
    assert hidden.status_code == 401
    assert "Operator token" in hidden.text  # the login form, and no alert
    assert STRANGER not in hidden.text
    assert done.status_code == 303
    assert done.headers["location"] == f"/usage-alerts#alert-{stranger}"
    assert unknown.status_code == 303
    dismissed = row(after.text, stranger)
    assert "status-dismissed" in dismissed
    assert "Dismiss</button>" not in dismissed  # nothing left to dismiss
    assert f"usage alert {stranger} (openai {STRANGER}) dismissed as own use" in after.text
    assert "refused: no usage alert 999 in the registry" in after.text
    assert "<b>0</b>usage alerts open" in home.text
    with Registry.open(dashboard.db_url, pepper=PEPPER) as registry:
        (alert,) = registry.usage.alerts(state="dismissed")
        actions = list_actions(registry.engine)
    assert alert.id == stranger
    assert [(a.actor, a.channel, a.action) for a in actions] == [
        ("bearer token", "dashboard", "dismiss-alert")
    ] * 2


def test_long_lists_of_alerts_come_a_page_at_a_time_keeping_the_state(dashboard: Served) -> None:
    start = theft_start(int(time.time()))
    with (
        Registry.open(dashboard.db_url, pepper=PEPPER) as registry,
        registry.usage.transaction() as connection,
    ):
        for day in range(1, 131):  # a long-lived key's modest alerts, a day apart
            record_alert(
                connection,
                provider="anthropic",
                key_id="apikey_Old01",
                start=start - day * 24 * HOUR,
                end=start - day * 24 * HOUR + HOUR,
                score=1.3,
                reason="use at 03:00 UTC, an hour it worked never in 28 days",
            )
    with httpx.Client(base_url=dashboard.base, timeout=30, headers=BEARER) as client:
        first = client.get("/usage-alerts?state=open")
        second = client.get("/usage-alerts?state=open&page=2")
        wrong = client.get("/usage-alerts?page=0")

    first_ids = re.findall(r'<tr id="alert-(\d+)">', first.text)
    second_ids = re.findall(r'<tr id="alert-(\d+)">', second.text)
    assert (len(first_ids), len(second_ids)) == (100, 30)
    assert not set(first_ids) & set(second_ids)
    assert 'rel="next" href="?state=open&amp;page=2"' in first.text
    assert 'rel="prev" href="?state=open&amp;page=1"' in second.text
    assert wrong.status_code == 400
