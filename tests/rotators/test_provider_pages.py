"""docs/providers/*.md are what docs/providers_pages.py renders from the provider registry."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from leakward.rotators.providers.registry import PROVIDERS

ROOT = Path(__file__).resolve().parents[2]


def generator() -> ModuleType:
    script = ROOT / "docs" / "providers_pages.py"
    spec = importlib.util.spec_from_file_location("providers_pages", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_provider_page_is_up_to_date_and_no_other_exists() -> None:
    pages = generator().pages()
    folder = ROOT / "docs" / "providers"
    assert {path.name for path in folder.glob("*.md")} == set(pages), (
        "run `python docs/providers_pages.py`"
    )
    stale = [name for name, text in pages.items() if (folder / name).read_text() != text]
    assert not stale, f"{stale} are stale: run `python docs/providers_pages.py`"
    assert set(pages) == {f"{name}.md" for name in PROVIDERS}


def test_a_page_says_the_level_the_credentials_and_what_stays_manual() -> None:
    page = generator().render("github")
    assert "**Level: full.**" in page
    assert "`--attribute kind=installation`: `GITHUB_APP_ID`, `GITHUB_APP_PRIVATE_KEY`" in page
    assert "`github-actions:OWNER/REPO:NAME`" in page
    assert "## What stays manual" in page
    assert "**Level: verify-only.**" in generator().render("stripe")
