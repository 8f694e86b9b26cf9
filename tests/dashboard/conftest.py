"""The dashboard suite: a real `leakward serve` on a registry built by tests/dashboard/world.py,
and headless Chromium from the system packages driven by Playwright.

Chromium, and where screenshots go, come from tests/browser.py: a missing Chromium fails the
browser tests in CI, so a dashboard nobody looked at cannot pass.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser import CHROMIUM, require_browser
from tests.dashboard.world import PEPPER, World, build_world
from tests.registry.conftest import _isolated_environment, postgres_url
from tests.webhooks.serve_process import serve_process

if TYPE_CHECKING:
    from playwright.sync_api import Page

__all__ = ["_isolated_environment", "postgres_url"]

TOKEN = "dashboard-operator-token-0123456789"  # invented for these tests


@dataclass(frozen=True, slots=True)
class Served:
    base: str
    db_url: str
    world: World
    log: Path


def server_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("LEAKWARD_") or key == "LEAKWARD_REQUIRE_SERVICES"
    }
    env.update(
        LEAKWARD_GITHUB_WEBHOOK_SECRET="dashboard-webhook-secret",
        LEAKWARD_PEPPER=PEPPER.decode(),
        HOME=str(tmp_path / "home"),
        **extra,
    )
    return env


@contextmanager
def served(tmp_path: Path, db_url: str, **env: str) -> Iterator[Served]:
    """`leakward serve` on a fresh world in `db_url`, until the block ends."""
    world = build_world(db_url)
    log = tmp_path / "serve.log"
    (tmp_path / "mirrors").mkdir(exist_ok=True)
    with serve_process(server_env(tmp_path, **env), db_url, tmp_path / "mirrors", log) as (_, base):
        yield Served(base, db_url, world, log)


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[Served]:
    """The dashboard with the operator token set, on SQLite."""
    with served(
        tmp_path, f"sqlite:///{tmp_path / 'registry.db'}", LEAKWARD_DASHBOARD_TOKEN=TOKEN
    ) as up:
        yield up


@pytest.fixture
def browser_page(tmp_path: Path) -> Iterator[Page]:
    """A page in headless system Chromium; in CI a missing Chromium fails the test."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(20_000)  # only stops a hung test
            yield page
        finally:
            browser.close()
