"""`leakward rotations …` and `leakward leaks list` against a real registry holding rotations in
every state; and the rule that a key is never left `rotating` once its rotation ended."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leakward.cli.main import cli
from leakward.core.errors import UsageError
from leakward.registry import NewKey, Owner, Registry
from leakward.registry.operator_actions import list_actions
from tests.dashboard.world import FAILURE, OTHER_WORKER, PEPPER, SECRETS, World, build_world
from tests.registry.conftest import _isolated_environment

__all__ = ["_isolated_environment"]


@pytest.fixture
def world_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, World]:
    monkeypatch.setenv("LEAKWARD_PEPPER", PEPPER.decode())
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    return url, build_world(url)


def run(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--db", url])


def no_secret_in(text: str) -> None:
    for secret in SECRETS.values():
        assert secret not in text
        assert secret[-12:] not in text


def test_list_shows_every_state_with_what_to_do_next(world_db: tuple[str, World]) -> None:
    url, world = world_db
    listed = run(url, "rotations", "list", "--format", "json")
    assert listed.exit_code == 0, listed.output
    by_id = {view["id"]: view for view in json.loads(listed.output)}
    assert {by_id[world.rotations[s]]["status"] for s in ("done", "failed", "waiting")} == {
        "done",
        "failed",
        "pending-approval",
    }
    busy = by_id[world.rotations["busy"]]
    assert (busy["is_busy"], busy["worker"]) == (True, OTHER_WORKER)
    failed = by_id[world.rotations["failed"]]
    assert failed["steps"][-1] == {
        "name": "issued",
        "state": "stopped",
        "finished_at": None,
        "attempts": 3,
        "error": FAILURE,
    }
    assert f"leakward rotations retry {failed['id']}" in failed["next_action"]
    text = run(url, "rotations", "list")
    assert f"leakward rotations approve {world.rotations['waiting']}" in text.output
    no_secret_in(listed.output + text.output)


def test_show_of_a_failed_rotation_says_what_failed_and_exits_1(
    world_db: tuple[str, World],
) -> None:
    url, world = world_db
    shown = run(url, "rotations", "show", str(world.rotations["failed"]))
    assert shown.exit_code == 1, shown.output
    assert "stopped  issued" in shown.output
    assert f"error: {FAILURE}" in shown.output
    assert f"retry it: leakward rotations retry {world.rotations['failed']}" in shown.output


def test_retry_and_approve_move_rotations_on_and_are_recorded(
    world_db: tuple[str, World],
) -> None:
    url, world = world_db
    retried = run(url, "rotations", "retry", str(world.rotations["failed"]), "--format", "json")
    # A provider leakward cannot drive: done, with the steps left to the owner (exit 1).
    assert retried.exit_code == 1, retried.output
    assert json.loads(retried.output)["status"] == "done"
    approved = run(url, "rotations", "approve", str(world.rotations["waiting"]))
    assert "rotation 2 is now done" in approved.output
    busy = run(url, "rotations", "retry", str(world.rotations["busy"]))
    assert busy.exit_code == 0, busy.output
    assert "busy in another worker; try again later" in busy.output
    refused = run(url, "rotations", "retry", str(world.rotations["done"]))
    assert isinstance(refused.exception, UsageError)  # `main` turns it into exit 2
    with Registry.open(url, pepper=PEPPER) as registry:
        actions = list_actions(registry.engine)
        statuses = {key.key_id: key.status for key in registry.list_keys()}
    assert [(a.channel, a.action, a.rotation_id) for a in actions] == [
        ("cli", "retry", world.rotations["failed"]),
        ("cli", "approve", world.rotations["waiting"]),
        ("cli", "retry", world.rotations["busy"]),
        ("cli", "retry", world.rotations["done"]),
    ]
    assert actions[-1].outcome.startswith("refused: rotation")
    assert statuses == {
        "nsp-done": "active",
        "nsp-failed": "active",
        "nsp-waiting": "active",
        "nsp-busy": "rotating",  # its rotation is still under way elsewhere
    }


def test_leaks_list_gives_place_and_exposure_and_never_a_value(
    world_db: tuple[str, World],
) -> None:
    url, world = world_db
    listed = run(url, "leaks", "list", "--format", "json")
    assert listed.exit_code == 0, listed.output
    by_id = {view["id"]: view for view in json.loads(listed.output)}
    revoked = by_id[world.leaks["revoked"]]
    assert revoked["exposure"] == 3 * 3600  # leaked at T0, revoked three hours later
    assert revoked["where"] == ["acme/api 0123456789ab config/done.py:7"]
    assert len(revoked["fingerprint"]) == 12
    assert by_id[world.leaks["public"]]["is_exposure_from_sighting"] is True
    text = run(url, "leaks", "list", "--status", "open")
    assert "exposed" in text.output
    assert "revoked 3h 0m" in text.output
    no_secret_in(listed.output + text.output)


def test_rotating_a_revoked_key_leaves_it_revoked(tmp_path: Path) -> None:
    """The pipeline used to mark any key `rotating` and set it `active` when done: a revoked
    key came out of its rotation active."""
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    with Registry.open(url, pepper=PEPPER) as registry:
        entry = registry.add_key(
            NewKey("nosuchprovider", Owner("o@example.test"), key_id="nsp-1", status="revoked")
        )
    done = CliRunner().invoke(
        cli, ["rotate", str(entry), "--db", url], env={"LEAKWARD_PEPPER": PEPPER.decode()}
    )
    assert "rotation 1" in done.output, done.output
    with Registry.open(url, pepper=PEPPER) as registry:
        assert registry.get_key(entry).status == "revoked"


# Fails a rotation (no store for the key's consumer: a permanent error at `issued`) and
# SIGKILLs itself at the first transaction after the one that marked the rotation failed.
CRASH_AFTER_FAILED = """
import os, signal, sys
from pathlib import Path
from sqlalchemy import event
from leakward.registry import NewKey, Owner, Registry, parse_consumer
from leakward.rotators.rotation.pipeline import RotationPipeline
from tests.rotators.fakes import FakeRotator

url, state = sys.argv[1], Path(sys.argv[2])
registry = Registry.open(url, pepper=sys.argv[3].encode())
entry = registry.add_key(NewKey("acme", Owner("o@example.test"), key_id="acme-1",
                                consumers=(parse_consumer("vault:secret/app#api_key"),)))
marked = []

@event.listens_for(registry.engine, "after_cursor_execute")
def _seen(conn, cursor, statement, parameters, context, many):
    if statement.startswith("UPDATE rotations") and "failed" in repr(parameters):
        marked.append(True)

@event.listens_for(registry.engine, "begin")
def _crash(conn):
    if marked:
        os.kill(os.getpid(), signal.SIGKILL)

RotationPipeline(registry=registry, rotators={"acme": FakeRotator(state)}, stores={}).rotate(entry)
"""


def test_a_crash_right_after_a_rotation_fails_does_not_leave_its_key_rotating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    root = Path(__file__).resolve().parents[2]
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            CRASH_AFTER_FAILED,
            url,
            str(tmp_path / "acme.json"),
            PEPPER.decode(),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    monkeypatch.setenv("LEAKWARD_PEPPER", PEPPER.decode())
    shown = run(url, "rotations", "show", "1", "--format", "json")
    view = json.loads(shown.output)
    assert view["status"] == "failed"
    assert "no secret store is configured for vault" in view["last_error"]
    assert view["key_status"] == "active"
