"""A version tag can be released: the workflow's own steps, run here on the checkout.

The release workflow checks the tag against the package's version, takes the notes from the
tag's CHANGELOG.md section, and builds the wheel and sdist; each step is run here as the
workflow runs it, so a broken changelog, version or build shows before a tag is pushed.
"""

from __future__ import annotations

import re
import runpy
import subprocess
import sys
import tarfile
from pathlib import Path

import yaml

from tests.source_tree import ROOT
from tests.test_packaging import tracked_copy

WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
VERSION = str(runpy.run_path(str(ROOT / "leakward" / "core" / "version.py"))["__version__"])


def _steps() -> list[dict[str, object]]:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    # PyYAML reads the bare key `on` as True.
    assert workflow[True] == {"push": {"tags": ["v*"]}}
    steps: list[dict[str, object]] = workflow["jobs"]["release"]["steps"]
    return steps


def _notes(
    version: str, changelog: Path = ROOT / "CHANGELOG.md"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / ".github" / "release_notes.py"), version, str(changelog)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_changelog_says_what_the_declared_version_brings() -> None:
    done = _notes(f"v{VERSION}")
    assert done.returncode == 0, done.stderr
    assert "### Added" in done.stdout
    assert "## [" not in done.stdout  # one section, not the next one too
    assert "[Unreleased]:" not in done.stdout


def test_a_version_without_a_section_is_refused(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## [0.1.0]\n\n- first\n")
    done = _notes("v0.2.0", changelog)
    assert done.returncode == 1
    assert "no section for 0.2.0" in done.stderr


def test_the_readme_and_docs_name_the_declared_version_as_its_tag() -> None:
    for page in (ROOT / "README.md", ROOT / "docs" / "running.md"):
        tags = set(re.findall(r"(?:rev: |leakward/leakward@)(v[0-9][^\s]*)", page.read_text()))
        assert tags == {f"v{VERSION}"}, page


def test_the_workflow_builds_a_wheel_and_an_sdist_that_hold_the_rules(tmp_path: Path) -> None:
    build = next(s for s in _steps() if s.get("name") == "Build the wheel and sdist")
    assert "python -m build --sdist --wheel --outdir dist ." in str(build["run"])
    source = tracked_copy(tmp_path / "source")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", "dist", "."],
        cwd=source,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    built = sorted(path.name for path in (source / "dist").iterdir())
    assert built == [f"leakward-{VERSION}-py3-none-any.whl", f"leakward-{VERSION}.tar.gz"]
    with tarfile.open(source / "dist" / f"leakward-{VERSION}.tar.gz") as sdist:
        names = sdist.getnames()
    assert f"leakward-{VERSION}/LICENSE" in names
    assert f"leakward-{VERSION}/rules/openai.yaml" in names
