"""A registered live key printed in an Actions run log is rotated by a worker: the sweep's
rotate_key task says where in which run's log the leak is (never the value), and the worker
downloads that log again from the fake GitHub API, re-scans the step and keeps the value whose
keyed fingerprint is the leak's. There is no mirror to read it from: the repository is clean.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from leakward.registry import Registry
from leakward.settings.work import WorkSettings
from leakward.sweep.jobs import perform
from leakward.sweep.org import run_local_sweep
from tests.org_world import LeakedKey, RotationWorld, is_checked_live
from tests.sources.builders import zip_of
from tests.sweep.fake_org import FakeOrgGitHub
from tests.sweep.fixtures import Origins

SCOPE = "/repos/acme/app/actions/secrets"
STEP = "deploy/3_Push image.txt"


@pytest.fixture
def leaked_in_a_log(
    rotation_world: RotationWorld,
    fake_org: FakeOrgGitHub,
    origins: Origins,
    registry: Registry,
) -> LeakedKey:
    """A live GitLab token, registered with its Actions secret, printed by run 42 of acme/app."""
    key = rotation_world.register_key(registry, "acme/app")
    origins.add("app")  # the repository itself holds no secret
    lines = [
        "2026-11-20T10:00:00.0000000Z ##[group]Run ./push.sh",
        "2026-11-20T10:00:00.1000000Z ##[endgroup]",
        f"2026-11-20T10:00:01.0000000Z debug: GITLAB_TOKEN={key.value}",
    ]
    log = "\n".join(lines).encode() + b"\n"
    fake_org.add_run("acme/app", 42, zip_of({STEP: log, "build/1_Set up job.txt": b"ok\n"}))
    return key


def test_a_key_printed_in_a_run_log_is_rotated_by_the_worker(
    settings: WorkSettings,
    registry: Registry,
    leaked_in_a_log: LeakedKey,
    rotation_world: RotationWorld,
    fake_org: FakeOrgGitHub,
) -> None:
    key, inbox = leaked_in_a_log, rotation_world.inbox
    # The provider credentials reach the rotation through the settings, not this process's
    # environment.
    working = replace(settings, rotate=True, environ=rotation_world.environment)
    report = run_local_sweep("acme", working, processes=False)
    assert report.failed == []
    [logs] = [t for t in report.tasks if t.kind == "scan_logs"]
    [payload] = logs.summary["rotate"]  # type: ignore[misc]
    assert payload["log"] == {
        "repository": "acme/app",
        "run_id": 42,
        "job": "deploy",
        "step": "Push image",
        "fingerprint": registry.fingerprint(key.value),
    }
    assert key.value not in json.dumps(logs.summary)  # nothing the broker carries holds the value
    [rotated] = [t for t in report.tasks if t.kind == "rotate_key"]
    assert rotated.summary["status"] == "done"

    # The worker fetched run 42's log again: the leaked value was checked live at GitLab.
    fetched = [p for p in fake_org.paths("GET") if "/actions/runs/42" in p]
    assert "GET /repos/acme/app/actions/runs/42" in fetched
    assert is_checked_live(registry)
    rotation_world.assert_replaced(key, SCOPE)
    assert registry.get_key(key.entry).status == "revoked"
    assert len(inbox.received) == 1
    assert key.value not in inbox.received[0].decode()


def test_a_log_place_whose_fingerprint_is_not_the_leaks_gives_no_value(
    settings: WorkSettings,
    registry: Registry,
    leaked_in_a_log: LeakedKey,
) -> None:
    """The value goes to the key's provider: a task naming another fingerprint gets none."""
    from leakward.response.leaked_value import leaked_log_value
    from leakward.rules.loader import load_rules
    from leakward.sweep.logs import log_client

    leaked, entry = leaked_in_a_log.value, leaked_in_a_log.entry
    perform("scan_logs", {"repository": "acme/app", "dedupe": "logs-1"}, settings)
    [leak] = registry.list_leaks(issued_key_id=entry)
    ruleset = load_rules().select()
    github = log_client(settings)
    place: dict[str, object] = {
        "repository": "acme/app",
        "run_id": 42,
        "job": "deploy",
        "step": "Push image",
        "fingerprint": leak.fingerprint,
    }
    found = leaked_log_value(registry, ruleset, github, entry, leak.id, place)
    assert found is not None
    assert found.reveal() == leaked
    for wrong in ({"fingerprint": "0" * 64}, {"step": "Set up job"}, {"run_id": 41}):
        assert leaked_log_value(registry, ruleset, github, entry, leak.id, place | wrong) is None
