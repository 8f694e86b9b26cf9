"""Queued sweep work by name: `scan_repo`, `scan_logs`, `rotate_key`, run the same way whether
the in-process pool, a Celery worker or a test calls them.

Stage: application shell (workers). Payloads carry repository names, clone URLs, dates and
registry ids only, never a secret. Every task has a dedupe key (the payload's `dedupe`, else one
derived from what it names) that it writes with its effect, so a second delivery is a no-op.
The webhook receiver's job kinds are accepted too: `push` is a `scan_repo` of the pushed
repository (only its new objects are scanned) and `workflow_run` a `scan_logs` of one run.

A `rotate_key` task that finds its key's rotation held by another worker is not dropped: its
outcome asks to be delivered again (`is_retry`, after `retry_delay`), until the rotation is
finished. If the holder died, the later delivery takes its lease over and resumes the rotation.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import httpx

from leakward.core.errors import UsageError
from leakward.core.secret import Secret
from leakward.queues.work import TaskOutcome, Work
from leakward.registry import Registry, sweep_state
from leakward.registry.rotation_state import RotationStatus
from leakward.response.busy_retry import retry_delay
from leakward.rules.model import RuleSet
from leakward.settings.work import POLICIES, WorkSettings
from leakward.sweep.repos import prepare_scan, scan_repository

KINDS = ("scan_repo", "scan_logs", "rotate_key")
ALIASES = {"push": "scan_repo", "workflow_run": "scan_logs"}

_opened: dict[WorkSettings, Registry] = {}
# Rule sets are plain data, so unlike registries (whose pools hold connections) a forked worker
# keeps its parent's: LocalQueue loads them before forking (see `prepare`).
_rulesets: dict[tuple[Path, ...], RuleSet] = {}
_opening = threading.Lock()
# One client per process for Actions log downloads: a new one per scan_logs task cost ~30 ms of
# CPU (loading the CA bundle), most of an unchanged re-sweep's CPU.
_log_downloads: list[httpx.Client] = []


def perform(kind: str, payload: dict[str, object], settings: WorkSettings) -> TaskOutcome:
    """Run one task to its end and say what it did; repeating a finished task changes nothing."""
    task = ALIASES.get(kind, kind)
    if task not in KINDS:
        raise UsageError(f"unknown task kind {kind!r}", hint=f"queue one of {KINDS}")
    _check_payload(task, payload)
    registry, ruleset = _resources(settings)
    key = dedupe_key(kind, payload)
    if task == "scan_repo":
        outcome = scan_repository(registry, ruleset, settings, payload, key)
    elif task == "scan_logs":
        from leakward.sweep.logs import scan_repository_logs

        outcome = scan_repository_logs(registry, ruleset, settings, payload, key, _log_http())
    else:
        return rotate_key(registry, ruleset, settings, payload, key)
    return _handing_on_policy(outcome, payload)


def _handing_on_policy(outcome: TaskOutcome, payload: dict[str, object]) -> TaskOutcome:
    """The scan's `policy` (set by whoever queued it) goes with the rotations it hands on: a
    worker's own settings are not what the operator of the sweep or of `serve` chose."""
    policy = payload.get("policy")
    if policy is None or not outcome.follow_ups:
        return outcome
    follow_ups = tuple((kind, {"policy": policy, **p}) for kind, p in outcome.follow_ups)
    return replace(outcome, follow_ups=follow_ups)


def dedupe_key(kind: str, payload: dict[str, object]) -> str:
    given = payload.get("dedupe")
    if isinstance(given, str) and given:
        return given[:300]
    if kind == "push":
        return f"push:{payload.get('repository')}:{payload.get('after')}"[:300]
    if kind == "workflow_run":
        return f"workflow_run:{payload.get('repository')}:{payload.get('run_id')}"[:300]
    if kind == "rotate_key":
        return f"rotate_key:{payload.get('issued_key_id')}:{payload.get('leak_id')}"
    # Without a key, a repeat of the same request is still harmless: the tips make it a no-op.
    return f"{kind}:{payload.get('repository')}:{os.urandom(8).hex()}"


def rotation_policy(settings: WorkSettings, payload: dict[str, object]) -> str:
    """The policy the task carries (its sender's operator chose it), else this worker's for the
    leak's exposure: by default revoke-first in public, as the webhook path does."""
    carried = carried_policy(payload)
    return carried or settings.policy_for(payload.get("is_public") is True)


def carried_policy(payload: dict[str, object]) -> str | None:
    """The payload's `policy`, if it has one; a value not in POLICIES is refused (UsageError:
    retrying cannot fix it)."""
    given = payload.get("policy")
    if given is None:
        return None
    if given not in POLICIES:
        raise UsageError(
            f"unknown rotation policy {str(given)[:40]!r} in a task payload",
            hint=f"queue one of {POLICIES}",
        )
    return str(given)


def rotate_key(
    registry: Registry,
    ruleset: RuleSet,
    settings: WorkSettings,
    payload: dict[str, object],
    key: str,
) -> TaskOutcome:
    """Start or join the key's rotation for this leak. The pipeline already refuses a second
    rotation for one (key, leak), which covers a crash between rotating and marking done."""
    from leakward.response.pipeline_build import build_pipeline

    done = sweep_state.done_summary(registry.engine, key)
    if done is not None:
        return TaskOutcome({**done, "duplicate": True})
    entry = int(str(payload["issued_key_id"]))
    leak = payload.get("leak_id")
    leak_id = int(str(leak)) if leak is not None else None
    secret = _leaked_secret(registry, ruleset, settings, payload, entry, leak_id)
    pipeline = build_pipeline(registry, entry, settings.environ)
    result = pipeline.rotate(
        entry, policy=rotation_policy(settings, payload), leak_id=leak_id, secret=secret
    )
    rotation = result.rotation
    summary: dict[str, object] = {
        "issued_key_id": entry,
        "rotation_id": rotation.id,
        "status": rotation.status,
        "step": rotation.step,
    }
    if result.is_busy:
        # Another worker holds the rotation's lease. Dropping this task would strand the
        # rotation if that worker dies and nothing brings its own task back (a whole Celery
        # worker killed: only after the broker's visibility timeout; the in-process pool or
        # `leakward rotate`: never). Coming back until it is finished covers that: a dead
        # holder's lease is taken over (at once on this host, else when it expires).
        return TaskOutcome({**summary, "busy": True}, is_retry=True)
    if rotation.is_finished or rotation.status is RotationStatus.FAILED:
        with registry.engine.begin() as connection:
            sweep_state.mark_done(connection, key, "rotate_key", summary)
    return TaskOutcome(summary)


def _leaked_secret(
    registry: Registry,
    ruleset: RuleSet,
    settings: WorkSettings,
    payload: dict[str, object],
    entry: int,
    leak_id: int | None,
) -> Secret | None:
    """The leaked value, read again where the sweep saw it: the mirror, else the run log."""
    if leak_id is None:
        return None
    from leakward.response.leaked_value import leaked_log_value, leaked_value

    secret = leaked_value(registry, ruleset, settings.mirror_dir, entry, leak_id)
    log = payload.get("log")
    if secret is None and isinstance(log, dict):
        from leakward.sweep.logs import log_client

        github = log_client(settings)
        secret = leaked_log_value(registry, ruleset, github, entry, leak_id, log)
    return secret


def _check_payload(task: str, payload: dict[str, object]) -> None:
    needed = {
        "scan_repo": ("repository", "clone_url"),
        "scan_logs": ("repository",),
        "rotate_key": ("issued_key_id",),
    }[task]
    missing = [name for name in needed if not payload.get(name)]
    if missing:
        raise UsageError(
            f"a {task} task needs {', '.join(missing)} in its payload",
            hint="queue it with repository names and registry ids, as leakward sweep does",
        )
    carried_policy(payload)  # a wrong policy fails before any work is done


def _resources(settings: WorkSettings) -> tuple[Registry, RuleSet]:
    """One registry connection pool and one rule set per process and settings."""
    with _opening:
        if settings not in _opened:
            _opened[settings] = Registry.open(settings.db_url)
        return _opened[settings], _ruleset(settings)


def _ruleset(settings: WorkSettings) -> RuleSet:
    """The rule set of `settings`, loaded once per process (call under `_opening`)."""
    if settings.rules not in _rulesets:
        from leakward.rules.loader import load_rules

        _rulesets[settings.rules] = load_rules(settings.rules).select()
    return _rulesets[settings.rules]


def prepare(settings: WorkSettings, modules: Sequence[str]) -> None:
    """Import `modules`, load the rule set and build the repository scan's matcher here, so
    that workers forked after this start with them instead of each spending ~0.1 s of CPU on
    them before its first scan: more than the sweep's own start-up, paid once per worker."""
    for name in modules:
        importlib.import_module(name)
    with _opening:
        ruleset = _ruleset(settings)
    prepare_scan(ruleset)


def _log_http() -> httpx.Client:
    """This process's client for Actions log downloads (made on first use)."""
    with _opening:
        if not _log_downloads:
            _log_downloads.append(httpx.Client(timeout=120.0))
        return _log_downloads[0]


def _forget_inherited() -> None:
    """In a forked child: drop the parent's pools without closing them (closing would end the
    parent's connections too); the child opens its own on first use."""
    global _opening
    for registry in _opened.values():
        registry.engine.dispose(close=False)
    _opened.clear()
    _log_downloads.clear()
    _opening = threading.Lock()


os.register_at_fork(after_in_child=_forget_inherited)


def close_resources() -> None:
    """Dispose of the pools this process opened (tests and worker shutdown)."""
    with _opening:
        for registry in _opened.values():
            registry.close()
        _opened.clear()
        _rulesets.clear()
        for client in _log_downloads:
            client.close()
        _log_downloads.clear()


SWEEP_WORK = Work(
    kinds=(*KINDS, *ALIASES),
    perform=perform,
    retry_delay=retry_delay,
    prepare=prepare,
    # What a fork server imports once: these tasks and what their first run would import.
    preload=(
        "leakward.sweep.jobs",
        "leakward.sweep.logs",
        "leakward.rules.loader",
        "leakward.scanner.git_scan",
        "leakward.scanner.engines",
    ),
)
