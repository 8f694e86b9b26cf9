"""Reads GitLab CI job traces of a project through the REST API (v4) with httpx.

Stage: sources. Lists the project's jobs newest first (`GET /projects/:id/jobs`, paginated by
the `X-Next-Page` header) and downloads each trace (`GET /projects/:id/jobs/:job_id/trace`),
which goes through the dispatcher like any log file. `gitlab_client` takes the instance
(`https://gitlab.com` or a self-managed one) and asks the REST API below it, with the
`PRIVATE-TOKEN` header read from the environment (GITLAB_TOKEN), never from the command line;
without one it says so instead of asking, since the jobs API answers every anonymous request
with 401.
"""

from __future__ import annotations

import dataclasses
import urllib.parse
from collections.abc import Iterator, Mapping

import httpx

from leakward.scanner.models import Chunk, Origin, Skipped
from leakward.scanner.sources.dispatch import chunks_for
from leakward.scanner.sources.limits import ContainerLimits

ENV_VARIABLE = "GITLAB_TOKEN"
DEFAULT_INSTANCE = "https://gitlab.com"
API_PATH = "/api/v4"  # every REST resource of an instance lives below it


def gitlab_client(env: Mapping[str, str], instance: str = DEFAULT_INSTANCE) -> httpx.Client:
    """A client for the REST API of the GitLab at `instance` (the URL users browse, as
    `LEAKWARD_API_GITLAB` gives it), authenticated with GITLAB_TOKEN when the environment has
    one."""
    token = env.get(ENV_VARIABLE)
    headers = {"PRIVATE-TOKEN": token} if token else {}
    api = instance.rstrip("/") + API_PATH
    return httpx.Client(base_url=api, headers=headers, timeout=60.0, follow_redirects=True)


def gitlab_job_chunks(
    client: httpx.Client, project: str, limits: ContainerLimits, max_jobs: int = 200
) -> Iterator[Chunk | Skipped]:
    """Chunks of the newest `max_jobs` job traces of `project` (`group/name` or numeric id)."""
    quoted = urllib.parse.quote(project, safe="")
    label = f"gitlab:{project}"
    if "PRIVATE-TOKEN" not in client.headers:
        # The jobs API authenticates every request (lib/api/ci/jobs.rb), public projects too.
        yield Skipped(label, f"GitLab's jobs API needs a token: {_TOKEN_HINT}", True)
        return
    page: str | None = "1"
    seen = 0
    while page and seen < max_jobs:
        try:
            response = client.get(
                f"/projects/{quoted}/jobs", params={"per_page": 100, "page": page}
            )
        except httpx.HTTPError as exc:
            yield Skipped(
                label, f"GitLab API unreachable ({type(exc).__name__}); check the URL", True
            )
            return
        if response.status_code != httpx.codes.OK:
            yield Skipped(label, _refusal(response.status_code), True)
            return
        for job in response.json():
            if seen >= max_jobs:
                return
            seen += 1
            yield from _job(client, quoted, label, job, limits)
        page = response.headers.get("X-Next-Page") or None


def _job(
    client: httpx.Client, quoted: str, label: str, job: dict[str, object], limits: ContainerLimits
) -> Iterator[Chunk | Skipped]:
    job_id = str(job.get("id"))
    pipeline = job.get("pipeline")
    extra = [("job", str(job.get("name", job_id))), ("stage", str(job.get("stage", "")))]
    if isinstance(pipeline, dict):
        extra.insert(0, ("pipeline", str(pipeline.get("id"))))
    origin = Origin(kind="ci-log", path=f"{label}/jobs/{job_id}", extra=tuple(extra))
    try:
        trace = _download(client, f"/projects/{quoted}/jobs/{job_id}/trace", limits)
    except httpx.HTTPError as exc:
        yield Skipped(origin.display, f"trace download failed ({type(exc).__name__})", True)
        return
    if isinstance(trace, int):
        if trace != httpx.codes.NOT_FOUND:  # the job is gone since it was listed
            yield Skipped(origin.display, _refusal(trace), True)
        return
    if not trace:  # a job that wrote no log: GitLab answers 200 with nothing
        return
    for item in chunks_for(trace, origin, limits):
        if isinstance(item, Chunk) and not item.origin.extra:
            item = dataclasses.replace(item, origin=origin)
        yield item


def _download(client: httpx.Client, path: str, limits: ContainerLimits) -> bytes | int:
    """The body, cut at max_entry_bytes (a trace can be huge), or the HTTP status on failure."""
    parts: list[bytes] = []
    size = 0
    with client.stream("GET", path) as response:
        if response.status_code != httpx.codes.OK:
            return response.status_code
        for block in response.iter_bytes():
            parts.append(block)
            size += len(block)
            if size >= limits.max_entry_bytes:
                break
    return b"".join(parts)[: limits.max_entry_bytes]


_TOKEN_HINT = f"set {ENV_VARIABLE} to a token with the read_api scope on this project"


def _refusal(status: int) -> str:
    if status in (httpx.codes.UNAUTHORIZED, httpx.codes.FORBIDDEN):
        return f"GitLab refused access (HTTP {status}); {_TOKEN_HINT}"
    if status == httpx.codes.NOT_FOUND:
        return f"GitLab says not found (HTTP {status}); check the project path and token scope"
    if status == httpx.codes.TOO_MANY_REQUESTS:
        return f"GitLab rate limit hit (HTTP {status}); try again later"
    return f"GitLab answered HTTP {status}"
