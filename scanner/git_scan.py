"""Git scans: a whole history, a pushed range, or the staged index.

Stage: orchestration. A history scan reads every unique blob once, spread over worker processes
in pack order; then only the blobs that held a secret are traced to the commits that introduced
them. The same secret across many blobs and commits is one finding with all its locations, first
seen at the oldest. Range and staged scans report a secret only when the version before the change
did not already hold it, which survives edits, moves and merges where line diffs would not.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from leakward.rules.model import RuleSet
from leakward.scanner.git_attribution import Extras, attribute, introductions_of, log_failure
from leakward.scanner.git_blob_scan import BlobResults
from leakward.scanner.git_blob_table import BlobTable
from leakward.scanner.git_listing import Listed, merged, too_large
from leakward.scanner.git_phases import Phases
from leakward.scanner.git_scanning import PARALLEL_BYTES, scan_table, scan_tasks
from leakward.scanner.git_tasks import NamedBlobs, named_paths
from leakward.scanner.models import Origin, ScanResult, Skipped
from leakward.scanner.scan import (
    Progress,
    ScanOptions,
    _Tally,
    finish,
    matcher_for,
    run_tasks,
    scan_items,
    worker_matcher,
)
from leakward.scanner.sources.dispatch import chunks_for
from leakward.scanner.sources.git import Repository
from leakward.scanner.sources.git_blob import Blob
from leakward.scanner.sources.git_blob_reader import read_blobs
from leakward.scanner.sources.git_ids import OBJECT_ID, ZERO_OID
from leakward.scanner.sources.git_introductions import Introduction, introductions
from leakward.scanner.sources.git_order import CommitOrder


@dataclass(frozen=True, slots=True)
class GitScan:
    """A scan result plus, per finding, its git locations, refs and commit subject."""

    result: ScanResult
    extras: Extras = field(default_factory=dict)


def _sized(blobs: Iterable[Blob], options: ScanOptions, skipped: list[Skipped]) -> list[Blob]:
    """The blobs within the size limit; the others are reported."""
    limit = options.file_limits.max_file_size
    kept = []
    for blob in blobs:
        if blob.size > limit:
            skipped.append(too_large(blob.path, limit))
        else:
            kept.append(blob)
    return kept


def scan_history(
    path: Path,
    ruleset: RuleSet,
    options: ScanOptions,
    *,
    revs: Sequence[str] = ("--all",),
    all_objects: bool = False,
    progress: Progress | None = None,
) -> GitScan:
    """Every blob reachable from `revs` (with `all_objects`, unreachable ones too)."""
    started = time.perf_counter()
    repo = Repository(path)
    phases = Phases(progress, repo)
    try:
        with ExitStack() as stack:
            return _scan_history(repo, ruleset, options, revs, all_objects, phases, started, stack)
    finally:
        phases.close()


def _scan_history(
    repo: Repository,
    ruleset: RuleSet,
    options: ScanOptions,
    revs: Sequence[str],
    all_objects: bool,
    phases: Phases,
    started: float,
    stack: ExitStack,
) -> GitScan:
    skipped = _notes(repo)
    phases.begin("reading", "objects")
    limit = options.file_limits.max_file_size
    # Two walks, one on each core: git lists the object store while it walks the history for
    # the reachable blobs' names, into a file read as git writes it (sources.git_history_log). The
    # listing is read into columns meanwhile (the blobs are held so until the end:
    # git_blob_table), and on a large history the workers start on the families already named
    # (git_tasks).
    # Kept to the end: attribution reads the same log again (sources.git_history_log).
    walk = stack.enter_context(repo.reachable_blobs(revs))
    with repo.pack_listing() as listing:
        listed = Listed.read(listing.rows(), listing)
        phases.mark("listing read")
        # Listed beside the scan, for attribution after it (sources.git_order). Started only
        # now: from the start it shared a core with the object listing, which the first task
        # waits for (the walk runs on the other).
        order = walk.order() or stack.enter_context(CommitOrder(repo.git_dir, revs))
        # Built (or loaded from its cache) while git still walks: the workers fork from this
        # process and inherit it.
        matcher_for(ruleset, options)
        phases.mark("matcher ready")
        batches = walk.batches()

        def walked() -> None:
            skipped.extend(
                Skipped(f"(object {oid})", "missing object", True) for oid in walk.missing
            )
            phases.mark("walk named the blobs")

        if sum(size for size in listed.sizes if size <= limit) > PARALLEL_BYTES:
            blobs = NamedBlobs(listed, limit)
            phases.finished(blobs.total)
            phases.begin("scanning", "objects")
            tasks = blobs.tasks(
                repo.git_dir, batches, walked, all_objects, skipped, options.workers
            )
            results = scan_tasks(
                tasks, ruleset, options, True, phases.scanning, lambda: blobs.total
            )
            unreachable = blobs.unreachable
        else:
            paths = named_paths(batches)
            walked()
            table, unreachable = merged(listed, paths, all_objects, limit, skipped)
            phases.finished(len(table))
            phases.begin("scanning", "objects")
            results = scan_table(repo, table, ruleset, options, phases.scanning)
    results.tally.skipped += skipped
    needed = {oid for oid in results.findings if oid not in unreachable}
    # Not limited to the paths rev-list named: it gives one path per blob, and a blob that was
    # renamed or copied was first added under another. A tree-only log is cheap, and it only
    # runs when something was found.
    introductions = introductions_of(
        repo, revs, needed, results.tally.skipped, phases, order, options.workers, walk
    )
    return _grouped(repo, results, introductions, started, phases, order)


def _notes(repo: Repository) -> list[Skipped]:
    if repo.is_shallow():
        return [
            Skipped(
                "(shallow clone)",
                "history beyond the fetched depth is not in this clone and was not scanned; "
                "fetch with --unshallow to scan it",
            )
        ]
    return []


def _grouped(
    repo: Repository,
    results: BlobResults,
    introductions: dict[str, list[Introduction]],
    started: float,
    phases: Phases,
    order: CommitOrder | None = None,
) -> GitScan:
    """One finding per (rule, secret), at its oldest location, listing all the others."""
    final, extras = attribute(repo, results.findings, introductions, phases, order)
    results.tally.findings = final
    return GitScan(finish(results.tally, started, root=str(repo.work_tree or repo.git_dir)), extras)


def range_revs(repo: Repository, spec: str, pushed_ref: str | None = None) -> list[str]:
    """Revisions for `A..B`; with A all zeros or unknown (a new branch, a force-push), the
    commits of B that no other ref already has.

    `pushed_ref` (e.g. `refs/heads/feature`) names the ref the push moved: only it and its
    remote-tracking copies are left out of "other refs", so a new branch cut from main's tip adds
    nothing. Without it, every ref pointing at B counts as the pushed one."""
    base, dots, tip = spec.partition("..")
    if not dots:
        raise _usage(f"--range needs A..B, got {spec!r}")
    tip = tip or "HEAD"
    resolved_tip = repo.run("rev-parse", "--verify", f"{tip}^{{commit}}").decode().strip()
    known = (
        base
        and base != ZERO_OID
        and repo.run("rev-parse", "--verify", "--quiet", f"{base}^{{commit}}", check=False).strip()
    )
    if known:
        return [f"{base}..{resolved_tip}"]
    if base and not OBJECT_ID.fullmatch(base.lower()):
        # Only a full object name may be missing here (a force-push's old tip): a name the user
        # typed that resolves to nothing is a mistake, and scanning everything would hide it.
        from leakward.core.errors import UsageError

        raise UsageError(
            f"unknown revision {base!r} in {spec!r}",
            f"check it with `git rev-parse --verify {base}`; fetch it first if it is on a remote",
        )
    return [resolved_tip, "--not", *repo.other_refs_than(resolved_tip, pushed_ref)]


def _usage(message: str) -> Exception:
    from leakward.core.errors import UsageError

    return UsageError(message, "e.g. --range origin/main..HEAD")


def scan_revisions(
    path: Path,
    ruleset: RuleSet,
    options: ScanOptions,
    revs: Sequence[str],
    progress: Progress | None = None,
) -> GitScan:
    """Secrets the commits of `revs` added (a push, `--since-commit`, a pull request)."""
    started = time.perf_counter()
    repo = Repository(path)
    phases = Phases(progress, repo)
    try:
        return _scan_revisions(repo, ruleset, options, revs, phases, started)
    finally:
        phases.close()


def _scan_revisions(
    repo: Repository,
    ruleset: RuleSet,
    options: ScanOptions,
    revs: Sequence[str],
    phases: Phases,
    started: float,
) -> GitScan:
    skipped = _notes(repo)
    errors: list[str] = []
    phases.begin_walk("reading", revs)
    # What each commit had before, across all its files: a secret moved between files (a rename,
    # a cut and paste) in one commit is not new. Merges: the versions in every parent.
    before: dict[str, set[str]] = {}
    by_oid: dict[str, list[Introduction]] = {}
    for intro in introductions(
        repo.git_dir, revs, errors=errors, deletions=True, walked=phases.walked
    ):
        if intro.parent_oid:
            before.setdefault(intro.commit, set()).add(intro.parent_oid)
        if intro.oid != ZERO_OID:
            by_oid.setdefault(intro.oid, []).append(intro)
    skipped += [log_failure(error) for error in errors]
    for group in by_oid.values():
        group.sort(key=Introduction.age_key)
    sizes = repo.blob_sizes(by_oid)
    blobs = [Blob(oid, group[0].path, sizes.get(oid, 0)) for oid, group in by_oid.items()]
    phases.begin("scanning", "objects")
    sized = _sized(blobs, options, skipped)
    results = scan_table(repo, BlobTable.of(sized), ruleset, options, phases.scanning)
    results.tally.skipped += skipped
    commits = {i.commit for oid in results.findings for i in by_oid[oid]}
    olds = set().union(*(before.get(commit, set()) for commit in commits))
    secrets = _secrets_in(repo, olds, ruleset, options)
    already = {
        commit: set().union(*(secrets.get(oid, set()) for oid in before.get(commit, ())))
        for commit in commits
    }
    for oid in list(results.findings):
        fresh = [
            f
            for f in results.findings[oid]
            # new when a commit that put this blob in place did not have the secret before
            if any((f.rule_id, f.secret.reveal()) not in already[i.commit] for i in by_oid[oid])
        ]
        if fresh:
            results.findings[oid] = fresh
        else:
            del results.findings[oid]
    return _grouped(repo, results, by_oid, started, phases)


def _secrets_in(
    repo: Repository, oids: set[str], ruleset: RuleSet, options: ScanOptions
) -> dict[str, set[tuple[str, str]]]:
    """(rule, secret) pairs in each of the given blobs: what was there before a change."""
    if not oids:
        return {}
    before = BlobTable.of(Blob(oid, "(before)", 0) for oid in oids)
    results = scan_table(repo, before, ruleset, options, None)
    return {
        oid: {(f.rule_id, f.secret.reveal()) for f in findings}
        for oid, findings in results.findings.items()
    }


def scan_staged(path: Path, ruleset: RuleSet, options: ScanOptions) -> GitScan:
    """The index against HEAD: what `git commit` is about to record (the pre-commit case)."""
    started = time.perf_counter()
    repo = Repository(path)
    changes = list(repo.staged_changes())
    tally = _Tally()
    run_tasks(lambda item: item, [], ruleset, options, parallel=False, on_result=lambda _: None)
    matcher, _ = worker_matcher()
    limit = options.file_limits.max_file_size
    sizes = repo.blob_sizes(
        dict.fromkeys(oid for _, new, old in changes for oid in (new, old) if oid)
    )
    wanted = [new for _, new, _ in changes if new != ZERO_OID and sizes.get(new, 0) <= limit]
    contents = dict(read_blobs(repo.git_dir, dict.fromkeys(wanted)))
    for name, new, _ in changes:
        if new == ZERO_OID:
            continue
        tally.files += 1
        if sizes.get(new, 0) > limit:
            tally.skipped.append(Skipped(name, f"blob larger than the {limit >> 20} MiB limit"))
            continue
        data = contents.get(new)
        if data is None:
            tally.skipped.append(Skipped(name, f"missing object {new}", is_error=True))
            continue
        origin = Origin(kind="git-staged", path=name)
        tally.add(scan_items(matcher, chunks_for(data, origin, options.container_limits)))
    if tally.findings:
        # Only now read what HEAD had, in every file the commit touches: a secret moved between
        # files (a rename, a cut and paste) is not new.
        olds = [old for _, _, old in changes if old and sizes.get(old, 0) <= limit]
        before: set[tuple[str, str]] = set()
        for oid, old_data in read_blobs(repo.git_dir, dict.fromkeys(olds)):
            if old_data is not None:
                origin = Origin(kind="git-staged", path=oid)
                previous = scan_items(
                    matcher, chunks_for(old_data, origin, options.container_limits)
                )
                before |= {(f.rule_id, f.secret.reveal()) for f in previous.findings}
        tally.findings = [f for f in tally.findings if (f.rule_id, f.secret.reveal()) not in before]
    return GitScan(finish(tally, started, root=str(repo.work_tree or repo.git_dir)))
