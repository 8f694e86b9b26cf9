"""Reads GitHub Actions run logs of a repository through PyGithub.

Stage: sources. Lists workflow runs (`GET /repos/{owner}/{repo}/actions/runs`, optionally
`created=>=DATE`) or takes one run, then downloads its log archive
(`GET .../actions/runs/{id}/logs`, which answers 302 with a short-lived download URL that we
fetch with plain httpx, so the token never goes to the storage host), and hands
the zip to the dispatcher: each step file is cleaned and located as
`github-actions:OWNER/REPO/runs/ID!job/N_step.txt` with job, step and group in `Origin.extra`.
The caller builds the `Github` client; its token comes from the environment (GITHUB_TOKEN).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from datetime import date

import httpx
import requests
from github import Auth, Github, GithubException
from github.WorkflowRun import WorkflowRun

from leakward.scanner.models import Chunk, Origin, Skipped
from leakward.scanner.sources.dispatch import chunks_for
from leakward.scanner.sources.limits import ContainerLimits

ENV_VARIABLE = "GITHUB_TOKEN"
DEFAULT_API = "https://api.github.com"


def github_client(env: Mapping[str, str], base_url: str = DEFAULT_API) -> Github:
    token = env.get(ENV_VARIABLE)
    return Github(auth=Auth.Token(token) if token else None, base_url=base_url)


def actions_log_chunks(
    github: Github,
    repo: str,
    limits: ContainerLimits,
    run_id: int | None = None,
    since: date | None = None,
    max_runs: int = 50,
    http: httpx.Client | None = None,
) -> Iterator[Chunk | Skipped]:
    """Chunks of the logs of one run, or of the newest `max_runs` runs created since `since`.

    `http` downloads the log archives from the redirect target (a default client if None).
    """
    if http is None:
        with httpx.Client(timeout=120.0) as own:
            yield from actions_log_chunks(github, repo, limits, run_id, since, max_runs, own)
        return
    label = f"github-actions:{repo}"
    try:
        repository = github.get_repo(repo)
        runs: Iterable[WorkflowRun]
        if run_id is not None:
            runs = [repository.get_workflow_run(run_id)]
        elif since is not None:
            runs = repository.get_workflow_runs(created=f">={since.isoformat()}")
        else:
            runs = repository.get_workflow_runs()
        for run in itertools.islice(runs, max_runs):
            yield from _run(github, http, label, run, limits)
    except GithubException as exc:
        yield Skipped(label, _refusal(exc.status), True)
    except requests.RequestException as exc:
        # PyGithub talks through requests: an unreachable API is an unread source, not a crash.
        reason = f"GitHub API unreachable ({type(exc).__name__}); check the network and the URL"
        yield Skipped(label, reason, True)


def _run(
    github: Github, http: httpx.Client, label: str, run: WorkflowRun, limits: ContainerLimits
) -> Iterator[Chunk | Skipped]:
    path = f"{label}/runs/{run.id}"
    status, headers, _ = github.requester.requestJson("GET", run.logs_url)
    location = headers.get("location")
    if status != 302 or not location:
        yield Skipped(path, _refusal(status), True)
        return
    try:
        archive = _download(http, location, limits)
    except httpx.HTTPError as exc:
        yield Skipped(path, f"log download failed ({type(exc).__name__}); try again", True)
        return
    if isinstance(archive, int):
        yield Skipped(path, _refusal(archive), True)
        return
    extra = (("run", str(run.id)), ("workflow", str(run.name)))
    yield from chunks_for(archive, Origin(kind="ci-log", path=path, extra=extra), limits)


def _download(http: httpx.Client, url: str, limits: ContainerLimits) -> bytes | int:
    """The log zip (never more than max_entry_bytes), or the HTTP status on failure."""
    parts: list[bytes] = []
    size = 0
    with http.stream("GET", url, follow_redirects=True) as response:
        if response.status_code != httpx.codes.OK:
            return response.status_code
        for block in response.iter_bytes():
            parts.append(block)
            size += len(block)
            if size > limits.max_entry_bytes:
                break
    return b"".join(parts)


def _refusal(status: int) -> str:
    if status in (401, 403):
        return (
            f"GitHub refused access (HTTP {status}); set {ENV_VARIABLE} to a token that can "
            "read Actions on this repository"
        )
    if status in (404, 410):
        return f"GitHub has no such run or its logs expired (HTTP {status})"
    return f"GitHub answered HTTP {status}"
