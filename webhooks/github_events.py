"""Turning a verified GitHub webhook payload into a job for the queue, or nothing.

Stage: inbound webhooks. Only the fields the work needs are kept, so a job is small and safe to
put on a broker. Reference: docs.github.com/webhooks/webhook-events-and-payloads (`push`:
ref, before, after, repository, head_commit; `workflow_run`: action, workflow_run.id).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from leakward.registry.webhook_deliveries import Merge
from leakward.webhooks.push_merge import push_merge

HANDLED = ("push", "workflow_run", "ping")


class PayloadError(ValueError):
    """The payload lacks a field GitHub always sends for this event."""


@dataclass(frozen=True, slots=True)
class Job:
    """`content`: what the work depends on, hashed; a second delivery with the same content
    (a replayed body under a new delivery id) asks for no new work. None: not deduplicated.
    `merge`: how the work may join a pending job instead (webhooks/push_merge.py)."""

    kind: str
    payload: dict[str, object]
    content: str | None = None
    merge: Merge | None = None


def content_key(event: str, *fields: object) -> str:
    """A short, fixed-length key for `event` over `fields` (names and ids, never a secret)."""
    digest = hashlib.sha256(json.dumps([event, *fields]).encode()).hexdigest()
    return f"{event}:{digest}"


def job_for(event: str, body: dict[str, object]) -> Job | None:
    """The job an event asks for; None when it needs no work (a deleted branch, a run that has
    not completed, ping). Raises `PayloadError` for a payload missing required fields."""
    if event == "push":
        return _push(body)
    if event == "workflow_run":
        return _workflow_run(body)
    return None


def _repository(body: dict[str, object]) -> dict[str, object]:
    repository = body.get("repository")
    if not isinstance(repository, dict) or not isinstance(repository.get("full_name"), str):
        raise PayloadError("repository.full_name is missing")
    return repository


def _is_public(repository: dict[str, object]) -> bool:
    visibility = repository.get("visibility")
    if isinstance(visibility, str):
        return visibility == "public"
    # Older payloads only say `private`; unknown counts as private (the milder policy).
    return repository.get("private") is False


def _push(body: dict[str, object]) -> Job | None:
    repository = _repository(body)
    fields = {name: body.get(name) for name in ("ref", "before", "after")}
    clone_url = repository.get("clone_url")
    if not all(isinstance(v, str) and v for v in fields.values()) or not isinstance(clone_url, str):
        raise PayloadError("push needs ref, before, after and repository.clone_url")
    if body.get("deleted") is True or set(str(fields["after"])) == {"0"}:
        return None  # a deleted branch adds no commits
    head = body.get("head_commit")
    pushed_at = head.get("timestamp") if isinstance(head, dict) else None
    name = repository["full_name"]
    payload: dict[str, object] = {
        "repository": name,
        "clone_url": clone_url,
        "is_public": _is_public(repository),
        **fields,
        "pushed_at": pushed_at if isinstance(pushed_at, str) else None,
    }
    branch = content_key("push-branch", name, fields["ref"])
    return Job(
        "push",
        payload,
        # The same range of the same ref scans the same commits, whatever the delivery id.
        content_key("push", name, fields["ref"], fields["before"], fields["after"]),
        # GitHub always says whether a push was forced; one that does not say is taken as forced.
        push_merge(branch, payload, is_forced=body.get("forced") is not False),
    )


def _workflow_run(body: dict[str, object]) -> Job | None:
    repository = _repository(body)
    run = body.get("workflow_run")
    if not isinstance(run, dict) or not isinstance(run.get("id"), int):
        raise PayloadError("workflow_run.id is missing")
    if body.get("action") != "completed":
        return None  # logs are complete only once the run is
    # A re-run keeps its run id and writes new logs under the next attempt number.
    attempt = run.get("run_attempt")
    return Job(
        "workflow_run",
        {
            "repository": repository["full_name"],
            "run_id": run["id"],
            "is_public": _is_public(repository),
        },
        content_key("workflow_run", repository["full_name"], run["id"], attempt),
    )
