"""`leakward sweep` as a user runs it: exit codes, the summary line, errors with a next step."""

from __future__ import annotations

import subprocess
import sys

from leakward.work_settings import WorkSettings
from tests.git.repos import pat
from tests.sweep.fake_org import FakeOrgGitHub
from tests.sweep.fixtures import Origins


def _sweep(settings: WorkSettings, org: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "leakward",
            "sweep",
            "--org",
            org,
            "--no-logs",
            "--no-rotate",
            "--workers",
            "1",
            "--db",
            str(settings.db_url),
            "--mirrors",
            str(settings.mirror_dir),
            "--api-url",
            settings.api_url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_sweep_exits_1_on_new_findings_then_0_when_nothing_changed(
    settings: WorkSettings, origins: Origins
) -> None:
    value = pat(7701)
    origins.add("app", **{"ci.env": f"TOKEN={value}\n"})
    origins.add("docs")
    first = _sweep(settings, "acme")
    assert first.returncode == 1, first.stderr
    assert "acme: 2 repositories, 2 scans with new objects, 0 unchanged" in first.stdout
    assert "1 findings" in first.stdout
    assert value not in first.stdout + first.stderr
    again = _sweep(settings, "acme")
    assert again.returncode == 0, again.stderr
    assert "0 scans with new objects, 2 unchanged" in again.stdout


def test_unknown_org_exits_2_with_a_hint(settings: WorkSettings, fake_org: FakeOrgGitHub) -> None:
    done = _sweep(settings, "initech")
    assert done.returncode == 2
    assert "no organisation 'initech'" in done.stderr
    assert "hint: check the --org name" in done.stderr
