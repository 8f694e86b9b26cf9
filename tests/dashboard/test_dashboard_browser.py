"""The dashboard in a real browser: log in, look at every page, retry and approve rotations,
and check what a person sees and what the registry then holds."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from leakward.registry import Registry
from leakward.registry import rotations as log
from leakward.registry.operator_actions import list_actions
from tests.browser import screenshot
from tests.dashboard.conftest import TOKEN, Served, served
from tests.dashboard.world import FAILURE, HOSTILE_PATH, OTHER_WORKER, PEPPER, SECRETS


def log_in(page: Page, base: str, name: str) -> None:
    refused = page.goto(base + "/")
    assert refused is not None
    assert refused.status == 401
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Operator token").fill(TOKEN)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("header .who")).to_have_text(f"signed in as {name}")


def assert_no_secret(page: Page) -> None:
    html = page.content()
    for secret in SECRETS.values():
        assert secret not in html
        assert secret[-12:] not in html


def test_an_operator_sees_every_page_and_retries_and_approves(
    dashboard: Served, browser_page: Page, tmp_path: Path
) -> None:
    page, base, world = browser_page, dashboard.base, dashboard.world
    page.goto(base + "/")
    screenshot(page, tmp_path, "dashboard-login")
    log_in(page, base, "alice")

    # Overview: two windows still open, one closed, drawn on the server as SVG.
    expect(page.locator(".card").first).to_contain_text("2leaks still exposed")
    expect(page.locator("#exposure-chart g.window.open")).to_have_count(2)
    expect(page.locator("#exposure-chart g.window.closed")).to_have_count(1)
    screenshot(page, tmp_path, "dashboard-overview")
    assert_no_secret(page)

    page.get_by_role("link", name="Leaks", exact=True).click()
    expect(page.locator("#leaks tbody tr")).to_have_count(3)
    public = page.locator(f"#leak-{world.leaks['public']}")
    expect(public).to_contain_text(HOSTILE_PATH)  # shown as text …
    assert page.title() == "Leaks · leakward"  # … never run
    expect(page.locator(f"#leak-{world.leaks['revoked']}")).to_contain_text("revoked 3h 0m")
    screenshot(page, tmp_path, "dashboard-leaks")
    assert_no_secret(page)

    page.get_by_role("link", name="Keys", exact=True).click()
    expect(page.locator("#keys tbody tr")).to_have_count(4)
    expect(page.locator(f"#key-{world.keys['busy']}")).to_contain_text("rotating")
    screenshot(page, tmp_path, "dashboard-keys")
    assert_no_secret(page)

    page.get_by_role("link", name="Rotations", exact=True).click()
    expect(page.locator("#rotations tbody tr")).to_have_count(4)
    expect(page.locator(f"#rotation-{world.rotations['busy']}")).to_contain_text("busy")
    screenshot(page, tmp_path, "dashboard-rotations")

    # The failed rotation says what failed and what to do; Retry moves it on.
    page.get_by_role("link", name=f"rotation {world.rotations['failed']}", exact=True).click()
    expect(page.locator("#steps")).to_contain_text(FAILURE)
    expect(page.locator("#next-action")).to_contain_text("Fix the cause, then retry it")
    screenshot(page, tmp_path, "dashboard-failed-rotation")
    page.get_by_role("button", name="Retry rotation").click()
    expect(page.locator("#rotation-status")).to_have_text("done")
    expect(page.locator("#operator-actions tbody tr").first).to_contain_text("alice")
    expect(page.locator("#operator-actions")).to_contain_text("is now done")
    screenshot(page, tmp_path, "dashboard-retried")

    page.goto(f"{base}/rotations/{world.rotations['waiting']}")
    page.get_by_role("button", name="Approve rotation").click()
    expect(page.locator("#rotation-status")).to_have_text("done")
    expect(page.get_by_text("approved by alice")).to_be_visible()

    page.goto(f"{base}/rotations/{world.rotations['busy']}")
    expect(page.locator("h1")).to_contain_text(f"busy in {OTHER_WORKER}")
    expect(page.get_by_role("button", name="Retry rotation")).to_have_count(0)
    screenshot(page, tmp_path, "dashboard-busy")

    with Registry.open(dashboard.db_url, pepper=PEPPER) as registry:
        failed = log.get(registry.engine, world.rotations["failed"])
        waiting = log.get(registry.engine, world.rotations["waiting"])
        actions = list_actions(registry.engine)
        key_status = registry.get_key(world.keys["failed"]).status
    assert (failed.status, waiting.status, waiting.approved_by) == ("done", "done", "alice")
    assert key_status == "active"
    assert [(a.actor, a.channel, a.action) for a in actions] == [
        ("alice", "dashboard", "retry"),
        ("alice", "dashboard", "approve"),
    ]

    page.get_by_role("button", name="Log out").click()
    gone = page.goto(base + "/rotations")
    assert gone is not None
    assert gone.status == 401


def test_on_postgresql_an_approval_lands_in_the_registry(
    postgres_url: str, browser_page: Page, tmp_path: Path
) -> None:
    with served(tmp_path, postgres_url, LEAKWARD_DASHBOARD_TOKEN=TOKEN) as up:
        log_in(browser_page, up.base, "bob")
        browser_page.goto(f"{up.base}/rotations?status=pending-approval")
        expect(browser_page.locator("#rotations tbody tr")).to_have_count(1)
        browser_page.get_by_role("link", name=f"rotation {up.world.rotations['waiting']}").click()
        browser_page.get_by_role("button", name="Approve rotation").click()
        expect(browser_page.locator("#rotation-status")).to_have_text("done")
        screenshot(browser_page, tmp_path, "dashboard-postgresql-approved")
        with Registry.open(postgres_url, pepper=PEPPER) as registry:
            waiting = log.get(registry.engine, up.world.rotations["waiting"])
            (action,) = list_actions(registry.engine)
    assert waiting.approved_by == "bob"
    assert (action.actor, action.action, action.rotation_id) == ("bob", "approve", waiting.id)
