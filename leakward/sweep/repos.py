"""The work of one repository in an org sweep: refresh its mirror, scan only new objects, record.

Stage: application shell (org sweep), between the git source and the registry. New objects are
`new tips --not old tips`, where old tips are those the last sweep scanned (kept in the
registry). The leaks, the new tips and the task's dedupe key are written in one transaction, so a
task killed half-way is redone from the start and a redelivered finished task changes nothing.
A repository that cannot be cloned or fetched is asked about (deleted? renamed?), reported, and
skipped; the sweep goes on.

A sweep's task carries the repository's `pushed_at` from the listing (`listed_pushed_at`): when
GitHub says the last push came well before our last fetch of it began, that fetch already brought
every object, so the task reports the repository unchanged without running git at all. Only while
that fetch is younger than the settings' `max_fetch_age` (a day by default), though: GitHub does
not move `pushed_at` for every ref it adds (a pull request from a fork creates `refs/pull/*` in
the base repository), so an older mirror is fetched whatever `pushed_at` says. A webhook's push
job never carries it (its `pushed_at` is the head commit's date), so it always fetches.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection

from leakward.queues.work import FollowUp, TaskOutcome
from leakward.registry import LeakSighting, Registry, sweep_state
from leakward.registry import leaks as leak_rows
from leakward.registry.models import KeyStatus
from leakward.response.registry_match import sightings_for
from leakward.rules.model import RuleSet
from leakward.scanner.models import Finding
from leakward.scanner.scan import ScanOptions
from leakward.scanning.mirrors import (
    MirrorError,
    existing_objects,
    locked,
    mirror_path,
    ref_tips,
    sync_mirror,
)
from leakward.settings.work import TOKEN_VARIABLE, WorkSettings
from leakward.sweep.github_org import RateLimitedApi, github_api, repository_status

# How much earlier than our last fetch began GitHub's `pushed_at` must be for the fetch to be
# skipped. `pushed_at` is in whole seconds (a push just after the fetch began, in the same
# second, shows a time at or before its start), comes from GitHub's clock rather than ours, and
# may be stamped a little before the pushed refs are served to every fetch (a long push, a
# replica catching up). Any of those would make a plain "pushed before the fetch began" lose a
# push; the margin covers them all, and costs only one more fetch of a repository pushed within
# it, after which its fetch time has moved on.
PUSHED_AT_MARGIN = timedelta(minutes=10)

# One process per repository: the pool runs repositories side by side instead.
SCAN_OPTIONS = ScanOptions(jobs=1)

Writer = Callable[[Connection], list[int]]


class _AlreadyDone(Exception):
    """Another delivery of the same task committed first; this one's work is rolled back."""


def scan_repository(
    registry: Registry,
    ruleset: RuleSet,
    settings: WorkSettings,
    payload: dict[str, object],
    dedupe_key: str,
    before_commit: Callable[[], None] | None = None,
) -> TaskOutcome:
    """Fetch and scan the repository's new objects and record its leaks, once per dedupe key.

    `before_commit` is called after the scan and before anything is recorded: the worker-crash
    tests stall a task there to kill its worker (or restart the broker) under it.
    """
    repository = str(payload["repository"])
    clone_url = str(payload["clone_url"])
    summary: dict[str, object] = {"repository": repository}
    done = sweep_state.done_summary(registry.engine, dedupe_key)
    if done is not None:
        return TaskOutcome({**done, "duplicate": True}, handed_on(done))
    try:
        path = mirror_path(settings.mirror_dir, repository)
    except MirrorError as error:
        return TaskOutcome({**summary, "state": "skipped", "reason": str(error)})
    listed = payload.get("listed_pushed_at")
    if is_fetch_needless(registry, path, repository, listed, settings.max_fetch_age):
        # Nothing is written: a repeat of this task decides the same, and a later push moves
        # `pushed_at` past the last fetch for the next sweep.
        return TaskOutcome(
            {**summary, "state": "unchanged", "fetched": False, "new_tips": 0, "findings": 0}
        )
    with locked(path):
        # Taken before git asks the remote for its refs: every push stamped earlier is fetched.
        fetch_began = datetime.now(UTC)
        try:
            sync_mirror(
                settings.mirror_dir, repository, clone_url, settings.environ.get(TOKEN_VARIABLE)
            )
        except MirrorError as error:
            return TaskOutcome({**summary, **_unreachable(settings, repository, str(error))})
        tips = ref_tips(path)
        old = sweep_state.scanned_tips(registry.engine, repository)
        revs = new_revs(path, tips, old)
        findings, problems = _scan(path, ruleset, revs) if revs else ([], [])
        if before_commit is not None:
            before_commit()
        is_public = payload.get("is_public") is True
        sightings = sightings_for(
            registry, findings, source_kind="git", is_public=is_public, repository=repository
        )
        summary |= {
            "state": "scanned" if revs else "unchanged",
            "fetched": True,
            "new_tips": len(set(tips.values()) - set(old.values())),
            "findings": len(findings),
            # What the scan could not read (paths and reasons, never values): the sweep is then
            # incomplete and exits 4. The tips are still saved, or one unreadable blob would make
            # every later sweep rescan everything since.
            "errors": len(problems),
            "problems": problems[:20],
        }

        def write(connection: Connection) -> list[int]:
            sweep_state.save_tips(connection, repository, tips, fetch_began)
            return leak_rows.record_leaks(connection, sightings)

        def rotations(leak_ids: Sequence[int]) -> tuple[FollowUp, ...]:
            return rotations_for(settings, sightings, leak_ids)

        follow_ups = commit_once(registry, dedupe_key, "scan_repo", summary, write, rotations)
    return TaskOutcome(summary, follow_ups)


def is_fetch_needless(
    registry: Registry,
    path: Path,
    repository: str,
    listed_pushed_at: object,
    max_fetch_age: timedelta,
) -> bool:
    """True when the mirror already holds everything: GitHub's last push to `repository` was
    stamped more than PUSHED_AT_MARGIN before our last fetch of it began, and that fetch began
    less than `max_fetch_age` ago (refs GitHub adds without moving `pushed_at` arrive with the
    next full fetch). Never for a repository never fetched, or whose mirror is gone (a new
    mirror directory; a rotation reads leaked values back from it), or when the listing gave no
    readable `pushed_at`."""
    pushed_at = parse_pushed_at(listed_pushed_at)
    if pushed_at is None or not (path / "HEAD").is_file():
        return False
    began = sweep_state.fetch_began(registry.engine, repository)
    if began is None or began <= datetime.now(UTC) - max_fetch_age:
        return False
    return pushed_at < began - PUSHED_AT_MARGIN


def parse_pushed_at(value: object) -> datetime | None:
    """GitHub's ISO 8601 time ("2024-01-01T00:00:00Z") as an aware datetime, else None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def new_revs(path: Path, tips: dict[str, str], old: dict[str, str]) -> list[str]:
    """rev-list arguments for what is new since `old`, or [] when nothing is."""
    new = set(tips.values()) - set(old.values())
    if not new:
        return []
    # An old tip the mirror no longer holds (force-push, then gc) cannot bound the walk.
    still_there = existing_objects(path, set(old.values()))
    return [*sorted(new), *(["--not", *sorted(still_there)] if still_there else [])]


def _scan(path: Path, ruleset: RuleSet, revs: Sequence[str]) -> tuple[list[Finding], list[str]]:
    """The findings of the new revisions, and what could not be read there ("path: reason")."""
    from leakward.scanner.git_scan import scan_history

    result = scan_history(path, ruleset, SCAN_OPTIONS, revs=revs).result
    problems = [f"{item.path}: {item.reason}" for item in result.skipped if item.is_error]
    return list(result.findings), problems


def prepare_scan(ruleset: RuleSet) -> None:
    """Build this thread's matcher for the repository scans (a process forked from this thread
    inherits it)."""
    from leakward.scanner.scan import matcher_for

    matcher_for(ruleset, SCAN_OPTIONS)


def _unreachable(settings: WorkSettings, repository: str, error: str) -> dict[str, object]:
    token = settings.environ.get(TOKEN_VARIABLE)
    api = RateLimitedApi(github_api(token, settings.api_url, settings.api_interval or None))
    status = repository_status(api, repository)
    if status.state == "deleted":
        reason = "deleted on GitHub since it was listed"
    elif status.state == "renamed":
        reason = f"renamed to {status.new_name}; the next sweep scans it under that name"
    else:
        reason = f"clone or fetch failed ({error}); check access, it is retried next sweep"
    return {"state": "skipped", "reason": reason, "api_state": status.state}


def commit_once(
    registry: Registry,
    dedupe_key: str,
    kind: str,
    summary: dict[str, object],
    write: Writer,
    rotations: Callable[[Sequence[int]], tuple[FollowUp, ...]],
) -> tuple[FollowUp, ...]:
    """Run `write`, then record the task as done with the rotations it hands on, in one
    transaction. If another delivery committed first, everything is rolled back."""
    try:
        with registry.engine.begin() as connection:
            follow_ups = rotations(write(connection))
            summary["rotate"] = [payload for _, payload in follow_ups]
            if not sweep_state.mark_done(connection, dedupe_key, kind, summary):
                raise _AlreadyDone
            return follow_ups
    except _AlreadyDone:
        done = sweep_state.done_summary(registry.engine, dedupe_key) or {}
        summary["duplicate"] = True
        return handed_on(done)


def handed_on(done: dict[str, object]) -> tuple[FollowUp, ...]:
    """The rotations a finished task handed on, handed on again: a worker may have died after
    committing and before queueing them, and rotate_key is itself deduplicated."""
    payloads = done.get("rotate")
    if not isinstance(payloads, list):
        return ()
    return tuple(("rotate_key", dict(p)) for p in payloads if isinstance(p, dict))


def rotations_for(
    settings: WorkSettings, sightings: Sequence[LeakSighting], leak_ids: Sequence[int]
) -> tuple[FollowUp, ...]:
    """A rotate_key task for each leak of an active registry key (ids only, no values)."""
    if not settings.rotate:
        return ()
    wanted: dict[tuple[int, int], FollowUp] = {}
    for sighting, leak_id in zip(sightings, leak_ids, strict=True):
        match = sighting.match
        if match is not None and match.status == KeyStatus.ACTIVE:
            payload: dict[str, object] = {
                "issued_key_id": match.entry_id,
                "leak_id": leak_id,
                "is_public": sighting.is_public,  # a public leak is revoked first
            }
            wanted[(match.entry_id, leak_id)] = ("rotate_key", payload)
    return tuple(wanted.values())
