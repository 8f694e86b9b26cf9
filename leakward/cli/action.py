"""The GitHub Action's logic: from the workflow event to a scan, annotations, summary and SARIF.

Stage: application shell, run by `action.yml` as `python -m leakward.action`. It reads the
runner's environment (`GITHUB_EVENT_NAME`, `GITHUB_EVENT_PATH`, `GITHUB_WORKSPACE`, the
`INPUT_*` values the composite action passes) and picks what to scan by itself:

    push                          before..after; a new branch (before all zeros) or a force-push
                                  whose old tip is not in the clone: the commits no other ref has
    pull_request(_target)         base.sha..head.sha, the same for forks (no token is needed);
                                  settings, ignore file and rules as the base commit has them
    either, in a shallow clone    the tip's whole tree and the commits within the clone's depth,
    that lacks before/base        when the lower end is beyond the depth (actions/checkout's
                                  default fetch-depth: 1)
    schedule, workflow_dispatch   the whole history
    anything else                 the whole history

Every value it prints or writes is redacted; the exit code is the CLI's (0, 1, 2, 3, 4).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from leakward.cli.action_inputs import ActionInputs
from leakward.cli.base_settings import (
    copy_base_files,
    copy_base_rules,
    settings_files,
)
from leakward.cli.scan import build_ruleset, drop_known, scan_options
from leakward.core.errors import EXIT_CLEAN, LeakwardError, UsageError
from leakward.scanner.git_scan import range_revs, scan_revisions
from leakward.scanner.models import Finding, ScanResult
from leakward.scanner.report import render
from leakward.scanner.report.text import printable
from leakward.scanner.sources.git import Repository
from leakward.scanner.sources.git_ids import ZERO_OID
from leakward.scanning.request import ScanOutcome, ScanRequest, exit_code, run_scan
from leakward.settings.loader import load_settings
from leakward.settings.model import ScanSettings

SARIF_NAME = "leakward.sarif"
FULL_HISTORY_EVENTS = frozenset({"schedule", "workflow_dispatch"})
PULL_REQUEST_EVENTS = frozenset({"pull_request", "pull_request_target"})


@dataclass(frozen=True, slots=True)
class Scope:
    """What an event asks to scan: a range of revisions, or (revs None) the whole history."""

    description: str
    revs: tuple[str, ...] | None = None
    is_empty: bool = False


def load_event(env: Mapping[str, str]) -> tuple[str, dict[str, object]]:
    name = env.get("GITHUB_EVENT_NAME", "")
    event_path = env.get("GITHUB_EVENT_PATH")
    if not name or not event_path:
        raise UsageError(
            "GITHUB_EVENT_NAME and GITHUB_EVENT_PATH are not set",
            "run this inside a GitHub Actions job, or use `leakward scan` directly",
        )
    try:
        payload = json.loads(Path(event_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the event payload {event_path}: {exc}", None) from None
    return name, payload if isinstance(payload, dict) else {}


def scope_for(
    event: str, payload: Mapping[str, object], repo: Repository, merge_sha: str = ""
) -> Scope:
    """The revisions an event's changes live in (see the module docstring for the table)."""
    if event == "push":
        before = str(payload.get("before") or ZERO_OID)
        after = str(payload.get("after") or "")
        ref = str(payload.get("ref") or "") or None
        if not after or after == ZERO_OID:
            return Scope(f"push deleting {ref}: nothing to scan", is_empty=True)
        if before != ZERO_OID and (shallow := _beyond_depth(repo, before, after)):
            return shallow
        revs = range_revs(repo, f"{before}..{after}", pushed_ref=ref)
        if revs[0].endswith(f"..{after}"):
            return Scope(f"push {before[:10]}..{after[:10]}", tuple(revs))
        why = "new" if before == ZERO_OID else "force-pushed"
        return Scope(f"push of {why} {ref}: commits no other ref has", tuple(revs))
    if event in PULL_REQUEST_EVENTS:
        pull = payload.get("pull_request")
        pull = pull if isinstance(pull, Mapping) else {}
        base, head = _sha(pull.get("base")), _sha(pull.get("head"))
        if not head or not _has_commit(repo, head):
            # A fork's head may only be in the clone through the merge commit's second parent.
            head = merge_sha if merge_sha and _has_commit(repo, merge_sha) else "HEAD"
        if base and (shallow := _beyond_depth(repo, base, head)):
            return shallow
        revs = range_revs(repo, f"{base or ZERO_OID}..{head}")
        return Scope(f"pull request {base[:10]}..{head[:10]}", tuple(revs))
    if event in FULL_HISTORY_EVENTS:
        return Scope(f"{event}: the whole history")
    return Scope(f"{event or 'unknown event'}: the whole history")


def _beyond_depth(repo: Repository, lower: str, tip: str) -> Scope | None:
    """In a shallow clone without `lower`, what can still be scanned: everything the clone
    holds below `tip`, a superset of the change (its whole tree at depth 1). None when the clone
    is whole or has `lower`: then a missing `lower` is a force-push's old tip."""
    if not repo.is_shallow() or _has_commit(repo, lower):
        return None
    return Scope(
        f"shallow checkout without {lower[:10]}: the whole tree of {tip[:10]} and the commits "
        "within the clone's depth (fetch-depth: 0 scans only what changed)",
        (tip,),
    )


def _sha(side: object) -> str:
    return str(side.get("sha") or "") if isinstance(side, Mapping) else ""


def _has_commit(repo: Repository, rev: str) -> bool:
    found = repo.run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
    return bool(found.strip())


def pull_request_base(event: str, payload: Mapping[str, object]) -> str | None:
    """The base commit of a pull request event, whose settings the scan must use."""
    if event not in PULL_REQUEST_EVENTS:
        return None
    pull = payload.get("pull_request")
    return _sha(pull.get("base")) if isinstance(pull, Mapping) else None


@dataclass(frozen=True, slots=True)
class Trusted:
    """The scan's own files: its settings, the folder whose `.leakwardignore` applies, and
    the baseline (each the base commit's in a pull request)."""

    settings: ScanSettings
    ignore_root: Path
    baseline: Path | None


def scan_settings(
    inputs: ActionInputs,
    env: Mapping[str, str],
    repo: Repository,
    base: str | None,
    out: TextIO,
) -> Trusted:
    """The scan's settings, ignore file and baseline.

    In a pull request they are the base commit's (see leakward.cli.base_settings), so that the
    change under review cannot switch its own check off; what it changes is reported.
    """
    workspace = Path(env.get("GITHUB_WORKSPACE") or ".")
    # The inputs are the Action's flags: they win over the config file's settings.
    flags = {
        **inputs.flags,
        "scan.fail_on": inputs.fail_on or inputs.flags.get("scan.fail_on"),
        "scan.min_confidence": inputs.min_confidence or inputs.flags.get("scan.min_confidence"),
    }
    relative = _within(repo, workspace, inputs.path, inputs.config)
    baseline = _within(repo, workspace, workspace, inputs.baseline)
    if not base or not _has_commit(repo, base) or relative is None or baseline is None:
        loaded = load_settings(inputs.config, env, flags, discover_in=workspace).scan
        return Trusted(loaded, inputs.path, inputs.baseline)
    config_dir, scan_dir, config = relative
    baseline_file = baseline[2]
    dest = Path(env.get("RUNNER_TEMP") or inputs.path) / "leakward-base-settings"
    shutil.rmtree(dest, ignore_errors=True)
    # The folder exists even when the base has no ignore file, so the pull request's is not read.
    (dest / scan_dir).mkdir(parents=True)
    names = settings_files(config, config_dir, scan_dir)
    copies = copy_base_files(
        repo, base, [*names, *([baseline_file] if baseline_file else [])], dest
    )
    trusted_config = dest / config if config else None
    if trusted_config is not None and not trusted_config.is_file():
        raise UsageError(
            f"the config input names {config}, which the base commit {base[:10]} does not have",
            "add the file on the base branch first, or leave the config input empty",
        )
    loaded = load_settings(trusted_config, env, flags, discover_in=dest / config_dir).scan
    rule_paths = [*loaded.rules, *([loaded.gitleaks_config] if loaded.gitleaks_config else [])]
    copy_base_rules(repo, base, rule_paths, copies)
    for name in copies.changed:
        out.write(
            f"::warning title=leakward::{_escape_data(name)} is changed by this pull request; "
            f"the scan used the base commit's version ({base[:10]}). Changes to leakward's own "
            "settings, ignore file, baseline and rules take effect once merged.\n"
        )
    trusted_baseline = dest / baseline_file if baseline_file else None
    if trusted_baseline is not None and not trusted_baseline.is_file():
        out.write(
            f"::warning title=leakward::the base commit {base[:10]} has no baseline "
            f"{_escape_data(baseline_file or '')}; every finding is reported\n"
        )
        trusted_baseline = None
    return Trusted(loaded, dest / scan_dir, trusted_baseline)


def _within(
    repo: Repository, workspace: Path, scan_path: Path, config: Path | None
) -> tuple[str, str, str | None] | None:
    """The settings folder, scan folder and config file relative to the work tree, or None when
    one of them lies outside it (then the pull request cannot change it through git)."""
    if repo.work_tree is None:
        return None
    root = repo.work_tree.resolve()
    try:
        parts = [
            path.resolve().relative_to(root).as_posix() if path is not None else None
            for path in (workspace, scan_path, config)
        ]
    except ValueError:
        return None
    config_dir, scan_dir, config_file = (p if p != "." else "" for p in parts)
    return str(config_dir or ""), str(scan_dir or ""), config_file


def scan_scope(scope: Scope, inputs: ActionInputs, trusted: Trusted) -> ScanOutcome:
    ruleset = build_ruleset(trusted.settings)
    options = scan_options(trusted.settings)
    if scope.revs is None:
        outcome = run_scan(ScanRequest(paths=(inputs.path,), git=True), ruleset, options)
    else:
        scanned = scan_revisions(inputs.path, ruleset, options, scope.revs)
        outcome = ScanOutcome(scanned.result, scanned.extras)
    return drop_known(outcome, trusted.baseline, (trusted.ignore_root,))


def run_action(env: Mapping[str, str], out: TextIO) -> int:
    """The whole step; returns the exit code. Runner files come from `env`, never globals."""
    inputs = ActionInputs.from_env(env)
    event, payload = load_event(env)
    repo = Repository(inputs.path)
    if repo.is_shallow():
        out.write(
            "::warning title=leakward::This checkout is shallow: commits beyond its depth are "
            "not scanned, and what changed cannot be told from what was there before. Set "
            "fetch-depth: 0 on actions/checkout.\n"
        )
    scope = scope_for(event, payload, repo, env.get("GITHUB_SHA", ""))
    out.write(f"leakward: {scope.description}\n")
    if scope.is_empty:
        write_outputs(env, {"findings": "0", "sarif": ""})
        return EXIT_CLEAN
    trusted = scan_settings(inputs, env, repo, pull_request_base(event, payload), out)
    outcome = scan_scope(scope, inputs, trusted)
    result, extra = outcome.result, outcome.extra()
    write_untrusted(out, render(result, inputs.fmt, extra=extra))
    prefix = _workspace_prefix(repo, env)
    for finding in result.findings:
        out.write(annotation(finding, prefix) + "\n")
    sarif = Path(env.get("RUNNER_TEMP") or inputs.path) / SARIF_NAME
    sarif.write_text(render(result, "sarif", extra=extra), encoding="utf-8")
    summary = env.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as stream:
            stream.write(job_summary(result, scope.description, extra))
    write_outputs(env, {"findings": str(len(result.findings)), "sarif": str(sarif)})
    if inputs.rotate and result.findings:
        from leakward.cli.action_rotate import rotate_found

        repository = env.get("GITHUB_REPOSITORY", "")
        if not rotate_found(result.findings, repository, payload, env, out):
            out.write(
                "::warning title=leakward::a rotation did not finish; see `leakward rotations "
                "list` against the registry for what failed and what to do next\n"
            )
    return exit_code(result, trusted.settings.fail_on)


def write_untrusted(out: TextIO, text: str) -> None:
    """Writes text that carries names from the scanned world (paths, refs, rule ids of a team's
    own rules) with workflow commands stopped, so that a file named `::stop-commands::x` or
    `::add-mask::…` is printed, never obeyed. The token is random, so the text cannot end the
    pause itself (GitHub's documented way to print untrusted output)."""
    token = uuid.uuid4().hex
    out.write(f"::stop-commands::{token}\n")
    out.write(text if text.endswith("\n") else text + "\n")
    out.write(f"::{token}::\n")


def _workspace_prefix(repo: Repository, env: Mapping[str, str]) -> str:
    """Annotation paths are relative to the workspace; findings are relative to the repository."""
    root = repo.work_tree or repo.git_dir
    workspace = Path(env.get("GITHUB_WORKSPACE") or ".").resolve()
    try:
        relative = root.resolve().relative_to(workspace)
    except ValueError:
        return ""
    return "" if str(relative) == "." else f"{relative.as_posix()}/"


_LEVELS = {"critical": "error", "high": "error", "medium": "warning"}
_SUMMARY_ROWS = 200


def annotation(finding: Finding, prefix: str = "") -> str:
    """A workflow command that pins the finding on its file and line, value redacted."""
    level = _LEVELS.get(finding.severity, "notice")
    where = f" in commit {finding.origin.commit[:10]}" if finding.origin.commit else ""
    message = (
        f"{finding.rule_name} ({finding.rule_id}): {finding.secret.redacted()}{where}. "
        "Rotate it if it is real; if not, add a leakward:allow comment on its line or list it "
        "in .leakwardignore."
    )
    props = {
        "file": prefix + finding.origin.path,
        "line": str(finding.line),
        "col": str(finding.column),
        "endLine": str(finding.end_line),
        "title": f"leakward: {finding.rule_id}",
    }
    rendered = ",".join(f"{key}={_escape_property(value)}" for key, value in props.items())
    return f"::{level} {rendered}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def job_summary(
    result: ScanResult,
    description: str,
    extra: Callable[[Finding], Mapping[str, object] | None] | None = None,
) -> str:
    """Markdown for `$GITHUB_STEP_SUMMARY`: a headline and one table row per finding."""
    findings = result.findings
    head = f"## leakward: {len(findings)} secret{'s' if len(findings) != 1 else ''} found\n\n"
    lines = [head, f"Scanned {_cell(description)}: {result.stats.files} objects.\n\n"]
    if not findings:
        return "".join(lines) + "No secrets found.\n"
    lines.append("| Severity | Rule | File | Line | Commit | Secret (redacted) |\n")
    lines.append("|---|---|---|---|---|---|\n")
    for finding in findings[:_SUMMARY_ROWS]:
        commit = finding.origin.commit or ""
        refs = (extra(finding) or {}).get("refs") if extra else None
        seen = f" ({_cell(', '.join(map(str, refs)))})" if isinstance(refs, list) and refs else ""
        lines.append(
            f"| {finding.severity} | `{_cell(finding.rule_id)}` | `{_cell(finding.origin.display)}`"
            f" | {finding.line} | {commit[:10]}{seen} | `{_cell(finding.secret.redacted())}` |\n"
        )
    if len(findings) > _SUMMARY_ROWS:
        lines.append(f"\n…and {len(findings) - _SUMMARY_ROWS} more; see the SARIF report.\n")
    return "".join(lines)


def _cell(text: str) -> str:
    """A table cell: no pipes, backticks or line breaks from the scanned world."""
    return printable(text).replace("|", "\\|").replace("`", "'")


def write_outputs(env: Mapping[str, str], values: Mapping[str, str]) -> None:
    """Step outputs through `$GITHUB_OUTPUT`, in the multi-line form so no value can break it."""
    target = env.get("GITHUB_OUTPUT")
    if not target:
        return
    with open(target, "a", encoding="utf-8") as stream:
        for name, value in values.items():
            delimiter = f"leakward_{uuid.uuid4().hex}"
            stream.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def main() -> None:
    try:
        code = run_action(os.environ, sys.stdout)
    except LeakwardError as exc:
        message = str(exc).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        sys.stdout.write(f"::error title=leakward::{message}\n")
        code = exc.exit_code
    sys.stdout.flush()
    sys.exit(code)


if __name__ == "__main__":
    main()
