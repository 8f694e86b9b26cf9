"""`leakward sweep` as a user runs it: exit codes, the summary line, errors with a next step,
and the rotation policy options."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from leakward.registry import Registry
from leakward.settings.work import WorkSettings
from tests.fakes.sendgrid import FakeSendGrid
from tests.git.repos import pat
from tests.org_world import (
    SENDGRID_SECRET,
    RotationWorld,
    assert_delivered_before_revoked,
    register_sendgrid_key,
    sendgrid_environment,
)
from tests.sweep.fake_org import FakeOrgGitHub
from tests.sweep.fixtures import Origins, fetch_moved_back


def _sweep(
    settings: WorkSettings,
    org: str,
    *options: str,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            *(sys.executable, "-m", "leakward", "sweep", "--org", org, "--no-logs"),
            *(options or ("--no-rotate",)),
            *("--workers", "1", "--db", str(settings.db_url)),
            *("--mirrors", str(settings.mirror_dir), "--api-url", settings.api_url),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
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


def test_a_sweep_that_could_not_read_part_of_a_repository_exits_4_and_names_it(
    settings: WorkSettings, origins: Origins
) -> None:
    # A damaged archive in the history: no finding, but the sweep did not read everything.
    origins.add("app", **{"build/bundle.zip": "PK\x03\x04 truncated, not a zip archive"})
    done = _sweep(settings, "acme")
    assert done.returncode == 4, done.stderr
    assert "not scanned in acme/app: build/bundle.zip" in done.stderr
    assert "damaged or truncated zip archive" in done.stderr
    assert "1 inputs could not be scanned: the sweep is incomplete" in done.stderr
    assert "0 findings" in done.stdout


def test_unknown_org_exits_2_with_a_hint(settings: WorkSettings, fake_org: FakeOrgGitHub) -> None:
    done = _sweep(settings, "initech")
    assert done.returncode == 2
    assert "no organisation 'initech'" in done.stderr
    assert "hint: check the --org name" in done.stderr


def test_public_policy_reissue_first_delivers_a_public_leak_before_revoking_it(
    settings: WorkSettings,
    origins: Origins,
    registry: Registry,
    rotation_world: RotationWorld,
    fake_sendgrid: FakeSendGrid,
) -> None:
    key_id, leaked = register_sendgrid_key(registry, fake_sendgrid, "acme/site")
    origins.add("site", is_private=False, **{"mail.env": f"SENDGRID_API_KEY={leaked}\n"})
    env = {**rotation_world.environment, **sendgrid_environment(fake_sendgrid)}

    done = _sweep(settings, "acme", "--rotate", "--public-policy", "reissue-first", env=env)

    assert done.returncode == 1, done.stderr  # a new finding
    assert "rotation 1 of entry 1: done" in done.stdout
    [leak] = registry.list_leaks()
    assert leak.is_public
    # Public, yet reissue-first as the sweep was told (the default would revoke first).
    assert_delivered_before_revoked(registry)
    assert key_id not in fake_sendgrid.keys
    [live] = [k for k in fake_sendgrid.keys.values() if k["value"] != fake_sendgrid.admin_key]
    scope = "/repos/acme/site/actions/secrets"
    assert rotation_world.actions.opened(scope, SENDGRID_SECRET) == live["value"]
    assert leaked not in done.stdout + done.stderr


def test_an_unknown_policy_is_a_usage_error(settings: WorkSettings, origins: Origins) -> None:
    done = _sweep(settings, "acme", "--private-policy", "revoke-never")
    assert done.returncode == 2
    assert "'revoke-never' is not one of 'reissue-first', 'revoke-first'" in done.stderr


def test_the_config_file_sets_how_old_a_fetch_may_be_before_it_is_done_again(
    settings: WorkSettings, origins: Origins, registry: Registry, tmp_path: Path
) -> None:
    origins.add("app")
    origins.set_pushed_at("app", datetime.now(UTC) - timedelta(hours=3))
    assert _sweep(settings, "acme").returncode == 0
    fetch_moved_back(registry, "acme/app", timedelta(hours=2))
    config = tmp_path / "leakward.toml"
    config.write_text("max_fetch_age_hours = 24\n")
    daily = _sweep(settings, "acme", "--no-rotate", "--config", str(config))
    assert "1 unchanged (1 not pushed since their last fetch)" in daily.stdout, daily.stderr
    config.write_text("max_fetch_age_hours = 1\n")
    hourly = _sweep(settings, "acme", "--no-rotate", "--config", str(config))
    assert "1 unchanged (0 not pushed since their last fetch)" in hourly.stdout, hourly.stderr

    config.write_text("max_fetch_age_hours = 0\n")
    refused = _sweep(settings, "acme", "--no-rotate", "--config", str(config))
    assert refused.returncode == 2
    assert "max_fetch_age_hours must be above 0" in refused.stderr
