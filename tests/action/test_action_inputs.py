"""The Action's rotate, baseline and args inputs, and its cached environment, on real repositories.

Rotation runs against local fakes that follow the providers' documented APIs (SendGrid's key API,
GitHub's Actions-secrets API, a Slack webhook) and a real SQLite registry, the way a workflow
passes them: LEAKWARD_DB, LEAKWARD_PEPPER and the credentials in the step's env.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from leakward.registry import Registry
from tests.action.conftest import SCAN_STEPS, base_env
from tests.action.runner import ActionRunner
from tests.action.test_action import World, error_lines
from tests.action.test_action import world as world  # the fixture, by name
from tests.fakes.github_actions import TOKEN, FakeGitHubActions
from tests.fakes.github_webhooks import NoticeInbox
from tests.fakes.sendgrid import FakeSendGrid
from tests.git.repos import pat
from tests.org_world import SENDGRID_SECRET, register_sendgrid_key, sendgrid_environment

BASELINE = "leakward-baseline.json"


@pytest.fixture
def registry_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {
        "LEAKWARD_DB": f"sqlite:///{tmp_path / 'registry.db'}",
        "LEAKWARD_PEPPER_FILE": str(tmp_path / "pepper"),
    }
    monkeypatch.delenv("LEAKWARD_PEPPER", raising=False)
    monkeypatch.setenv("LEAKWARD_PEPPER_FILE", env["LEAKWARD_PEPPER_FILE"])
    return env


@pytest.fixture
def providers() -> Iterator[tuple[FakeSendGrid, FakeGitHubActions, NoticeInbox]]:
    with FakeSendGrid() as sendgrid, FakeGitHubActions() as actions, NoticeInbox() as inbox:
        yield sendgrid, actions, inbox


def test_rotate_true_rotates_a_pushed_registry_key_and_delivers_its_replacement(
    world: World,
    registry_env: dict[str, str],
    providers: tuple[FakeSendGrid, FakeGitHubActions, NoticeInbox],
) -> None:
    sendgrid, actions, inbox = providers
    with Registry.open(registry_env["LEAKWARD_DB"]) as registry:
        key_id, leaked = register_sendgrid_key(registry, sendgrid, "octo/app")
    before = world.origin.commit("init", **{"README.md": "hi\n"})
    after = world.origin.commit("leak", **{"mail.env": f"SENDGRID_API_KEY={leaked}\n"})
    workspace = world.checkout()
    payload = {
        "ref": "refs/heads/main",
        "before": before,
        "after": after,
        "repository": {"full_name": "octo/app", "private": True},
    }
    env = {
        **registry_env,
        **sendgrid_environment(sendgrid),
        "GITHUB_API_URL": actions.url,
        "GITHUB_TOKEN": TOKEN,
        "LEAKWARD_SLACK_WEBHOOK": inbox.url + "/services/T0/B0/x",
    }
    run = world.run(workspace, "push", payload, env=env, rotate="true")
    assert run.returncode == 1, run.stdout + run.steps[-1].stderr  # the leak is still reported
    assert "1 leaks recorded, 1 keys matched" in run.stdout
    assert "rotation 1 of registry entry 1: done" in run.stdout
    assert key_id not in sendgrid.keys  # the leaked key is revoked at the provider
    [live] = [k for k in sendgrid.keys.values() if k["value"] != sendgrid.admin_key]
    replacement = actions.opened("/repos/octo/app/actions/secrets", SENDGRID_SECRET)
    assert replacement == live["value"]  # the one live key is the one delivered
    assert leaked not in run.stdout + run.summary
    assert replacement not in run.stdout + run.summary


def test_baseline_input_leaves_out_known_findings_and_a_pull_request_cannot_extend_it(
    world: World, tmp_path: Path
) -> None:
    world.origin.commit("known", **{"known.txt": f"{pat(120)}\n"})
    _baseline(world, "create")
    base = world.origin.commit("baseline")
    # The pull request adds a second token and, with it, that token to the baseline.
    world.origin.git("checkout", "-q", "-b", "topic")
    world.origin.write("new.txt", f"{pat(121)}\n")
    _baseline(world, "update")
    head = world.origin.commit("add new and baseline it")
    workspace = world.checkout(head)
    scheduled = world.run(workspace, "schedule", {}, baseline=BASELINE)
    assert scheduled.returncode == 0, scheduled.stdout  # on the branch, both are baselined
    pull = {"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}
    reviewed = world.run(workspace, "pull_request", pull, baseline=BASELINE)
    assert reviewed.returncode == 1, reviewed.stdout
    assert [line.split("file=")[1].split(",")[0] for line in error_lines(reviewed)] == ["new.txt"]
    assert f"{BASELINE} is changed by this pull request" in reviewed.stdout


def _baseline(world: World, action: str) -> None:
    done = subprocess.run(
        [world.installed["LEAKWARD_PYTHON"], "-m", "leakward", "baseline", action, BASELINE],
        cwd=world.origin.path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_args_input_tunes_the_scan_and_refuses_what_the_inputs_choose(world: World) -> None:
    before = world.origin.commit("init", **{"README.md": "hi\n"})
    after = world.origin.commit("leak", **{"a.txt": f"{pat(122)}\n"})
    workspace = world.checkout()
    payload = {"ref": "refs/heads/main", "before": before, "after": after}
    disabled = world.run(workspace, "push", payload, args="--disable github")
    assert disabled.returncode == 0, disabled.stdout
    assert disabled.outputs["findings"] == "0"
    refused = world.run(workspace, "push", payload, args="--git --format json")
    assert refused.returncode == 2
    assert "input args: git_history, fmt cannot be set there" in refused.stdout


def test_a_second_run_reuses_the_installed_environment(
    action_path: Path, installed: dict[str, str]
) -> None:
    temp = Path(installed["LEAKWARD_PYTHON"]).parents[2]  # the install's runner temp
    runner = ActionRunner(action_path, temp)
    again = runner.run(base_env(), {"rotate": "true"}, temp, skip=SCAN_STEPS)
    assert again.returncode == 0, again.steps[-1].stderr
    assert "leakward: using the cached environment" in again.stdout
