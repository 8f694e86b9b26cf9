"""GitHub through PyGithub: the org sweep's listing and repository checks, and the Actions-log
source, fit GitHub's REST description (specs/github.yaml), requests and answers.

PyGithub talks through `requests`, so each client is pointed at a `RecordingProxy` in front of
the fake (tests/sweep/fake_org.py) and the proxy's record is checked. Every path is driven past
one page: the fake pages repositories and runs two at a time and the clients must follow its
`Link` headers. The log archive itself comes from a storage host, not the REST API (the 302's
`Location`), so its download is left out of the check. The GitHub-issue notifier talks through
httpx and is checked in test_github_contract.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import git
import httpx
import pytest

from leakward.scanner.models import Chunk
from leakward.scanner.sources.limits import ContainerLimits
from leakward.scanner.sources.remote_github_actions import actions_log_chunks
from leakward.sweep.github_org import (
    RateLimitedApi,
    RepoStatus,
    github_api,
    limit_retry,
    list_org_repositories,
    repository_status,
)
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.contracts.recording_proxy import RecordingProxy
from tests.sources.builders import GOOGLE_KEY, zip_of
from tests.sweep.fake_org import FakeOrgGitHub

CONTRACT = Contract.named("github", error_schema="basic-error")
TOKEN = "ghp_sweepToken0000000000000000000000000"
STORAGE = ("/blobs/",)  # the log archive's download host: no REST API operation


@pytest.fixture
def fake_org() -> Iterator[FakeOrgGitHub]:
    fake = FakeOrgGitHub(page_size=2)
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def proxy(fake_org: FakeOrgGitHub) -> Iterator[RecordingProxy]:
    with RecordingProxy(fake_org.url) as running:
        yield running


def _api(proxy: RecordingProxy, sleeps: list[float]) -> RateLimitedApi:
    return RateLimitedApi(github_api(TOKEN, proxy.url, None), sleep=sleeps.append)


def _origin(root: Path, name: str) -> str:
    """A repository with one commit, so the listing has a `pushed_at` for it."""
    repo = git.Repo.init(root / name)
    (root / name / "README").write_text("hello\n", encoding="utf-8")
    repo.index.add(["README"])
    repo.index.commit("first")
    return str(root / name)


def test_the_org_listing_fits_the_spec(
    fake_org: FakeOrgGitHub, proxy: RecordingProxy, tmp_path: Path
) -> None:
    fake_org.add_repo("app", _origin(tmp_path, "app"))
    fake_org.add_repo("lib", _origin(tmp_path, "lib"), private=False)
    for name in ("empty", "docs", "site"):  # never pushed to: null `pushed_at`
        fake_org.add_repo(name, str(tmp_path / name))
    fake_org.primary_limited = 1  # GitHub's own "limit spent" 403 on the first page
    sleeps: list[float] = []
    listed = list(list_org_repositories(_api(proxy, sleeps), "acme"))
    assert [r.full_name for r in listed] == [
        "acme/app",
        "acme/lib",
        "acme/empty",
        "acme/docs",
        "acme/site",
    ]
    assert [r.pushed_at is not None for r in listed] == [True, True, False, False, False]
    assert [r.is_public for r in listed] == [False, True, False, False, False]
    assert len(sleeps) == 1
    statuses = [e.response.status_code for e in proxy.traffic().exchanges]
    assert statuses == [403, 200, 200, 200]  # three pages after the wait
    assert_conforms(CONTRACT, proxy.traffic())


def test_repository_checks_fit_the_spec(
    fake_org: FakeOrgGitHub, proxy: RecordingProxy, tmp_path: Path
) -> None:
    fake_org.add_repo("app", _origin(tmp_path, "app"))
    fake_org.add_repo("empty", str(tmp_path / "empty"))  # never pushed to
    gone = fake_org.add_repo("gone", str(tmp_path / "gone"))
    gone.state = "deleted"
    moved = fake_org.add_repo("old", _origin(tmp_path, "old"))
    moved.state, moved.renamed_to = "renamed", "acme/new"
    api = _api(proxy, [])
    assert repository_status(api, "acme/app") == RepoStatus("present")
    assert repository_status(api, "acme/empty") == RepoStatus("present")
    assert repository_status(api, "acme/gone") == RepoStatus("deleted")
    assert repository_status(api, "acme/old") == RepoStatus("renamed", "acme/new")
    # GitHub redirects a renamed repository to `/repositories/{id}`, a path its description
    # does not list: the gap is pinned here, every other exchange must fit.
    followed = [e for e in proxy.exchanges if e.request.url.path.startswith("/repositories/")]
    assert [e.label() for e in followed] == [f"GET /repositories/{moved.id} -> 200"]
    (problem,) = CONTRACT.check(followed)
    assert "PathNotFound" in problem
    others = [e for e in proxy.exchanges if e not in followed]
    assert [e.response.status_code for e in others] == [200, 200, 404, 301]
    assert_conforms(CONTRACT, Traffic(others))


def _log(run_id: int) -> bytes:
    line = f"2026-12-01T10:00:00.0000000Z run {run_id} deploying with key={GOOGLE_KEY}\n"
    return zip_of({"build/2_Deploy.txt": line.encode()})


def test_the_actions_log_source_fits_the_spec(
    fake_org: FakeOrgGitHub, proxy: RecordingProxy, tmp_path: Path
) -> None:
    fake_org.add_repo("app", _origin(tmp_path, "app"))
    for run_id in range(101, 106):
        fake_org.add_run("acme/app", run_id, _log(run_id))
    github = github_api(TOKEN, proxy.url, None, retry=limit_retry())
    with httpx.Client(timeout=10) as http:
        items = list(
            actions_log_chunks(
                github, "acme/app", ContainerLimits(), since=date(2026, 12, 1), http=http
            )
        )
        (again,) = actions_log_chunks(github, "acme/app", ContainerLimits(), run_id=103, http=http)
    assert all(isinstance(item, Chunk) for item in [*items, again])
    runs = sorted(dict(item.origin.extra)["run"] for item in items if isinstance(item, Chunk))
    assert runs == ["101", "102", "103", "104", "105"]
    assert isinstance(again, Chunk)
    assert dict(again.origin.extra)["run"] == "103"
    operations = proxy.traffic(excluding=STORAGE).operations()
    assert operations.count("GET /repos/acme/app/actions/runs") == 3  # 5 runs, 2 a page
    assert "GET /repos/acme/app/actions/runs/103" in operations
    assert operations.count("GET /repos/acme/app/actions/runs/103/logs") == 2
    assert len(proxy.traffic().exchanges) - len(operations) == 6  # the archives, via the 302s
    assert_conforms(CONTRACT, proxy.traffic(excluding=STORAGE))
