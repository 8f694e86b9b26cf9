"""What `leakward scan` reads from remote services: GitHub Actions logs, GitLab job traces and
Postman workspaces.

Stage: application shell, for leakward.cli.scan. A missing credential or a malformed `--since`
is a usage error before any request; each service's base URL is the one `rotate` uses for that
provider (`LEAKWARD_API_<NAME>`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from leakward.core.errors import UsageError
from leakward.scanner.models import Chunk, Skipped
from leakward.scanner.scan import ScanOptions


def remote_chunks(
    github_actions: str | None,
    run_id: int | None,
    since: str | None,
    gitlab_jobs: str | None,
    postman_workspace: str | None,
    options: ScanOptions,
    environ: Mapping[str, str],
) -> Iterable[Chunk | Skipped] | None:
    """Chunks from a remote service named on the command line, or None for local sources."""
    chosen = [n for n in (github_actions, gitlab_jobs, postman_workspace) if n]
    if not chosen:
        return None
    if len(chosen) > 1:
        raise UsageError("scan one remote source at a time", None)
    limits = options.container_limits
    # Each service's base URL is the one `rotate` uses for that provider (LEAKWARD_API_<NAME>).
    from leakward.rotators.providers.registry import url_for

    if github_actions:
        from leakward.scanner.sources.remote_github_actions import (
            actions_log_chunks,
            github_client,
        )

        require_variable(environ, "GITHUB_TOKEN", "a token that can read this repository's Actions")
        when = since_date(since) if since else None
        github = github_client(environ, url_for(environ, "github"))
        return actions_log_chunks(github, github_actions, limits, run_id=run_id, since=when)
    if gitlab_jobs:
        from leakward.scanner.sources.remote_gitlab import gitlab_client, gitlab_job_chunks

        instance = url_for(environ, "gitlab")
        return gitlab_job_chunks(gitlab_client(environ, instance), gitlab_jobs, limits)
    from leakward.scanner.sources.remote_postman import postman_client, workspace_chunks

    require_variable(environ, "POSTMAN_API_KEY", "a Postman API key with access to it")
    postman = postman_client(environ, url_for(environ, "postman"))
    return workspace_chunks(postman, str(postman_workspace))


def require_variable(environ: Mapping[str, str], name: str, what: str) -> None:
    """A usage error before any request when the service cannot be read without a credential."""
    if not environ.get(name):
        raise UsageError(f"{name} is not set", f"export {name} with {what}")


def since_date(text: str) -> date:
    """The day `--since` names, as ISO 8601 (`2026-12-01`, or a timestamp whose day is taken)."""
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise UsageError(
            f"--since takes an ISO 8601 date, got {text!r}", "e.g. --since 2026-12-01"
        ) from None
