"""`leakward watch alerts` and `leakward watch dismiss` on a SQLite registry whose alerts a real
`leakward watch --once` poll raised against the fake OpenAI usage API: one key the registry
knows (its alert handed to rotation), one it does not (its alert left open)."""

from __future__ import annotations

import getpass
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from leakward.cli.main import cli
from leakward.registry import NewKey, Owner, Registry
from leakward.registry.operator_actions import list_actions
from leakward.registry.usage_alerts import record_alert
from tests.fakes.openai_usage import FakeOpenAIUsage
from tests.registry.conftest import _isolated_environment
from tests.usage.watch_world import HOUR, habit, theft, theft_start

__all__ = ["_isolated_environment"]

PEPPER = "watch-alerts-cli-pepper-0123456789ab"
KNOWN, STRANGER = "key_AlertsKnown01", "key_AlertsStranger01"
OWNER = "known-owner@example.com"


@pytest.fixture
def usage() -> Iterator[FakeOpenAIUsage]:
    with FakeOpenAIUsage() as server:
        yield server


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, usage: FakeOpenAIUsage) -> str:
    """A registry that knows KNOWN, after one real poll saw both keys stolen; the stranger's
    theft began an hour before the known key's, so its alert is the older one."""
    monkeypatch.setenv("LEAKWARD_PEPPER", PEPPER)
    monkeypatch.setenv("OPENAI_ADMIN_KEY", usage.admin_key)
    monkeypatch.setenv("LEAKWARD_API_OPENAI", usage.url)
    monkeypatch.delenv("ANTHROPIC_ADMIN_KEY", raising=False)
    monkeypatch.delenv("LEAKWARD_WATCH_POLICY", raising=False)
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    with Registry.open(url) as registry:
        registry.add_key(NewKey(provider="openai", owner=Owner(email=OWNER), key_id=KNOWN))
    now = int(time.time())
    usage.plant(*habit(KNOWN, now), *theft(KNOWN, now))
    usage.plant(*habit(STRANGER, now - HOUR, seed=11), *theft(STRANGER, now - HOUR))
    polled = run("watch", "--once", "--db", url)
    assert polled.exit_code == 0, polled.output
    return url


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def listed(db: str, *args: str) -> dict[str, Any]:
    """`leakward watch alerts --format json` as data (JSON's values are whatever it holds)."""
    done = run("watch", "alerts", "--db", db, "--format", "json", *args)
    assert done.exit_code == 0, done.output
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_alerts_lists_newest_first_with_owner_state_and_rotation(db: str) -> None:
    now = int(time.time())

    data = listed(db)

    known, stranger = data["alerts"]
    assert (known["key_id"], stranger["key_id"]) == (KNOWN, STRANGER)
    assert known["start"] == datetime.fromtimestamp(theft_start(now), UTC).isoformat()
    assert stranger["start"] == datetime.fromtimestamp(theft_start(now - HOUR), UTC).isoformat()
    assert (known["owner"], known["state"], known["rotation_status"]) == (
        OWNER,
        "handed-off",
        "pending-approval",
    )
    assert isinstance(known["rotation_id"], int)
    assert (stranger["owner"], stranger["state"], stranger["rotation_id"]) == (None, "open", None)
    assert known["reason"]
    assert known["score"] >= 2.5
    assert (data["page"], data["has_next"]) == (1, False)


def test_text_says_whose_key_and_what_became_of_each_alert(db: str) -> None:
    done = run("watch", "alerts", "--db", db)

    assert done.exit_code == 0, done.output
    known, stranger = done.stdout.splitlines()
    assert known.startswith("alert ")
    assert f"[handed-off] openai {KNOWN} (owner {OWNER})" in known
    assert "(pending-approval)" in known
    assert "Z score " in known
    assert f"{STRANGER} (owner unknown to the registry)" in stranger
    assert "no rotation" in stranger


def test_state_and_provider_narrow_the_list(db: str) -> None:
    opened = listed(db, "--state", "open")
    handed = listed(db, "--state", "handed-off")
    other = run("watch", "alerts", "--db", db, "--provider", "anthropic")
    wrong = run("watch", "alerts", "--db", db, "--state", "closed")

    assert [a["key_id"] for a in opened["alerts"]] == [STRANGER]
    assert [a["key_id"] for a in handed["alerts"]] == [KNOWN]
    assert other.exit_code == 0
    assert other.stdout.strip() == "no usage alerts"
    assert wrong.exit_code == 2
    assert "'open', 'handed-off', 'dismissed', 'all'" in wrong.output


def test_long_lists_come_a_page_at_a_time(db: str) -> None:
    with Registry.open(db) as registry, registry.usage.transaction() as connection:
        for day in range(1, 121):  # 120 older episodes of a third key, a day apart
            start = theft_start(int(time.time())) - day * 24 * HOUR
            record_alert(
                connection,
                provider="openai",
                key_id="key_Old",
                start=start,
                end=start + HOUR,
                score=1.2,
                reason="a modest surge",
            )

    first, second = listed(db), listed(db, "--page", "2")
    text = run("watch", "alerts", "--db", db)

    first_ids = [a["id"] for a in first["alerts"]]
    second_ids = [a["id"] for a in second["alerts"]]
    assert (len(first_ids), len(second_ids)) == (100, 22)
    assert not set(first_ids) & set(second_ids)
    assert (first["has_next"], second["has_next"]) == (True, False)
    starts = [a["start"] for a in first["alerts"] + second["alerts"]]
    assert starts == sorted(starts, reverse=True)
    assert text.stdout.splitlines()[-1] == "more: leakward watch alerts --page 2"


def test_dismiss_marks_the_alert_and_logs_who_said_so(db: str) -> None:
    (stranger,) = listed(db, "--state", "open")["alerts"]

    done = run("watch", "dismiss", str(stranger["id"]), "--db", db)
    unknown = subprocess.run(  # the console entry point turns the error into its exit code
        [sys.executable, "-m", "leakward", "watch", "dismiss", "999", "--db", db],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.exit_code == 0, done.output
    assert f"alert {stranger['id']} ({STRANGER}) dismissed" in done.stdout
    assert listed(db, "--state", "open")["alerts"] == []
    assert unknown.returncode == 2
    assert "no usage alert 999" in unknown.stderr
    assert "leakward watch alerts" in unknown.stderr  # where to find the right id
    with Registry.open(db) as registry:
        actions = list_actions(registry.engine)
    assert [(a.actor, a.channel, a.action) for a in actions] == [
        (getpass.getuser(), "cli", "dismiss-alert")
    ] * 2
    assert STRANGER in actions[0].outcome
    assert actions[1].outcome.startswith("refused: no usage alert 999")


def test_the_dismiss_flag_still_works_and_says_what_replaces_it(db: str) -> None:
    (stranger,) = listed(db, "--state", "open")["alerts"]

    done = run("watch", "--dismiss", str(stranger["id"]), "--db", db)

    assert done.exit_code == 0, done.output
    assert "deprecated; use: leakward watch dismiss ID" in done.stderr
    assert "dismissed" in done.stdout
    assert [a["key_id"] for a in listed(db, "--state", "dismissed")["alerts"]] == [STRANGER]


def test_the_group_db_option_reaches_the_listing(db: str) -> None:
    done = run("watch", "--db", db, "alerts", "--format", "json")

    assert done.exit_code == 0, done.output
    assert len(json.loads(done.stdout)["alerts"]) == 2
