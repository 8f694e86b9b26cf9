"""The work a queued webhook job does: scan exactly what was pushed, or a finished run's logs,
then hand the findings to the leak response (registry match → rotation → notify).

Stage: application shell, run by the receiver's queue (webhooks/work_queue.py) or by any other
`Queue` that calls `WebhookWork.run(kind, payload)`. Pushes are scanned in a local mirror cache:
`git clone --mirror` once per repository, `git fetch` after that (leakward/mirrors.py), so a
push costs only its new objects. Job payloads come from webhooks/github_events.py.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from leakward.errors import UsageError
from leakward.leak_response import Exposure, ResponsePolicy, ResponseReport, respond
from leakward.mirrors import locked, mirror_path, sync_mirror
from leakward.scanning import ScanRequest, run_scan
from registry import Registry
from rules.model import RuleSet
from scanner.models import Finding
from scanner.scan import ScanOptions
from webhooks.metrics import Metrics

log = logging.getLogger(__name__)

# The GitHub token goes only to GitHub itself: a payload's clone URL is data, and a token sent to
# whatever host it names would leak the credential this tool exists to protect.
TOKEN_HOSTS = ("https://github.com/",)


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


class WebhookWork:
    def __init__(self, context: WorkContext) -> None:
        self.context = context

    def run(self, kind: str, payload: dict[str, object]) -> ResponseReport:
        if kind == "push":
            return self.push(payload)
        if kind == "workflow_run":
            return self.workflow_run(payload)
        raise UsageError(f"no webhook work of kind {kind!r}", "queue push or workflow_run jobs")

    def push(self, payload: dict[str, object]) -> ResponseReport:
        from scanner.git_scan import range_revs, scan_revisions
        from scanner.sources.git import Repository

        context = self.context
        repository = str(payload["repository"])
        clone_url = str(payload["clone_url"])
        token = context.environ.get("GITHUB_TOKEN") if clone_url.startswith(TOKEN_HOSTS) else None
        with locked(mirror_path(context.mirror_dir, repository)):
            mirror = sync_mirror(context.mirror_dir, repository, clone_url, token)
            spec = f"{payload['before']}..{payload['after']}"
            revs = range_revs(Repository(mirror.path), spec, pushed_ref=str(payload["ref"]))
            scanned = scan_revisions(mirror.path, context.ruleset, context.options, revs)
        findings = scanned.result.findings
        exposure = Exposure("git", repository, bool(payload["is_public"]), _time(payload))
        return self._respond("push", findings, exposure)

    def workflow_run(self, payload: dict[str, object]) -> ResponseReport:
        from scanner.sources.remote_github_actions import (
            DEFAULT_API,
            actions_log_chunks,
            github_client,
        )

        context = self.context
        repository = str(payload["repository"])
        github = github_client(context.environ, context.environ.get("GITHUB_API_URL", DEFAULT_API))
        run_id = payload["run_id"]
        chunks = actions_log_chunks(
            github,
            repository,
            context.options.container_limits,
            run_id=run_id if isinstance(run_id, int) else int(str(run_id)),
        )
        outcome = run_scan(ScanRequest(chunks=chunks), context.ruleset, context.options)
        exposure = Exposure("ci-log", repository, bool(payload["is_public"]))
        return self._respond("workflow_run", outcome.result.findings, exposure)

    def _respond(
        self, kind: str, findings: tuple[Finding, ...], exposure: Exposure
    ) -> ResponseReport:
        context = self.context
        context.metrics.scanned(kind, len(findings))
        report = respond(
            context.registry, findings, exposure, context.policy, context.environ, context.metrics
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


def _time(payload: dict[str, object]) -> datetime | None:
    text = payload.get("pushed_at")
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
