"""A finished workflow run's logs, end to end: GitHub's signed `workflow_run` delivery, the
Actions logs API (run, log redirect, archive) on 127.0.0.1, the scan, and the leak recorded at
run / job / step with the repository's visibility."""

from __future__ import annotations

import httpx
from pytest_httpserver import HTTPServer
from werkzeug import Response

from leakward.registry import Registry
from tests.fakes.github_webhooks import WebhookSender
from tests.scanner.tokens import GITHUB_PAT
from tests.sources.builders import zip_of
from tests.webhooks.live_receiver import running_service

SECRET = "workflow-run-webhook-secret"
REPO = "octo/app"
LOG = (
    "2026-11-20T10:00:00.0000000Z ##[group]Run ./deploy.sh\n"
    f"2026-11-20T10:00:01.0000000Z \x1b[32mdeploying with GH_TOKEN={GITHUB_PAT}\x1b[0m\n"
    "2026-11-20T10:00:02.0000000Z ::add-mask::***\n"
    "2026-11-20T10:00:03.0000000Z ##[endgroup]\n"
)


def serve_actions_api(server: HTTPServer) -> str:
    api = server.url_for("/api/v3")
    server.expect_request(f"/api/v3/repos/{REPO}").respond_with_json(
        {"url": f"{api}/repos/{REPO}", "full_name": REPO, "name": "app"}
    )
    server.expect_request(f"/api/v3/repos/{REPO}/actions/runs/42").respond_with_json(
        {"id": 42, "name": "CI", "logs_url": f"{api}/repos/{REPO}/actions/runs/42/logs"}
    )
    server.expect_request(f"/api/v3/repos/{REPO}/actions/runs/42/logs").respond_with_response(
        Response(status=302, headers={"Location": server.url_for("/blob/logs_42.zip")})
    )
    archive = zip_of({"deploy/2_Deploy.txt": LOG.encode()})
    server.expect_request("/blob/logs_42.zip").respond_with_data(archive)
    return api


def test_a_secret_in_a_finished_runs_logs_is_recorded_where_it_was_printed(
    tmp_path, httpserver: HTTPServer
) -> None:
    api = serve_actions_api(httpserver)
    db_url = f"sqlite:///{tmp_path / 'registry.db'}"
    environ = {
        "LEAKWARD_GITHUB_WEBHOOK_SECRET": SECRET,
        "GITHUB_API_URL": api,
        "GITHUB_TOKEN": "ghs_test-installation-token",
    }
    payload = {
        "action": "completed",
        "workflow_run": {"id": 42, "name": "CI", "conclusion": "success"},
        "repository": {"full_name": REPO, "visibility": "public", "private": False},
    }
    with running_service(environ, db_url, tmp_path / "mirrors") as (service, base_url):
        sender = WebhookSender(SECRET.encode(), base_url + "/webhooks/github")
        assert sender.deliver("workflow_run", payload).status == 202
        assert service.queue.wait_idle(timeout=60)
        metrics = httpx.get(base_url + "/metrics").text

    with Registry.open(db_url) as registry:
        (leak,) = registry.list_leaks()
    assert leak.is_public
    (location,) = leak.locations
    assert location.path == f"github-actions:{REPO}/runs/42!deploy/2_Deploy.txt"
    assert location.line == 2
    assert 'leakward_scans_total{kind="workflow_run"} 1' in metrics
    assert GITHUB_PAT not in metrics
