"""One scan request, whatever its source: paths, stdin, git history, a range, the index, or a
remote service. The CLI, `baseline create`, the GitHub Action and the webhook workers all call
`run_scan`, so they agree on what a scan means.

Stage: application shell.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from leakward.core.errors import EXIT_CLEAN, EXIT_FINDINGS, EXIT_INCOMPLETE, UsageError
from leakward.rules.model import RuleSet, severity_rank
from leakward.scanner.models import Chunk, Finding, LeftOut, ScanResult, Skipped
from leakward.scanner.scan import Progress, ScanOptions, scan_chunks, scan_paths
from leakward.scanner.sources.files import gitignored_paths, read_stdin

if TYPE_CHECKING:
    from leakward.scanner.git_scan import GitScan

Extras = Mapping[Finding, Mapping[str, object]]


@dataclass(frozen=True, slots=True)
class ScanRequest:
    """What to scan. At most one of the git modes; `paths` are files, trees or repositories."""

    paths: tuple[Path, ...] = ()
    git: bool = False
    staged: bool = False
    range: str | None = None
    since_commit: str | None = None
    branch: str | None = None
    all_objects: bool = False
    chunks: Iterable[Chunk | Skipped] | None = field(default=None, compare=False)

    def mode(self) -> str:
        modes = [
            name
            for name, on in (
                ("--git", self.git),
                ("--staged", self.staged),
                ("--range", self.range is not None),
                ("--since-commit", self.since_commit is not None),
                ("--branch", self.branch is not None),
            )
            if on
        ]
        if len(modes) > 1:
            raise UsageError(f"{' and '.join(modes)} cannot be combined", "pick one git mode")
        if self.all_objects and modes not in ([], ["--git"]):
            raise UsageError("--all-objects goes with --git", "scan the whole history with it")
        return modes[0] if modes else ("--git" if self.all_objects else "paths")


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    result: ScanResult
    extras: Extras = field(default_factory=dict)

    def extra(self) -> Callable[[Finding], Mapping[str, object] | None]:
        return self.extras.get


def exit_code(result: ScanResult, fail_on: str) -> int:
    """1 when a finding is at least `fail_on`; else 4 when part of the input could not be read, so
    that a scan which missed what it was asked to read never passes CI as clean; else 0."""
    threshold = severity_rank(fail_on)
    if any(severity_rank(finding.severity) >= threshold for finding in result.findings):
        return EXIT_FINDINGS
    return EXIT_INCOMPLETE if result.stats.errors else EXIT_CLEAN


VERDICTS = ("live", "unknown", "dead")


def wanted_verdicts(results: str | None, only_verified: bool) -> frozenset[str]:
    """The verdicts `--results` / `--only-verified` ask for; empty when neither is given."""
    if only_verified and results:
        raise UsageError("--only-verified and --results cannot be combined", "pick one")
    if only_verified:
        return frozenset({"live"})
    if results is None:
        return frozenset()
    # trufflehog's names are accepted too, so its users' scripts carry over.
    aliases = {"verified": "live", "unverified": "unknown"}
    asked = {aliases.get(part.strip(), part.strip()) for part in results.lower().split(",")}
    unknown = sorted(asked - set(VERDICTS) - {""})
    if unknown or not asked - {""}:
        raise UsageError(
            f"--results takes verdicts, got {results!r}",
            f"use a comma-separated list of {', '.join(VERDICTS)}",
        )
    return frozenset(asked - {""})


def keep_verdicts(
    result: ScanResult, verdicts: Mapping[Finding, Mapping[str, object]], wanted: Collection[str]
) -> ScanResult:
    """Only the findings whose `--verify` verdict is in `wanted` (`--results`, `--only-verified`);
    the others are counted as left out, so the summary still says they exist."""
    kept: list[Finding] = []
    dropped: list[LeftOut] = []
    for finding in result.findings:
        verdict = str((verdicts.get(finding) or {}).get("liveness", "unknown"))
        if verdict in wanted:
            kept.append(finding)
        else:
            where = f"{finding.line}:{finding.column} {finding.rule_id}, {verdict}"
            dropped.append(LeftOut(finding.origin.display, "results", where))
    return dataclasses.replace(result, findings=tuple(kept), left_out=(*result.left_out, *dropped))


def run_scan(
    request: ScanRequest, ruleset: RuleSet, options: ScanOptions, progress: Progress | None = None
) -> ScanOutcome:
    mode = request.mode()
    if request.chunks is not None:
        return ScanOutcome(scan_chunks(request.chunks, ruleset, options))
    paths = request.paths or (Path("."),)
    if mode == "paths":
        if Path("-") in paths:
            if len(paths) > 1:
                raise UsageError("`-` (standard input) cannot be mixed with paths", None)
            return ScanOutcome(
                scan_chunks(
                    read_stdin(sys.stdin.buffer, options.file_limits, options.source),
                    ruleset,
                    options,
                )
            )
        result = scan_paths(paths, ruleset, options, progress)
        if not options.no_ignore:
            ignored = (LeftOut(p, "gitignore") for root in paths for p in gitignored_paths(root))
            result = dataclasses.replace(result, left_out=(*result.left_out, *ignored))
        return ScanOutcome(result)
    if len(paths) > 1:
        raise UsageError(f"{mode} scans one repository at a time", "pass one path")
    # Imported here: GitPython costs start-up time that plain file scans need not pay.
    from leakward.scanner.git_scan import range_revs, scan_history, scan_revisions, scan_staged
    from leakward.scanner.sources.git import Repository

    repo_path = paths[0]
    scanned: GitScan
    if mode == "--git":
        scanned = scan_history(
            repo_path, ruleset, options, all_objects=request.all_objects, progress=progress
        )
    elif mode == "--branch":
        scanned = scan_history(repo_path, ruleset, options, revs=(str(request.branch),))
    elif mode == "--staged":
        scanned = scan_staged(repo_path, ruleset, options)
    else:
        spec = request.range if mode == "--range" else f"{request.since_commit}..HEAD"
        revs = range_revs(Repository(repo_path), str(spec))
        scanned = scan_revisions(repo_path, ruleset, options, revs, progress)
    return ScanOutcome(scanned.result, scanned.extras)
