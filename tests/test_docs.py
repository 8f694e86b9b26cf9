"""The documentation is true: the site builds strictly, links resolve, the quick start runs.

The site is built with mkdocs in strict mode (a broken link or a page left out of nav fails);
every relative link in the README names a file of the repository; and the quick start's shell
block is run as written, in an empty folder, and must print the findings and summary the page
shows (times and sizes aside).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.source_tree import ROOT

QUICKSTART = ROOT / "docs" / "quickstart.md"
# A finding line of the text report: "  LINE:COL severity rule …".
FINDING = re.compile(r"^\s+\d+:\d+ +\w+ +\S+")


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "site" / "quickstart" / "index.html").is_file()


def test_every_relative_link_in_the_readme_resolves() -> None:
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme)
    relative = [link for link in links if "://" not in link]
    assert relative, "the README links its documentation"
    missing = [link for link in relative if not (ROOT / link).exists()]
    assert missing == []


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", QUICKSTART.read_text(), re.DOTALL)


def test_the_quick_start_prints_what_it_shows(tmp_path: Path) -> None:
    script = next(block for block in _blocks("sh") if "mkdir -p demo" in block)
    (shown,) = _blocks("text")
    bin_dir = Path(sys.executable).parent
    done = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "NO_COLOR": "1"},
    )
    assert done.returncode == 1, done.stderr  # findings, as the exit-code table says
    printed = done.stdout.splitlines()

    def findings(lines: list[str]) -> list[list[str]]:
        return [line.split()[:3] for line in lines if FINDING.match(line)]

    assert findings(printed) == findings(shown.splitlines())
    summary = next(line for line in shown.splitlines() if line.startswith("Found"))
    assert any(line.startswith(summary.split(";")[0]) for line in printed), printed
