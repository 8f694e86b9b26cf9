"""The Actions-logs half of an org sweep: scan the logs of runs created since the last sweep.

Stage: application shell (org sweep), between the CI-log source and the registry. Runs are asked
for by creation date (the API's `created=>=DATE` filter works in whole days), so a run seen on
the day of the last sweep is seen again: its leak locations are already recorded and add
nothing, only the leak's `times_seen` grows.

A log is no mirror: the rotate_key tasks it hands on carry where the leak is in it (repository,
run id, job, step and the leak's keyed fingerprint, never the value), so the worker can fetch
that run's log again and find the value (leakward/response/leaked_value.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime

import httpx
from github import Github
from sqlalchemy import Connection

from leakward.queues.work import FollowUp, TaskOutcome
from leakward.registry import LeakSighting, Registry, sweep_state
from leakward.registry import leaks as leak_rows
from leakward.response.registry_match import sightings_for
from leakward.rules.model import RuleSet
from leakward.scanner.models import Chunk, Finding, Skipped
from leakward.scanner.scan import ScanOptions
from leakward.scanning.request import ScanRequest, run_scan
from leakward.settings.work import TOKEN_VARIABLE, WorkSettings
from leakward.sweep.github_org import github_api, limit_retry
from leakward.sweep.repos import commit_once, handed_on, rotations_for


def scan_repository_logs(
    registry: Registry,
    ruleset: RuleSet,
    settings: WorkSettings,
    payload: dict[str, object],
    dedupe_key: str,
    http: httpx.Client | None = None,
) -> TaskOutcome:
    """Scan the logs of the runs created since the last sweep (or of the payload's `run_id`).
    `http` downloads the log archives: a worker hands the one it keeps, since making a client
    (its TLS context) costs more CPU than asking a quiet repository for its runs."""
    from leakward.scanner.sources.remote_github_actions import actions_log_chunks

    repository = str(payload["repository"])
    done = sweep_state.done_summary(registry.engine, dedupe_key)
    if done is not None:
        return TaskOutcome({**done, "duplicate": True}, handed_on(done))
    started = datetime.now(UTC)
    run_id = payload.get("run_id")
    since = _since(registry, repository, payload.get("since"))
    options = ScanOptions(jobs=1)
    github = log_client(settings)
    problems: list[str] = []

    def tracked() -> Iterator[Chunk | Skipped]:
        for item in actions_log_chunks(
            github,
            repository,
            options.container_limits,
            run_id=int(str(run_id)) if run_id is not None else None,
            since=since,
            max_runs=settings.max_log_runs,
            http=http,
        ):
            if isinstance(item, Skipped) and item.is_error:
                problems.append(f"{item.path}: {item.reason}")
            yield item

    items = tracked()
    first = next(items, None)
    # Most repositories have no new runs: skip building a matcher for nothing.
    findings = []
    if first is not None:
        request = ScanRequest(chunks=itertools.chain((first,), items))
        findings = list(run_scan(request, ruleset, options).result.findings)
    is_public = payload.get("is_public") is True
    sightings = sightings_for(
        registry, findings, source_kind="ci-log", is_public=is_public, repository=repository
    )
    summary: dict[str, object] = {
        "repository": repository,
        "state": "scanned" if first is not None else "unchanged",
        "since": since.isoformat() if since else None,
        "findings": len(findings),
        "errors": len(problems),
        "problems": problems[:20],
    }

    def write(connection: Connection) -> list[int]:
        # After a refusal or a failed download, the same window is asked for again next time.
        if run_id is None and not problems:
            sweep_state.save_logs_swept(connection, repository, started)
        return leak_rows.record_leaks(connection, sightings)

    def rotations(leak_ids: Sequence[int]) -> tuple[FollowUp, ...]:
        follow_ups = rotations_for(settings, sightings, leak_ids)
        return with_log_locations(follow_ups, repository, findings, sightings, leak_ids)

    follow_ups = commit_once(registry, dedupe_key, "scan_logs", summary, write, rotations)
    return TaskOutcome(summary, follow_ups)


def log_client(settings: WorkSettings) -> Github:
    """The client that reads Actions logs, for the sweep and for a worker reading one again.

    The runs listing and log links go through PyGithub's own objects (the CI-log source), so its
    retry waits out rate limits here; else a throttled repository lost its logs this time."""
    token = settings.environ.get(TOKEN_VARIABLE)
    return github_api(token, settings.api_url, settings.api_interval or None, retry=limit_retry())


def with_log_locations(
    follow_ups: Sequence[FollowUp],
    repository: str,
    findings: Sequence[Finding],
    sightings: Sequence[LeakSighting],
    leak_ids: Sequence[int],
) -> tuple[FollowUp, ...]:
    """Each rotate_key payload with the log place of its leak's first finding, under `log`."""
    where: dict[int, dict[str, object]] = {}
    for finding, sighting, leak_id in zip(findings, sightings, leak_ids, strict=True):
        place = log_location(repository, finding, sighting.fingerprint)
        if place is not None:
            where.setdefault(leak_id, place)
    located: list[FollowUp] = []
    for kind, payload in follow_ups:
        place = where.get(int(str(payload.get("leak_id"))))
        located.append((kind, {**payload, "log": place} if place else payload))
    return tuple(located)


def log_location(repository: str, finding: Finding, fingerprint: str) -> dict[str, object] | None:
    """Where in which run's log `finding` is, as JSON-ready names; None if not from a run."""
    extra = dict(finding.origin.extra)
    run = extra.get("run", "")
    if not run.isdigit():
        return None
    return {
        "repository": repository,
        "run_id": int(run),
        "job": extra.get("job"),
        "step": extra.get("step"),
        "fingerprint": fingerprint,
    }


def _since(registry: Registry, repository: str, given: object) -> date | None:
    if isinstance(given, str) and given:
        try:
            return date.fromisoformat(given[:10])
        except ValueError:
            pass
    last = sweep_state.logs_swept_at(registry.engine, repository)
    return last.date() if last else None
