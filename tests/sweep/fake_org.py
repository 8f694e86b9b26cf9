"""A fake GitHub REST API for org sweeps: paginated repository listings and rate limits.

Stage: tests (org sweep). Follows docs.github.com/rest/repos/repos#list-organization-repositories
and the pagination and rate-limit guides: `Link` headers with absolute `next`/`last` URLs,
`X-RateLimit-*` headers on every answer, 403 with `X-RateLimit-Remaining: 0` when the primary
limit is spent, 403/429 with `Retry-After` for a secondary limit. A deleted repository answers
404, a renamed one 301 to `/repositories/{id}`. Clone URLs are local paths. Workflow runs
(docs.github.com/rest/actions/workflow-runs) are paged like the listing, and a run's logs
answer 302 to the archive. Repositories and runs are GitHub's documented objects
(tests/fakes/github_objects.py), which tests/contracts/test_github_clients_contract.py checks
against GitHub's REST description.

`pushed_at` is as GitHub gives it (ISO 8601 in whole seconds, UTC, "Z") and moves on every push:
it is when the origin's refs last changed (the newest modification time under `refs/` and of
`packed-refs`), so a commit, branch or deletion made in an origin shows as a push. A test sets
it by setting those times (`set_pushed_at`).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import quote

from tests.fakes.github_objects import CREATED, full_repository, minimal_repository, workflow_run
from tests.fakes.server import FakeRequest, FakeServer, Reply


@dataclass
class FakeRepo:
    id: int
    full_name: str
    clone_url: str
    private: bool = True
    state: str = "present"  # "present", "deleted" or "renamed"
    renamed_to: str | None = None
    api: str = ""  # the fake's address, which GitHub's objects link to

    def json(self) -> dict[str, object]:
        """The repository as a listing carries it: GitHub's `minimal-repository`."""
        return {
            **minimal_repository(self.api, self.full_name, self.id),
            **self._settings(),
            "pushed_at": pushed_at(Path(self.clone_url)),
        }

    def full_json(self, full_name: str | None = None) -> dict[str, object]:
        """`GET /repos/{owner}/{repo}`: GitHub's `full-repository`, under `full_name` if given.
        Its `pushed_at` is never null (the description requires a date there, unlike in a
        listing's `minimal-repository`): a repository without refs shows its creation time."""
        name = full_name or self.full_name
        return {
            **full_repository(self.api, name, self.id),
            **self._settings(),
            "pushed_at": pushed_at(Path(self.clone_url)) or CREATED,
        }

    def _settings(self) -> dict[str, object]:
        return {
            "clone_url": self.clone_url,
            "private": self.private,
            "visibility": "private" if self.private else "public",
            "archived": False,
        }


def pushed_at(origin: Path) -> str | None:
    """When the refs of the repository at `origin` last changed, as GitHub writes `pushed_at`;
    None where there is no repository (GitHub gives null for one never pushed to)."""
    times = [path.stat().st_mtime for path in _ref_storage(origin)]
    if not times:
        return None
    return datetime.fromtimestamp(int(max(times)), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def set_pushed_at(origin: Path, when: datetime) -> None:
    """Make the repository at `origin` look last pushed at `when`."""
    stamp = when.timestamp()
    for path in _ref_storage(origin):
        os.utime(path, (stamp, stamp))


def _ref_storage(origin: Path) -> Iterator[Path]:
    """Every file and folder a ref update changes: loose refs, their folders, packed-refs."""
    git_dir = origin / ".git" if (origin / ".git").is_dir() else origin
    refs = git_dir / "refs"
    if not refs.is_dir():
        return
    yield refs
    yield from refs.rglob("*")
    if (git_dir / "packed-refs").is_file():
        yield git_dir / "packed-refs"


class FakeOrgGitHub(FakeServer):
    def __init__(self, org: str = "acme", page_size: int = 2) -> None:
        super().__init__()
        self.org = org
        self.page_size = page_size  # GitHub caps per_page; a small cap makes many pages
        self.repos: list[FakeRepo] = []
        self.primary_limited = 0  # next N listing pages answer "primary limit spent"
        self.reset_in = 30  # seconds until X-RateLimit-Reset
        self.after_page: Callable[[int], None] | None = None  # runs once a page is served
        self.route("GET", r"/orgs/(?P<org>[^/]+)/repos", self._list)
        self.route("GET", r"/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)", self._repo)
        self.route("GET", r"/repositories/(?P<id>\d+)", self._repo_by_id)
        self.route("GET", r"/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)/actions/runs", self._runs)
        self.route("GET", r"/repos/[^/]+/[^/]+/actions/runs/(?P<id>\d+)/logs", self._logs)
        self.route(
            "GET", r"/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)/actions/runs/(?P<id>\d+)", self._run
        )
        self.route("GET", r"/blobs/(?P<id>\d+)\.zip", self._blob)
        self.runs: dict[str, list[tuple[int, bytes]]] = {}  # repository -> (run id, log zip)

    def add_run(self, full_name: str, run_id: int, log_zip: bytes) -> None:
        with self.lock:
            self.runs.setdefault(full_name, []).append((run_id, log_zip))

    def add_repo(self, name: str, clone_url: str, *, private: bool = True) -> FakeRepo:
        with self.lock:
            number = len(self.repos) + 1
            repo = FakeRepo(number, f"{self.org}/{name}", clone_url, private, api=self.url)
            self.repos.append(repo)
            return repo

    def find(self, full_name: str) -> FakeRepo:
        return next(r for r in self.repos if r.full_name == full_name)

    def listing_pages(self) -> list[int]:
        return [int(r.query.get("page", "1")) for r in self.requests if "/orgs/" in r.path]

    def _limits(self, remaining: int = 4999) -> dict[str, str]:
        return {
            "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": str(remaining),
            "x-ratelimit-reset": str(int(time.time()) + self.reset_in),
            "x-ratelimit-resource": "core",
        }

    def _list(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if match["org"] != self.org:
            return Reply(404, {"message": "Not Found"}, self._limits())
        if self.primary_limited > 0:
            self.primary_limited -= 1
            return Reply(403, {"message": "API rate limit exceeded"}, self._limits(0))
        page = int(request.query.get("page", "1"))
        size = min(self.page_size, int(request.query.get("per_page", "30")))
        # The listing is a snapshot: a repository deleted mid-sweep keeps its place, so the
        # pages do not shift under the test (GitHub's offset pages can; that is not tested here).
        listed = self.repos
        last = max(1, -(-len(listed) // size))
        items = [r.json() for r in listed[(page - 1) * size : page * size]]
        headers = {**self._limits(), "link": self._links(request, page, last)}
        if self.after_page is not None:
            self.after_page(page)
        return Reply(200, items, headers)

    def _repo(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        full_name = f"{match['owner']}/{match['name']}"
        repo = next((r for r in self.repos if r.full_name == full_name), None)
        if repo is None or repo.state == "deleted":
            return Reply(404, {"message": "Not Found"}, self._limits())
        if repo.state == "renamed":
            return Reply(
                301,
                {"message": "Moved Permanently"},
                {**self._limits(), "location": f"{self.url}/repositories/{repo.id}"},
            )
        return Reply(200, repo.full_json(), self._limits())

    def _repo_by_id(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        repo = next((r for r in self.repos if r.id == int(match["id"])), None)
        if repo is None or repo.state == "deleted":
            return Reply(404, {"message": "Not Found"}, self._limits())
        return Reply(200, repo.full_json(repo.renamed_to), self._limits())

    def _runs(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        full_name = f"{match['owner']}/{match['name']}"
        runs = [run_id for run_id, _ in self.runs.get(full_name, [])]
        page = int(request.query.get("page", "1"))
        size = min(self.page_size, int(request.query.get("per_page", "30")))
        last = max(1, -(-len(runs) // size))
        shown = [self._run_json(full_name, i) for i in runs[(page - 1) * size : page * size]]
        headers = {**self._limits(), "link": self._links(request, page, last)}
        return Reply(200, {"total_count": len(runs), "workflow_runs": shown}, headers)

    def _run(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        full_name, run_id = f"{match['owner']}/{match['name']}", int(match["id"])
        if run_id not in [known for known, _ in self.runs.get(full_name, [])]:
            return Reply(404, {"message": "Not Found"}, self._limits())
        return Reply(200, self._run_json(full_name, run_id), self._limits())

    def _run_json(self, full_name: str, run_id: int) -> dict[str, object]:
        repo = next((r for r in self.repos if r.full_name == full_name), None)
        return workflow_run(self.url, full_name, run_id, repo.id if repo else 0)

    def _links(self, request: FakeRequest, page: int, last: int) -> str:
        """`Link` as GitHub writes it: absolute URLs repeating the request's query, `next`
        while there is a next page, and `last`."""
        query = "&".join(
            f"{k}={quote(v, safe='')}" for k, v in request.query.items() if k != "page"
        )
        base = f"{self.url}{request.path}?{query}&" if query else f"{self.url}{request.path}?"
        links = [f'<{base}page={page + 1}>; rel="next"'] if page < last else []
        links.append(f'<{base}page={last}>; rel="last"')
        return ", ".join(links)

    def _logs(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        return Reply(302, None, {"location": f"{self.url}/blobs/{match['id']}.zip"})

    def _blob(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        wanted = int(match["id"])
        for runs in self.runs.values():
            for run_id, archive in runs:
                if run_id == wanted:
                    return Reply(200, archive, {"content-type": "application/zip"})
        return Reply(404, {"message": "Not Found"})

    @staticmethod
    def _write(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
        if not isinstance(reply.body, bytes):
            FakeServer._write(handler, reply)
            return
        handler.send_response(reply.status)
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.send_header("content-length", str(len(reply.body)))
        handler.end_headers()
        handler.wfile.write(reply.body)
