"""Usage alerts in a real browser: from the overview's count of open alerts to the alerts page,
along an alert's link to its rotation, and a dismissal an operator makes there, which the page
and the registry then show."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from leakward.registry import Registry
from leakward.registry.operator_actions import list_actions
from tests.browser import screenshot
from tests.dashboard.conftest import Served
from tests.dashboard.test_dashboard_browser import assert_no_secret, log_in
from tests.dashboard.test_usage_alerts import KNOWN, OWNER, STRANGER, raise_alerts
from tests.dashboard.world import PEPPER


def test_an_operator_follows_an_alert_to_its_rotation_and_dismisses_another(
    dashboard: Served, browser_page: Page, tmp_path: Path
) -> None:
    page, base = browser_page, dashboard.base
    alerts = raise_alerts(dashboard.db_url)
    log_in(page, base, "dana")

    expect(page.locator("#open-alerts")).to_have_text("1usage alerts open")
    page.locator("#open-alerts a").click()
    expect(page.locator("h1")).to_have_text("Usage alerts (open)")
    expect(page.locator("#usage-alerts tbody tr")).to_have_count(1)

    page.get_by_role("link", name="Usage alerts", exact=True).click()
    expect(page.locator("#usage-alerts tbody tr")).to_have_count(2)
    known = page.locator(f"#alert-{alerts[KNOWN]}")
    expect(known).to_contain_text(OWNER)
    expect(known).to_contain_text("handed-off")
    screenshot(page, tmp_path, "dashboard-usage-alerts")
    assert_no_secret(page)

    known.get_by_role("link", name="rotation").click()
    expect(page.locator("#rotation-status")).to_have_text("pending-approval")
    expect(page.locator("h1")).to_contain_text("Rotation")
    page.go_back()

    stranger = page.locator(f"#alert-{alerts[STRANGER]}")
    expect(stranger).to_contain_text("not in the registry")
    page.get_by_role("button", name=f"Dismiss alert {alerts[STRANGER]}").click()
    expect(page.locator(f"#alert-{alerts[STRANGER]}")).to_contain_text("dismissed")
    expect(page.get_by_role("button", name=f"Dismiss alert {alerts[STRANGER]}")).to_have_count(0)
    expect(page.locator("#dismissals tbody tr").first).to_contain_text("dana")
    expect(page.locator("#dismissals")).to_contain_text("dismissed as own use")
    screenshot(page, tmp_path, "dashboard-usage-alert-dismissed")

    page.get_by_role("link", name="Overview", exact=True).click()
    expect(page.locator("#open-alerts")).to_have_text("0usage alerts open")
    with Registry.open(dashboard.db_url, pepper=PEPPER) as registry:
        (dismissed,) = registry.usage.alerts(state="dismissed")
        (action,) = list_actions(registry.engine)
    assert dismissed.key_id == STRANGER
    assert (action.actor, action.channel, action.action) == ("dana", "dashboard", "dismiss-alert")
