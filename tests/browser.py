"""What the browser tests share: Debian's Chromium, and where their screenshots go.

No browser is ever downloaded: Playwright launches /usr/bin/chromium (Debian's `chromium`
package). A missing Chromium or Playwright follows the suite's one rule for missing parts
(tests/services.py): it fails under LEAKWARD_REQUIRE_SERVICES=1, which .ci/run sets, and
elsewhere skips, saying what to install.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from tests.services import require_service

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")


def require_browser() -> None:
    """Fail (CI) or skip unless Chromium and Playwright are both here."""
    if not CHROMIUM.exists():
        require_service(f"{CHROMIUM} is missing: apt-get install -y chromium (Debian's package)")
    if importlib.util.find_spec("playwright") is None:
        require_service("playwright is missing: pip install -e '.[test]'")


def screenshot(page: Page, tmp_path: Path, name: str) -> Path:
    """Save what the page shows under the test's tmp_path, and $LEAKWARD_SCREENSHOTS if set."""
    path = tmp_path / "screenshots" / f"{name}.png"
    path.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    extra = os.environ.get("LEAKWARD_SCREENSHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(extra) / path.name)
    return path
