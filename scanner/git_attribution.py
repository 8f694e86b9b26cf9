"""Attribution of a git scan's findings: the commits that introduced them and the refs that hold
them.

Stage: orchestration. Only blobs that held a secret are traced: one `git log --raw` over the
scanned revisions finds every commit that put one in place (a merge only where it made the blob
itself: diffing merges against each parent cost symfony's history 13x the walk), and one walk
of the commit graph (scanner.sources.git_refs) finds the refs holding the oldest of them. The
same secret across many blobs and commits is one finding with all its locations, first seen at
the oldest.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from leakward.scanner.git_phases import Phases
from leakward.scanner.models import Finding, Skipped
from leakward.scanner.sources.git import Repository
from leakward.scanner.sources.git_history_log import HistoryLog
from leakward.scanner.sources.git_introductions import Introduction, introductions
from leakward.scanner.sources.git_order import CommitOrder
from leakward.scanner.sources.git_refs import refs_containing

MAX_LOCATIONS = 1000
# Slices of the attribution log per process running it.
_SLICES_PER_PROCESS = 4

Extras = dict[Finding, dict[str, object]]


def introductions_of(
    repo: Repository,
    revs: Sequence[str],
    oids: set[str],
    skipped: list[Skipped],
    phases: Phases,
    order: CommitOrder | None = None,
    processes: int = 1,
    log: HistoryLog | None = None,
) -> dict[str, list[Introduction]]:
    """The commits that put each of `oids` in place, oldest first. With `log`, the history's
    log read to its end while the scan named the blobs, they are read from its file; else with
    `order`, the commits of `revs` listed beforehand, a log is cut into slices diffed
    `processes` at a time."""
    found: dict[str, list[Introduction]] = {}
    if not oids:
        return found
    if log is not None and log.complete():
        phases.begin_walk("attributing", revs, log.commits)
        for intro in log.introductions(oids, phases.walked):
            found.setdefault(intro.oid, []).append(intro)
        phases.end_walk()
        for intros in found.values():
            intros.sort(key=Introduction.age_key)
        return found
    errors: list[str] = []
    listed = order if order is not None and order.complete() else None
    phases.begin_walk("attributing", revs, listed.count() if listed else 0)
    # Finer than one slice per process: one that finishes early starts the next (git_log_runs).
    slices = listed.slices(processes * _SLICES_PER_PROCESS) if listed and processes > 1 else []
    walk = introductions(
        repo.git_dir,
        revs,
        oids=oids,
        errors=errors,
        walked=phases.walked,
        combined=True,
        slices=slices,
        at_once=processes,
    )
    for intro in walk:
        found.setdefault(intro.oid, []).append(intro)
    phases.end_walk()
    skipped += [log_failure(error) for error in errors]
    for intros in found.values():
        intros.sort(key=Introduction.age_key)
    return found


def log_failure(error: str) -> Skipped:
    """A log that ended part way: what it did not reach has no commit."""
    return Skipped(
        "(git log)",
        f"history could not be read to the end ({error}); findings past it have no commit",
        is_error=True,
    )


def attribute(
    repo: Repository,
    found: dict[str, list[Finding]],
    introductions: dict[str, list[Introduction]],
    phases: Phases,
    order: CommitOrder | None = None,
) -> tuple[list[Finding], Extras]:
    """One finding per (rule, secret) of the blobs' findings, at its oldest location, with all
    the others, the refs that hold it and its commit's subject. `order`, a listing of every
    ref's commits (`--all`), saves walking the graph again for the refs."""
    groups: dict[tuple[str, str], list[tuple[Finding, Introduction | None]]] = {}
    for oid, findings in found.items():
        intros: Sequence[Introduction | None] = introductions.get(oid) or [None]
        for finding in findings:
            key = (finding.rule_id, finding.secret.reveal())
            groups.setdefault(key, []).extend((finding, intro) for intro in intros)
    for sightings in groups.values():
        sightings.sort(key=_sighting_order)
    firsts = {intro.commit for _, intro in (s[0] for s in groups.values()) if intro is not None}
    listed = order if order and order.revs == ("--all",) and order.complete() else None
    if firsts:
        # The walk goes over every ref, as `for-each-ref --contains` did.
        phases.begin_walk("finding refs", ("--all",), listed.count() if listed else 0)
    lines = listed.lines() if listed else None
    refs = refs_containing(repo.git_dir, firsts, phases.walked, lines)
    phases.end_walk()
    extras: Extras = {}
    final: list[Finding] = []
    for sightings in groups.values():
        first, intro = sightings[0]
        finding = _attributed(first, intro)
        extra: dict[str, object] = {
            "locations": [_location(f, i) for f, i in sightings][:MAX_LOCATIONS]
        }
        if intro is not None:
            extra["refs"] = refs[intro.commit]
            extra["message"] = intro.subject
        extras[finding] = extra
        final.append(finding)
    return final, extras


def _sighting_order(sighting: tuple[Finding, Introduction | None]) -> tuple[object, ...]:
    """Oldest first; ties (one commit, several places) by place, so the report does not depend
    on which worker finished first."""
    finding, intro = sighting
    age = intro.age_key() if intro else (0.0, 0)
    path = intro.path if intro else finding.origin.path
    return (intro is None, age, path, finding.origin.nested, finding.line, finding.column)


def _attributed(finding: Finding, intro: Introduction | None) -> Finding:
    if intro is None:
        return finding
    origin = dataclasses.replace(
        finding.origin,
        kind="git",
        path=intro.path,
        commit=intro.commit,
        author=intro.author,
        date=intro.date,
    )
    return dataclasses.replace(finding, origin=origin)


def _location(finding: Finding, intro: Introduction | None) -> dict[str, object]:
    path = "!".join((intro.path if intro else finding.origin.path, *finding.origin.nested))
    return {
        "commit": intro.commit if intro else None,
        "path": path,
        "line": finding.line,
        "column": finding.column,
        "author": intro.author if intro else None,
        "date": intro.date if intro else None,
    }
