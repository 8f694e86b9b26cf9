"""`leakward watch --once` as an operator runs it: admin key and base URL in the environment, the
fake OpenAI usage API on the real clock, a SQLite registry file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leakward.cli.main import cli
from leakward.registry import NewKey, Owner, Registry
from leakward.registry.rotations import list_rotations
from tests.fakes.openai_usage import PATH as OPENAI_USAGE_PATH
from tests.fakes.openai_usage import FakeOpenAIUsage
from tests.registry.conftest import _isolated_environment
from tests.usage.watch_world import habit, theft, theft_start

__all__ = ["_isolated_environment"]

PEPPER = "watch-cli-pepper-0123456789abcdef"
KEY = "key_CliVictim01"


@pytest.fixture
def usage() -> Iterator[FakeOpenAIUsage]:
    with FakeOpenAIUsage() as server:
        yield server


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, usage: FakeOpenAIUsage) -> str:
    monkeypatch.setenv("LEAKWARD_PEPPER", PEPPER)
    monkeypatch.setenv("OPENAI_ADMIN_KEY", usage.admin_key)
    monkeypatch.setenv("LEAKWARD_API_OPENAI", usage.url)
    monkeypatch.delenv("ANTHROPIC_ADMIN_KEY", raising=False)
    monkeypatch.delenv("LEAKWARD_WATCH_POLICY", raising=False)
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    with Registry.open(url) as registry:
        registry.add_key(NewKey(provider="openai", owner=Owner(email="o@example.com"), key_id=KEY))
    return url


def watch_once(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["watch", "--once", "--db", url, *args])


def test_one_poll_raises_the_alert_and_a_second_adds_nothing(
    db: str, usage: FakeOpenAIUsage
) -> None:
    now = int(time.time())
    usage.plant(*habit(KEY, now), *theft(KEY, now))

    first = watch_once(db, "--format", "json")
    second = watch_once(db, "--format", "json")

    assert first.exit_code == 0, first.output
    report = json.loads(first.output)
    (alert,) = report["alerts"]
    assert (alert["key_id"], alert["start"], alert["provider"]) == (KEY, theft_start(now), "openai")
    assert alert["reason"]
    (handed,) = report["handoffs"]
    assert handed["rotation_status"] == "pending-approval"
    assert second.exit_code == 0, second.output
    assert json.loads(second.output)["handoffs"] == []
    with Registry.open(db) as registry:
        assert len(registry.usage.alerts()) == 1
        assert len(list_rotations(registry.engine)) == 1
    assert usage.admin_key not in first.output + second.output


def test_text_output_names_the_alert_and_what_became_of_it(db: str, usage: FakeOpenAIUsage) -> None:
    now = int(time.time())
    usage.plant(*habit(KEY, now), *theft(KEY, now))

    done = watch_once(db, "--policy", "notify")

    assert done.exit_code == 0, done.output
    assert f"alert 1 {KEY}" in done.output
    assert "owner told, not rotated" in done.output


def test_an_outage_exits_4_with_what_happened_and_keeps_the_cursor(
    db: str, usage: FakeOpenAIUsage
) -> None:
    usage.plant(*habit(KEY, int(time.time())))
    usage.fail_next(OPENAI_USAGE_PATH, times=10, status=503)

    done = watch_once(db)

    assert done.exit_code == 4
    assert "openai usage API failed (HTTP 503)" in done.output
    with Registry.open(db) as registry:
        assert registry.usage.cursor("openai") is None


def leakward(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "leakward", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_without_an_admin_key_it_says_which_to_set(db: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_ADMIN_KEY")}

    done = leakward(env, "watch", "--once", "--db", db)

    assert done.returncode == 2
    assert "OPENAI_ADMIN_KEY or ANTHROPIC_ADMIN_KEY" in done.stderr


def test_an_unknown_policy_in_the_environment_names_the_right_ones(db: str) -> None:
    env = {**os.environ, "LEAKWARD_WATCH_POLICY": "rotate-everything"}

    done = leakward(env, "watch", "--once", "--db", db)

    assert done.returncode == 2
    assert "$LEAKWARD_WATCH_POLICY: unknown watch policy 'rotate-everything'" in done.stderr
    assert "approve, notify, auto" in done.stderr


def test_a_dismissed_alert_is_the_owners_use_and_stays_dismissed(
    db: str, usage: FakeOpenAIUsage
) -> None:
    now = int(time.time())
    usage.plant(*habit(KEY, now), *theft(KEY, now))
    assert watch_once(db, "--policy", "notify").exit_code == 0

    dismissed = CliRunner().invoke(cli, ["watch", "--dismiss", "1", "--db", db])
    again = watch_once(db, "--format", "json")

    assert dismissed.exit_code == 0, dismissed.output
    assert f"alert 1 ({KEY}) dismissed" in dismissed.output
    assert again.exit_code == 0, again.output
    assert [a["state"] for a in json.loads(again.output)["alerts"]] == ["dismissed"]
    with Registry.open(db) as registry:
        assert [a.state for a in registry.usage.alerts()] == ["dismissed"]
