"""The Actions-logs half of a sweep: runs since the last sweep, recorded as CI-log leaks."""

from __future__ import annotations

from datetime import UTC, datetime

from leakward.registry import Registry, sweep_state
from leakward.settings.work import WorkSettings
from leakward.sweep.jobs import perform
from tests.git.repos import pat
from tests.sources.builders import zip_of
from tests.sweep.fake_org import FakeOrgGitHub


def _payload(dedupe: str) -> dict[str, object]:
    return {"repository": "acme/app", "dedupe": dedupe}


def test_run_logs_are_scanned_and_the_next_sweep_asks_only_for_newer_runs(
    settings: WorkSettings, fake_org: FakeOrgGitHub, registry: Registry
) -> None:
    value = pat(7601)
    fake_org.add_repo("app", "/unused")
    log = f"2024-05-01T10:00:00.0000000Z pushing with GH_TOKEN={value}\n".encode()
    fake_org.add_run("acme/app", 42, zip_of({"build/2_Push.txt": log}))

    first = perform("scan_logs", _payload("logs-1"), settings)
    assert first.summary["findings"] == 1
    assert first.summary["problems"] == []
    [leak] = registry.list_leaks()
    assert leak.source_kind == "ci-log"
    assert leak.locations[0].path.startswith("github-actions:acme/app/runs/42")
    assert sweep_state.logs_swept_at(registry.engine, "acme/app") is not None

    perform("scan_logs", _payload("logs-2"), settings)
    created = [r.query.get("created") for r in fake_org.requests if r.path.endswith("/runs")]
    assert created == [None, f">={datetime.now(UTC).date().isoformat()}"]


def test_refused_logs_are_reported_and_asked_for_again(
    settings: WorkSettings, fake_org: FakeOrgGitHub, registry: Registry
) -> None:
    fake_org.add_repo("app", "/unused")
    fake_org.fail_next("/repos/acme/app", status=403)
    outcome = perform("scan_logs", _payload("logs-1"), settings)
    problems = outcome.summary["problems"]
    assert isinstance(problems, list)
    assert len(problems) == 1
    assert "GITHUB_TOKEN" in str(problems[0])
    assert sweep_state.logs_swept_at(registry.engine, "acme/app") is None


def test_secondary_rate_limits_on_the_runs_api_are_waited_out(
    settings: WorkSettings, fake_org: FakeOrgGitHub, registry: Registry
) -> None:
    value = pat(7602)
    fake_org.add_repo("app", "/unused")
    log = f"2024-05-01T10:00:00.0000000Z pushing with GH_TOKEN={value}\n".encode()
    fake_org.add_run("acme/app", 43, zip_of({"build/2_Push.txt": log}))
    # GitHub's secondary limits: 403 or 429 with Retry-After, on the listing and on a run's logs.
    fake_org.fail_next("/repos/acme/app/actions/runs", status=429, retry_after="1")
    fake_org.fail_next("/repos/acme/app/actions/runs/43/logs", status=403, retry_after="1")
    outcome = perform("scan_logs", _payload("logs-1"), settings)
    assert outcome.summary["problems"] == []
    assert outcome.summary["findings"] == 1
    assert [leak.locations[0].path.split("!")[0] for leak in registry.list_leaks()] == [
        "github-actions:acme/app/runs/43"
    ]
    logs = [p for p in fake_org.paths("GET") if p.endswith("/logs")]
    assert logs == ["GET /repos/acme/app/actions/runs/43/logs"] * 2
    assert sweep_state.logs_swept_at(registry.engine, "acme/app") is not None
