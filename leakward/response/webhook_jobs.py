"""The work a queued webhook job does: scan exactly what was pushed, or a finished run's logs,
then hand the findings to the leak response (registry match → rotation → notify).

Stage: application shell, run by the receiver's durable queue (webhooks/work_queue.py) through
`WebhookWork.perform(kind, payload)`. A push's fetch and scan, and a run's log download and
scan, run in a child process under the context's time budget (leakward/queues/budget.py): a
file whose pattern backtracks for minutes fails its job instead of stalling `serve`. Pushes
are scanned in a local mirror cache: `git clone --mirror` once per repository, `git fetch` after
that (leakward/scanning/mirrors.py), so a push costs only its new objects. Job payloads come
from webhooks/github_events.py.

A key whose rotation another worker holds becomes a `rotate_key` follow-up job (key and leak ids,
never the value), stored like the webhook jobs so it survives a restart; when it runs, the leaked
value is read again from the mirror. `resume_rotations` finishes, at `serve`'s start, rotations a
killed process left running, the way `leakward rotate KEY --resume` does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from leakward.core.errors import UsageError
from leakward.core.secret import Secret
from leakward.queues.budget import TimeBudget
from leakward.registry import Registry
from leakward.response.leaks import (
    Exposure,
    ResponsePolicy,
    ResponseReport,
    RotationOutcome,
    respond,
    rotate_leak,
)
from leakward.rules.model import RuleSet
from leakward.scanner.models import Finding
from leakward.scanner.scan import ScanOptions
from leakward.scanning.mirrors import locked, mirror_path, sync_mirror
from leakward.scanning.request import ScanRequest, run_scan
from leakward.settings.model import JOB_BUDGET_SECONDS
from leakward.webhooks.metrics import Metrics
from leakward.webhooks.work_queue import JobOutcome

log = logging.getLogger(__name__)


# The GitHub token goes only to GitHub itself: a payload's clone URL is data, and a token sent to
# whatever host it names would leak the credential this tool exists to protect.
TOKEN_HOSTS = ("https://github.com/",)
# The environment a run's log download reads: the token and the API's address.
GITHUB_VARIABLES = ("GITHUB_TOKEN", "GITHUB_API_URL")
# Leaks of a key read again, newest first, for a resumed rotation that has none of its own.
RESUME_LEAKS = 5
# What the budget's child processes import once, in the fork server, rather than each time.
PRELOAD = (
    "leakward.response.webhook_jobs",
    "leakward.scanner.git_scan",
    "leakward.scanner.sources.git",
    "leakward.scanner.sources.remote_github_actions",
)


@dataclass(frozen=True, slots=True)
class WorkContext:
    registry: Registry
    ruleset: RuleSet
    mirror_dir: Path
    environ: Mapping[str, str]
    metrics: Metrics
    policy: ResponsePolicy = field(default_factory=ResponsePolicy)
    # One process: a push is a handful of commits, and forking a pool costs more than it saves.
    options: ScanOptions = field(default_factory=lambda: ScanOptions(jobs=1))
    # What a push's fetch and scan may take; the child it runs in is killed after that.
    budget: TimeBudget = field(default_factory=lambda: TimeBudget(JOB_BUDGET_SECONDS, PRELOAD))


class FollowUps(Protocol):
    """Where a busy rotation's retry is stored (webhooks.work_queue.DurableQueue)."""

    def add(self, kind: str, payload: dict[str, object], *, dedupe: str, delay: float) -> bool: ...


class WebhookWork:
    def __init__(self, context: WorkContext, follow_ups: FollowUps | None = None) -> None:
        self.context = context
        self.follow_ups = follow_ups

    def perform(self, kind: str, payload: dict[str, object]) -> JobOutcome | None:
        """Do one job; `JobOutcome.BUSY` when it must come again later, else None (done)."""
        if kind == "rotate_key":
            return JobOutcome.BUSY if self.rotate_key(payload).is_busy else None
        self.run(kind, payload)
        return None

    def run(self, kind: str, payload: dict[str, object]) -> ResponseReport:
        if kind == "push":
            return self.push(payload)
        if kind == "workflow_run":
            return self.workflow_run(payload)
        raise UsageError(f"no webhook work of kind {kind!r}", "queue push or workflow_run jobs")

    def rotate_key(self, payload: dict[str, object]) -> RotationOutcome:
        """Try a busy rotation again: the key's rotation for that leak, value read again."""
        from leakward.response.leaked_value import leaked_value

        context = self.context
        entry, leak_id = int(str(payload["issued_key_id"])), int(str(payload["leak_id"]))
        secret = leaked_value(context.registry, context.ruleset, context.mirror_dir, entry, leak_id)
        is_public = payload.get("is_public") is True
        return rotate_leak(
            context.registry,
            entry,
            leak_id,
            secret,
            is_public,
            context.policy,
            context.environ,
            context.metrics,
            # Busy again: this job comes back itself (JobOutcome.BUSY), so no follow-up is stored.
            on_busy=lambda _key, _leak, _rotation: None,
        )

    def resume_rotations(self) -> list[RotationOutcome]:
        """Finish every rotation left running (by a process killed mid-pipeline), through the
        pipeline's `resume` as `leakward rotate KEY --resume` does; one held by a live worker
        is left to it, one waiting for approval or failed is left to a human."""
        from leakward.registry import rotations
        from leakward.registry.rotation_state import RotationStatus
        from leakward.response.pipeline_build import build_pipeline

        context = self.context
        outcomes: list[RotationOutcome] = []
        for rotation in rotations.list_rotations(context.registry.engine, unfinished=True):
            if rotation.status is not RotationStatus.RUNNING:
                continue
            entry = rotation.issued_key_id
            try:
                secret = self._resumed_value(entry, rotation.leak_id)
                pipeline = build_pipeline(context.registry, entry, context.environ)
                result = pipeline.resume(rotation.id, secret=secret)
            except Exception as error:  # one rotation must not keep the others from resuming
                # Only the type: a driver's or provider's message may quote what it was sent.
                log.error("resuming rotation %s failed: %s", rotation.id, type(error).__name__)
                continue
            status = "busy" if result.is_busy else result.rotation.status
            if not result.is_busy:
                context.metrics.rotation(status)
            log.info("resumed rotation %s of key %s: %s", rotation.id, entry, status)
            outcomes.append(RotationOutcome(entry, rotation.id, status))
        return outcomes

    def _resumed_value(self, entry: int, leak_id: int | None) -> Secret | None:
        """The leaked value a resumed rotation is handed, read again from the mirror: its own
        leak's, or for a rotation started without one (`leakward rotate`, which a push's leak
        then joined) the newest readable leak of the same key. Without it the rotation would
        go on unchecked, and could not revoke a token only its own value revokes."""
        from leakward.response.leaked_value import leaked_value

        context = self.context
        if leak_id is not None:
            leak_ids = [leak_id]
        else:
            leaks = context.registry.list_leaks(issued_key_id=entry)
            leak_ids = sorted((leak.id for leak in leaks), reverse=True)[:RESUME_LEAKS]
        for candidate in leak_ids:
            secret = leaked_value(
                context.registry, context.ruleset, context.mirror_dir, entry, candidate
            )
            if secret is not None:
                return secret
        return None

    def push(self, payload: dict[str, object]) -> ResponseReport:
        context = self.context
        repository = str(payload["repository"])
        clone_url = str(payload["clone_url"])
        token = context.environ.get("GITHUB_TOKEN") if clone_url.startswith(TOKEN_HOSTS) else None
        pushed = PushedRange(
            repository,
            clone_url,
            f"{payload['before']}..{payload['after']}",
            str(payload["ref"]),
        )
        findings = context.budget.run(
            scan_pushed_range,
            (context.mirror_dir, pushed, token, context.ruleset, context.options),
        )
        exposure = Exposure("git", repository, bool(payload["is_public"]), _time(payload))
        return self._respond("push", findings, exposure)

    def workflow_run(self, payload: dict[str, object]) -> ResponseReport:
        context = self.context
        repository = str(payload["repository"])
        run_id = payload["run_id"]
        # Only what the download needs goes to the child, not the whole environment.
        github_env = {k: v for k, v in context.environ.items() if k in GITHUB_VARIABLES}
        findings = context.budget.run(
            scan_run_logs,
            (
                github_env,
                repository,
                run_id if isinstance(run_id, int) else int(str(run_id)),
                context.ruleset,
                context.options,
            ),
        )
        exposure = Exposure("ci-log", repository, bool(payload["is_public"]))
        return self._respond("workflow_run", findings, exposure)

    def _respond(
        self, kind: str, findings: tuple[Finding, ...], exposure: Exposure
    ) -> ResponseReport:
        context = self.context
        context.metrics.scanned(kind, len(findings))
        report = respond(
            context.registry,
            findings,
            exposure,
            context.policy,
            context.environ,
            context.metrics,
            on_busy=self._store_retry(exposure.is_public) if self.follow_ups else None,
        )
        statuses = ", ".join(f"{r.rotation_id}:{r.status}" for r in report.rotations) or "none"
        log.info(
            "%s %s: %d findings, %d leaks, rotations %s",
            kind,
            exposure.repository,
            len(findings),
            report.leaks,
            statuses,
        )
        return report

    def _store_retry(self, is_public: bool) -> Callable[[int, int, int], None]:
        follow_ups = self.follow_ups
        assert follow_ups is not None  # noqa: S101 - only called when there is one

        def store(issued_key_id: int, leak_id: int, rotation_id: int) -> None:
            from leakward.response.busy_retry import BUSY_FIRST_DELAY

            payload: dict[str, object] = {
                "issued_key_id": issued_key_id,
                "leak_id": leak_id,
                "is_public": is_public,
            }
            dedupe = f"rotate_key:{issued_key_id}:{leak_id}"
            follow_ups.add("rotate_key", payload, dedupe=dedupe, delay=BUSY_FIRST_DELAY)
            log.info("rotation %s is held by another worker; stored a retry", rotation_id)

        return store


@dataclass(frozen=True, slots=True)
class PushedRange:
    repository: str
    clone_url: str
    spec: str  # before..after
    ref: str


def scan_pushed_range(
    mirror_dir: Path,
    pushed: PushedRange,
    token: str | None,
    ruleset: RuleSet,
    options: ScanOptions,
) -> tuple[Finding, ...]:
    """Fetch the push into its mirror and scan exactly the commits it added (run in the budget's
    child process: module-level, and everything it takes and gives back pickles)."""
    from leakward.scanner.git_scan import range_revs, scan_revisions
    from leakward.scanner.sources.git import Repository

    with locked(mirror_path(mirror_dir, pushed.repository)):
        mirror = sync_mirror(mirror_dir, pushed.repository, pushed.clone_url, token)
        revs = range_revs(Repository(mirror.path), pushed.spec, pushed_ref=pushed.ref)
        scanned = scan_revisions(mirror.path, ruleset, options, revs)
    return scanned.result.findings


def scan_run_logs(
    github_env: Mapping[str, str],
    repository: str,
    run_id: int,
    ruleset: RuleSet,
    options: ScanOptions,
) -> tuple[Finding, ...]:
    """Download a finished run's logs and scan them (in the budget's child process)."""
    from leakward.scanner.sources.remote_github_actions import (
        DEFAULT_API,
        actions_log_chunks,
        github_client,
    )

    github = github_client(github_env, github_env.get("GITHUB_API_URL", DEFAULT_API))
    chunks = actions_log_chunks(github, repository, options.container_limits, run_id=run_id)
    return run_scan(ScanRequest(chunks=chunks), ruleset, options).result.findings


def _time(payload: dict[str, object]) -> datetime | None:
    text = payload.get("pushed_at")
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
