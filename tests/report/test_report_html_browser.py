"""The HTML report in a real browser: headless Chromium from the system packages, driven by
Playwright, on a report the CLI wrote for a real git repository verified against a fake GitHub.

Asserts what a person sees while using the filters and the search, that the page asks for
nothing beyond its own file (every request is routed; any other URL fails the test), and that
nothing from the scanned repository runs as script. Screenshots go to the test's tmp_path, and
also to $LEAKWARD_SCREENSHOTS when set (tests/browser.py, which also makes a missing Chromium
fail in CI).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser import CHROMIUM, require_browser, screenshot
from tests.fakes.github import FakeGitHub, Token
from tests.scanner.tokens import github_token, random_body

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page, Request, Route

LIVE = github_token("ghp_", random_body(301))
DEAD = github_token("ghp_", random_body(302))
DB_PASSWORD = "por6hjvDZT3TXSctrW01"
HOSTILE_NAME = "<img src=x onerror=alert(1)>.env"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        launched.close()


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        yield server


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def leaky_repository(root: Path) -> Path:
    """Two commits on main, a tag: a live and a dead GitHub token, a database password."""
    repo = root / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Ada Lovelace")
    git(repo, "config", "user.email", "ada@example.test")
    (repo / "src").mkdir()
    (repo / "src" / "app.py").write_text(f'TOKEN = "{LIVE}"\n')
    (repo / "src" / HOSTILE_NAME).write_text(f"OLD_TOKEN={DEAD}\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add the <script>alert(2)</script> client")
    (repo / "config.env").write_text(f"DATABASE_URL=postgres://app:{DB_PASSWORD}@db.internal/app\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Configure the database")
    git(repo, "tag", "v1.0")
    return repo


def write_report(tmp_path: Path, github: FakeGitHub) -> Path:
    github.tokens[LIVE] = Token(LIVE, "pat", "octocat")
    repo = leaky_repository(tmp_path)
    report = tmp_path / "report.html"
    done = subprocess.run(
        [sys.executable, "-m", "leakward", "scan", "--git", str(repo), "--verify",
         "--format", "html", "--output", str(report)],
        capture_output=True,
        env={**os.environ, "LEAKWARD_API_GITHUB": github.url},
        check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert b"Found 3 secrets" in done.stderr
    return report


def visible_files(page: Page) -> list[str]:
    return page.locator("section.file:visible h2").all_inner_texts()


def test_a_person_filters_and_searches_the_report(
    browser: Browser, github: FakeGitHub, tmp_path: Path
) -> None:
    report = write_report(tmp_path, github)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    troubles: list[str] = []

    def only_the_file(route: Route, request: Request) -> None:
        if request.url.startswith("file://"):
            route.continue_()
        else:
            outside.append(request.url)
            route.abort()

    page.route("**/*", only_the_file)

    def no_dialog(dialog: Dialog) -> None:
        troubles.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", no_dialog)
    page.on("pageerror", lambda error: troubles.append(f"script error: {error}"))
    page.on("console", lambda m: troubles.append(m.text) if m.type == "error" else None)
    page.goto(report.as_uri())

    status = page.locator("#shown")
    assert status.inner_text() == "Showing 3 of 3 findings"
    # The live key's file first; the hostile file name is shown as the text it is.
    assert visible_files(page) == ["src/app.py", "config.env", f"src/{HOSTILE_NAME}"]
    cards = dict(reversed(card.split("\n")) for card in page.locator(".card").all_inner_texts())
    assert {label: cards[label] for label in ("findings", "critical", "high")} == {
        "findings": "3",
        "critical": "2",
        "high": "1",
    }
    # the database has no verifier: unknown, never dead
    assert [cards[f"{state} keys"] for state in ("live", "unknown", "dead")] == ["1", "1", "1"]
    assert cards["files scanned"] == "3"
    app = page.locator("section.file", has_text="src/app.py")
    assert "octocat" in app.inner_text()
    assert "Add the <script>alert(2)</script> client" in page.locator("body").inner_text()
    assert "refs/heads/main, refs/tags/v1.0" in app.inner_text()
    screenshot(page, tmp_path, "html-report-1-all")

    page.get_by_label("dead").uncheck()
    assert status.inner_text() == "Showing 2 of 3 findings"
    assert visible_files(page) == ["src/app.py", "config.env"]
    page.get_by_label("unknown").uncheck()
    assert visible_files(page) == ["src/app.py"]
    screenshot(page, tmp_path, "html-report-2-live-only")

    page.get_by_role("button", name="Reset").click()
    page.get_by_label("Search findings").fill("database")
    assert visible_files(page) == ["config.env"]
    page.get_by_label("Search findings").fill("ada lovelace configure")
    assert visible_files(page) == ["config.env"]
    screenshot(page, tmp_path, "html-report-3-search")

    page.get_by_label("Search findings").fill("")
    page.locator("input[data-filter=severity][value=critical]").uncheck()
    page.locator("input[data-filter=provider][value=database]").uncheck()
    assert status.inner_text() == "Showing 0 of 3 findings"
    assert page.get_by_text("No finding matches these filters.").is_visible()
    screenshot(page, tmp_path, "html-report-4-nothing-matches")

    page.get_by_role("button", name="Reset").click()
    assert status.inner_text() == "Showing 3 of 3 findings"
    html = page.content()
    for secret in (LIVE, DEAD, DB_PASSWORD):
        assert secret not in html
    assert outside == []
    assert troubles == []
    assert sorted(p.name for p in (tmp_path / "screenshots").iterdir()) == [
        "html-report-1-all.png",
        "html-report-2-live-only.png",
        "html-report-3-search.png",
        "html-report-4-nothing-matches.png",
    ]
