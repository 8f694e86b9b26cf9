"""Remote fetchers against local HTTP servers that follow each provider's documented API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from werkzeug import Request, Response

from leakward.scanner.models import Chunk, Skipped
from leakward.scanner.sources import remote_github_actions, remote_gitlab, remote_postman
from leakward.scanner.sources.dispatch import ContainerLimits
from tests.sources.builders import GOOGLE_KEY, zip_of
from tests.sources.test_postman import collection

LOG_LINE = f"2024-05-01T10:00:00.0000000Z deploying with key={GOOGLE_KEY}\n".encode()


def test_github_actions_runs_since_a_date_follow_the_log_redirect(httpserver):
    api = httpserver.url_for("/api/v3")
    seen: list[str] = []

    def runs(request: Request) -> Response:
        seen.append(request.headers.get("Authorization", ""))
        assert request.args["created"] == ">=2024-05-01"
        run = {
            "id": 42,
            "name": "CI",
            "url": f"{api}/repos/acme/app/actions/runs/42",
            "logs_url": f"{api}/repos/acme/app/actions/runs/42/logs",
        }
        return Response(
            json.dumps({"total_count": 1, "workflow_runs": [run]}), content_type="application/json"
        )

    httpserver.expect_request("/api/v3/repos/acme/app").respond_with_json(
        {"url": f"{api}/repos/acme/app", "full_name": "acme/app", "name": "app"}
    )
    httpserver.expect_request("/api/v3/repos/acme/app/actions/runs").respond_with_handler(runs)
    httpserver.expect_request("/api/v3/repos/acme/app/actions/runs/42/logs").respond_with_response(
        Response(status=302, headers={"Location": httpserver.url_for("/blob/logs_42.zip")})
    )
    archive = zip_of({"deploy/3_Deploy.txt": LOG_LINE, "1_deploy.txt": LOG_LINE})
    httpserver.expect_request("/blob/logs_42.zip").respond_with_data(archive)

    client = remote_github_actions.github_client({"GITHUB_TOKEN": "test-token-value"}, api)
    items = list(
        remote_github_actions.actions_log_chunks(
            client, "acme/app", ContainerLimits(), since=date(2024, 5, 1)
        )
    )
    (chunk,) = items
    assert isinstance(chunk, Chunk)
    assert chunk.origin.display == "github-actions:acme/app/runs/42!deploy/3_Deploy.txt"
    assert dict(chunk.origin.extra) == {
        "run": "42",
        "workflow": "CI",
        "job": "deploy",
        "step": "Deploy",
    }
    assert chunk.data.startswith(b"deploying with key=")
    assert seen
    assert "test-token-value" in seen[0]


def test_github_actions_expired_logs_are_reported(httpserver):
    api = httpserver.url_for("/api/v3")
    httpserver.expect_request("/api/v3/repos/acme/app").respond_with_json(
        {"url": f"{api}/repos/acme/app", "full_name": "acme/app"}
    )
    httpserver.expect_request("/api/v3/repos/acme/app/actions/runs/7").respond_with_json(
        {"id": 7, "name": "CI", "logs_url": f"{api}/repos/acme/app/actions/runs/7/logs"}
    )
    httpserver.expect_request("/api/v3/repos/acme/app/actions/runs/7/logs").respond_with_data(
        "gone", status=410
    )
    client = remote_github_actions.github_client({}, api)
    (skipped,) = remote_github_actions.actions_log_chunks(
        client, "acme/app", ContainerLimits(), run_id=7
    )
    assert isinstance(skipped, Skipped)
    assert skipped.path == "github-actions:acme/app/runs/7"
    assert "expired" in skipped.reason


def test_gitlab_jobs_are_paginated_and_traces_cleaned(httpserver):
    project = "/api/v4/projects/group/app"  # the server sees the decoded %2F
    job = {"id": 11, "name": "deploy", "stage": "deploy", "pipeline": {"id": 5}}
    httpserver.expect_request(
        f"{project}/jobs",
        query_string="per_page=100&page=1",
        headers={"PRIVATE-TOKEN": "glpat-test"},
    ).respond_with_json([job], headers={"X-Next-Page": "2"})
    httpserver.expect_request(
        f"{project}/jobs", query_string="per_page=100&page=2"
    ).respond_with_json(
        [{"id": 12, "name": "skipped-job", "stage": "test"}], headers={"X-Next-Page": ""}
    )
    trace = b"section_start:1714557602:step_script\r\x1b[0K$ ./deploy\n" + LOG_LINE
    httpserver.expect_request(f"{project}/jobs/11/trace").respond_with_data(trace)
    httpserver.expect_request(f"{project}/jobs/12/trace").respond_with_data("", status=404)

    # The instance URL, as a user gives it; the client asks the REST API below it.
    client = remote_gitlab.gitlab_client({"GITLAB_TOKEN": "glpat-test"}, httpserver.url_for("/"))
    (chunk,) = remote_gitlab.gitlab_job_chunks(client, "group/app", ContainerLimits())
    assert isinstance(chunk, Chunk)
    assert chunk.origin.display == "gitlab:group/app/jobs/11"
    assert dict(chunk.origin.extra) == {
        "pipeline": "5",
        "job": "deploy",
        "stage": "deploy",
        "group": "step_script",
    }
    assert chunk.data.split(b"\n")[1] == b"deploying with key=" + GOOGLE_KEY.encode()


def test_gitlab_refusal_says_what_to_do(httpserver):
    httpserver.expect_request("/api/v4/projects/x/y/jobs").respond_with_data("", status=401)
    client = remote_gitlab.gitlab_client({}, httpserver.url_for("/"))
    (skipped,) = remote_gitlab.gitlab_job_chunks(client, "x/y", ContainerLimits())
    assert isinstance(skipped, Skipped)
    assert "GITLAB_TOKEN" in skipped.reason


def test_postman_workspace(httpserver):
    headers = {"X-Api-Key": "PMAK-test"}
    httpserver.expect_request("/workspaces/ws1", headers=headers).respond_with_json(
        {
            "workspace": {
                "id": "ws1",
                "name": "Team",
                "type": "team",
                "collections": [{"id": "c1", "name": "Acme API", "uid": "1-c1"}],
                "environments": [{"id": "e1", "name": "Prod", "uid": "1-e1"}],
            }
        }
    )
    httpserver.expect_request("/collections/1-c1", headers=headers).respond_with_json(
        {"collection": collection("2.1")}
    )
    httpserver.expect_request("/environments/1-e1", headers=headers).respond_with_json(
        {
            "environment": {
                "id": "e1",
                "name": "Prod",
                "values": [{"key": "TOKEN", "value": "ws-env-VALUE", "type": "secret"}],
            }
        }
    )
    client = remote_postman.postman_client(
        {"POSTMAN_API_KEY": "PMAK-test"}, httpserver.url_for("/")
    )
    items = remote_postman.workspace_chunks(client, "ws1")
    names = {c.origin.display for c in items if isinstance(c, Chunk)}
    assert "postman:Team/Acme API.postman_collection.json!Billing/auth.bearer.token" in names
    assert "postman:Team/Prod.postman_environment.json!values.TOKEN" in names


def test_postman_rate_limit(httpserver):
    httpserver.expect_request("/workspaces/ws1").respond_with_data(
        "", status=429, headers={"Retry-After": "30"}
    )
    client = remote_postman.postman_client({}, httpserver.url_for("/"))
    (skipped,) = remote_postman.workspace_chunks(client, "ws1")
    assert isinstance(skipped, Skipped)
    assert "retry after 30" in skipped.reason


def _serve_one_gitlab_job(httpserver) -> None:
    project = "/api/v4/projects/group/app"
    httpserver.expect_request(f"{project}/jobs").respond_with_json(
        [{"id": 11, "name": "deploy", "stage": "deploy"}], headers={"X-Next-Page": ""}
    )
    httpserver.expect_request(f"{project}/jobs/11/trace").respond_with_data(LOG_LINE)


@pytest.mark.parametrize("variable", ["LEAKWARD_API_GITLAB", "GITLAB_URL"])
def test_scan_gitlab_jobs_reads_the_instance_from_the_provider_convention(
    httpserver, variable: str
) -> None:
    """`scan --gitlab-jobs` takes the instance as `rotate` does (GITLAB_URL, the old name, still
    works with a warning) and asks the REST API below it."""
    _serve_one_gitlab_job(httpserver)
    environ = {"PATH": os.environ["PATH"], "GITLAB_TOKEN": "glpat-test"}
    leakward = str(Path(sys.executable).with_name("leakward"))
    done = subprocess.run(
        [leakward, "scan", "--gitlab-jobs", "group/app", "--format", "json", "--no-progress"],
        env={**environ, variable: httpserver.url_for("/").rstrip("/")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    [finding] = json.loads(done.stdout)["findings"]
    assert finding["file"] == "gitlab:group/app/jobs/11"
    deprecated = "GITLAB_URL is deprecated; set LEAKWARD_API_GITLAB instead"
    assert (deprecated in done.stderr) == (variable == "GITLAB_URL")
