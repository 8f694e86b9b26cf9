"""Remote scan sources: the GitLab job-log reads of `remote_gitlab`, on the client it builds
itself, and a server answering as GitLab does, fit specs/gitlab_jobs.yaml (written from
GitLab's docs and the Grape code that serves jobs; its header names the files).

The Postman workspace reads are checked in test_postman_contract.py with the Postman fake.
Drives a project with more jobs than a page holds (the x-next-page header and the next page's
query), a job without a log (GitLab answers 200 with an empty body), a log the token may not
read (403), a scan without a token (401) and a project that is not there (404).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from leakward.scanner.models import Chunk, Skipped
from leakward.scanner.sources import remote_gitlab
from leakward.scanner.sources.limits import ContainerLimits
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.server import FakeRequest, FakeServer, Reply
from tests.sources.builders import GOOGLE_KEY

CONTRACT = Contract.named("gitlab_jobs")
TOKEN = "glpat-" + "x" * 20
PROJECT = "group/app"
LOG = f"$ ./deploy\ndeploying with key={GOOGLE_KEY}\n"


class FakeGitLabJobs(FakeServer):
    """One project's jobs, newest first, served as lib/api/ci/jobs.rb serves them."""

    def __init__(self, jobs: int) -> None:
        super().__init__()
        self.traces: dict[int, str] = {i: f"$ ./test {i}\nok\n" for i in range(jobs, 0, -1)}
        self.hidden: set[int] = set()  # jobs whose log the token may not read
        project = r"/api/v4/projects/(?P<project>[^/]+)/jobs"
        self.route("GET", project, self._jobs)
        self.route("GET", project + r"/(?P<job>\d+)/trace", self._trace)

    def _refusal(self, request: FakeRequest, match: re.Match[str]) -> Reply | None:
        if request.headers.get("private-token") != TOKEN:
            return Reply(401, {"message": "401 Unauthorized"})
        if match["project"] != "group%2Fapp":
            return Reply(404, {"message": "404 Project Not Found"})
        return None

    def _jobs(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._refusal(request, match)
        if refused is not None:
            return refused
        page, per_page = int(request.query.get("page", "1")), int(request.query["per_page"])
        ids = list(self.traces)[(page - 1) * per_page : page * per_page]
        more = page * per_page < len(self.traces)
        headers = {
            "x-page": str(page),
            "x-per-page": str(per_page),
            "x-next-page": str(page + 1) if more else "",
            "x-prev-page": str(page - 1) if page > 1 else "",
        }
        return Reply(200, [_job(i) for i in ids], headers)

    def _trace(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        refused = self._refusal(request, match)
        if refused is not None:
            return refused
        job = int(match["job"])
        if job not in self.traces:
            return Reply(404, {"message": "404 Not found"})
        if job in self.hidden:
            return Reply(403, {"message": "403 Forbidden"})
        disposition = f'infile; filename="{job}.log"'
        return Reply(200, self.traces[job], {"content-disposition": disposition})


def _job(job_id: int) -> dict[str, object]:
    at = "2026-11-30T10:00:00.000Z"
    pipeline = {
        "id": 5,
        "project_id": 7,
        "sha": "a" * 40,
        "ref": "main",
        "status": "success",
        "created_at": at,
        "updated_at": at,
        "web_url": "https://gitlab.example.com/group/app/-/pipelines/5",
    }
    return {
        "id": job_id,
        "status": "success",
        "stage": "deploy",
        "name": f"deploy-{job_id}",
        "ref": "main",
        "tag": False,
        "coverage": None,
        "allow_failure": False,
        "created_at": at,
        "started_at": at,
        "finished_at": at,
        "duration": 12.5,
        "queued_duration": 0.4,
        "user": None,
        "commit": {"id": "a" * 40, "short_id": "aaaaaaaa", "title": "Deploy"},
        "pipeline": pipeline,
        "web_url": f"https://gitlab.example.com/group/app/-/jobs/{job_id}",
        "artifacts": [],
        "runner": None,
        "artifacts_expire_at": None,
        "archived": False,
        "tag_list": [],
    }


@pytest.fixture
def gitlab_jobs() -> Iterator[FakeGitLabJobs]:
    with FakeGitLabJobs(jobs=130) as server:
        yield server


def _client(env: dict[str, str], fake: FakeGitLabJobs, traffic: Traffic) -> httpx.Client:
    client = remote_gitlab.gitlab_client(env, fake.url)
    client.event_hooks["response"].append(traffic.keep)
    return client


def test_job_logs_are_read_page_by_page_within_the_spec(gitlab_jobs: FakeGitLabJobs) -> None:
    gitlab_jobs.traces[130] = LOG
    gitlab_jobs.traces[7] = ""  # a job that never wrote a log: GitLab answers 200, empty
    gitlab_jobs.hidden.add(3)
    traffic = Traffic()
    with _client({remote_gitlab.ENV_VARIABLE: TOKEN}, gitlab_jobs, traffic) as client:
        items = list(remote_gitlab.gitlab_job_chunks(client, PROJECT, ContainerLimits()))
    # openapi-core reports any empty body as missing data, even where the spec's schema (a
    # string) allows "": that one answer is checked here, the rest by the spec.
    (empty,) = [e for e in traffic.exchanges if e.request.url.path.endswith("/7/trace")]
    assert (empty.response.status_code, empty.response.content) == (200, b"")
    traffic.exchanges.remove(empty)
    assert_conforms(CONTRACT, traffic)
    lists = [e.request.url.params for e in traffic.exchanges if e.request.url.path.endswith("jobs")]
    assert [(p["page"], p["per_page"]) for p in lists] == [("1", "100"), ("2", "100")]
    assert len(traffic.exchanges) == 2 + 129  # two pages, then every other job's log
    chunks = [i for i in items if isinstance(i, Chunk)]
    paths = {c.origin.path for c in chunks}
    assert len(paths) == 130 - 2  # every log but the empty and hidden
    (leak,) = [c for c in chunks if GOOGLE_KEY.encode() in c.data]
    assert leak.origin.display == "gitlab:group/app/jobs/130"
    (hidden,) = [i for i in items if isinstance(i, Skipped)]
    assert hidden.path == "gitlab:group/app/jobs/3"
    assert remote_gitlab.ENV_VARIABLE in hidden.reason


def test_refusals_fit_the_spec(gitlab_jobs: FakeGitLabJobs) -> None:
    traffic = Traffic()
    wrong = {remote_gitlab.ENV_VARIABLE: "glpat-" + "0" * 20}
    with _client(wrong, gitlab_jobs, traffic) as client:
        (refused,) = remote_gitlab.gitlab_job_chunks(client, PROJECT, ContainerLimits())
    with _client({remote_gitlab.ENV_VARIABLE: TOKEN}, gitlab_jobs, traffic) as client:
        (missing,) = remote_gitlab.gitlab_job_chunks(client, "group/gone", ContainerLimits())
    assert_conforms(CONTRACT, traffic)
    assert [e.response.status_code for e in traffic.exchanges] == [401, 404]
    assert isinstance(refused, Skipped)
    assert remote_gitlab.ENV_VARIABLE in refused.reason
    assert isinstance(missing, Skipped)
    assert "project path" in missing.reason


def test_a_scan_without_a_token_says_so_without_asking(gitlab_jobs: FakeGitLabJobs) -> None:
    """The spec requires PRIVATE-TOKEN on every jobs request (the API authenticates each one,
    public projects too): the scan used to ask anyway and relay the 401."""
    traffic = Traffic()
    with _client({}, gitlab_jobs, traffic) as client:
        (skipped,) = remote_gitlab.gitlab_job_chunks(client, PROJECT, ContainerLimits())
    assert traffic.exchanges == []
    assert isinstance(skipped, Skipped)
    assert remote_gitlab.ENV_VARIABLE in skipped.reason
