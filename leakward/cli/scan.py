"""`leakward scan`: find secrets in files, git history, standard input or remote logs.

Stage: application shell. Parses, builds the settings once, calls `run_scan`, renders, exits:
0 clean, 1 findings at or above --fail-on, 2 usage or configuration error. No secret is printed
unless --show-secrets asks for the local report to carry them.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import click

from leakward.cli.progress import ProgressBar
from leakward.cli.scan_remote import remote_chunks
from leakward.core.errors import UsageError
from leakward.rules.gitleaks import load_gitleaks_rules
from leakward.rules.loader import check_unique, load_rules
from leakward.rules.model import CONFIDENCES, SEVERITIES, RuleSet
from leakward.scanner.models import Finding, LeftOut, ScanResult
from leakward.scanner.report import FORMATS, render, summary_line, verbose_lines
from leakward.scanner.scan import ScanOptions
from leakward.scanner.sources.dispatch import SOURCES
from leakward.scanner.sources.files import FileLimits, MiB
from leakward.scanning.request import (
    ScanOutcome,
    ScanRequest,
    exit_code,
    keep_verdicts,
    run_scan,
    wanted_verdicts,
)
from leakward.settings.loader import load_settings
from leakward.settings.model import ScanSettings, Settings


def build_ruleset(settings: ScanSettings) -> RuleSet:
    """Built-in rules plus custom directories and a gitleaks config, then the enable/disable cut."""
    ruleset = load_rules(settings.rules)
    if settings.gitleaks_config:
        imported = tuple(load_gitleaks_rules(settings.gitleaks_config))
        check_unique(ruleset.rules + imported)
        digest = ruleset.digest + ":" + str(hash_file(settings.gitleaks_config))
        ruleset = RuleSet(ruleset.rules + imported, ruleset.allowlist, digest)
    # Failed checksums come with the lowest tier, which only a person asks for.
    low = settings.min_confidence == "low"
    return ruleset.select(settings.enable, settings.disable, settings.min_confidence, low)


def hash_file(path: Path) -> str:
    from leakward.scanner.fingerprint import content_id

    return content_id(path.read_bytes())


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report here instead of standard output.",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default=None,
    help="Exit 1 when a finding is at least this severe [default: low].",
)
@click.option(
    "--min-confidence",
    type=click.Choice(CONFIDENCES),
    default=None,
    help="Run only rules at least this confident; low adds weak generic rules [default: medium].",
)
@click.option(
    "--show-secrets",
    is_flag=True,
    help="Put plaintext secrets in this local report. Nothing else ever shows them.",
)
@click.option("--git", "git_history", is_flag=True, help="Scan the whole git history (all refs).")
@click.option("--all-objects", is_flag=True, help="With --git: unreachable objects too.")
@click.option("--staged", is_flag=True, help="Scan what is staged for the next commit.")
@click.option("--range", "git_range", metavar="A..B", help="Scan the commits of a push.")
@click.option("--since-commit", metavar="SHA", help="Scan the commits after SHA up to HEAD.")
@click.option("--branch", metavar="NAME", help="Scan the history reachable from one branch.")
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Leave out findings recorded in this baseline file.",
)
@click.option(
    "--match",
    "match_registry",
    is_flag=True,
    help="Match findings against the registry of issued keys.",
)
@click.option("--record", is_flag=True, help="Record findings as leaks in the registry.")
@click.option(
    "--verify",
    "verify_live",
    is_flag=True,
    help="Ask each provider whether the key still works: live, dead or unknown.",
)
@click.option(
    "--results",
    metavar="LIVE,UNKNOWN,DEAD",
    help="With verification: report only these verdicts, e.g. live,unknown (implies --verify).",
)
@click.option(
    "--only-verified",
    is_flag=True,
    help="Report only keys the provider says still work (--results live).",
)
@click.option("--db", metavar="URL", help="Registry database [default: $LEAKWARD_DB or SQLite].")
@click.option(
    "--github-actions",
    metavar="OWNER/REPO",
    help="Scan the logs of a repository's Actions runs (token: $GITHUB_TOKEN).",
)
@click.option("--run", "run_id", type=int, help="With --github-actions: one run.")
@click.option("--since", metavar="DATE", help="With --github-actions: runs since DATE.")
@click.option(
    "--gitlab-jobs",
    metavar="PROJECT",
    help="Scan a GitLab project's job traces (token: $GITLAB_TOKEN).",
)
@click.option(
    "--postman-workspace", metavar="ID", help="Scan a Postman workspace (key: $POSTMAN_API_KEY)."
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    help="Worker processes (0: one per core).",
)
@click.option("--engine", type=click.Choice(["auto", "hyperscan", "regex"]), default=None)
@click.option(
    "--no-ignore",
    is_flag=True,
    help="Scan files .gitignore excludes and report findings .leakwardignore lists.",
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Name on stderr each file skipped and each file or finding left out, and why.",
)
@click.option(
    "--source",
    type=click.Choice(SOURCES),
    default="auto",
    show_default=True,
    help="Read the inputs as this format when sniffing cannot tell (e.g. a CI log piped in).",
)
@click.option(
    "--max-file-size",
    "max_file_size_mb",
    type=click.IntRange(min=1),
    default=None,
    help="Skip files larger than this many MiB [default: 256].",
)
@click.option(
    "--decode-depth",
    type=click.IntRange(0, 5),
    default=None,
    help="How many nested encodings to look through [default: 2].",
)
@click.option(
    "--file-timeout",
    "file_timeout_seconds",
    type=click.FloatRange(min=0),
    default=None,
    help="Seconds one file may take before it is reported as not scanned; 0: no limit "
    "[default: 300].",
)
@click.option(
    "--rules",
    "rule_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A directory (or file) of extra YAML rules; repeatable.",
)
@click.option(
    "--gitleaks-config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also load the rules of a gitleaks TOML config.",
)
@click.option(
    "--enable",
    multiple=True,
    help="Turn on an off-by-default rule, provider or tag (rules with enabled: false); repeatable.",
)
@click.option("--disable", multiple=True, help="Turn off a rule, provider or tag; repeatable.")
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Settings file [default: ./leakward.toml or [tool.leakward] in pyproject].",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr [default: on when stderr is a terminal].",
)
def scan(
    paths: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    fail_on: str | None,
    min_confidence: str | None,
    show_secrets: bool,
    git_history: bool,
    all_objects: bool,
    staged: bool,
    git_range: str | None,
    since_commit: str | None,
    branch: str | None,
    baseline: Path | None,
    match_registry: bool,
    record: bool,
    verify_live: bool,
    results: str | None,
    only_verified: bool,
    db: str | None,
    github_actions: str | None,
    run_id: int | None,
    since: str | None,
    gitlab_jobs: str | None,
    postman_workspace: str | None,
    jobs: int,
    engine: str | None,
    no_ignore: bool,
    verbose: bool,
    source: str,
    max_file_size_mb: int | None,
    decode_depth: int | None,
    file_timeout_seconds: float | None,
    rule_dirs: tuple[Path, ...],
    gitleaks_config: Path | None,
    enable: tuple[str, ...],
    disable: tuple[str, ...],
    config: Path | None,
    progress: bool | None,
) -> None:
    """Scan files, directories, standard input (`-`), git history or remote logs for secrets."""
    flags = setting_flags(click.get_current_context().params)
    wanted = wanted_verdicts(results, only_verified)
    settings = load_settings(config, os.environ, flags)
    ruleset = build_ruleset(settings.scan)
    options = scan_options(settings.scan, jobs=jobs, no_ignore=no_ignore, source=source)
    remote = remote_chunks(
        github_actions, run_id, since, gitlab_jobs, postman_workspace, options, settings.environ
    )
    request = ScanRequest(
        paths=paths,
        git=git_history,
        staged=staged,
        range=git_range,
        since_commit=since_commit,
        branch=branch,
        all_objects=all_objects,
        chunks=remote,
    )
    show = sys.stderr.isatty() if progress is None else progress
    unit = "files" if request.mode() == "paths" else "objects"
    bar = ProgressBar(unit=unit) if show and not staged else None
    try:
        outcome = run_scan(request, ruleset, options, bar)
    finally:
        if bar:
            bar.close()
    outcome = drop_known(outcome, baseline, paths, no_ignore=no_ignore)
    extras = {f: dict(outcome.extras.get(f) or {}) for f in outcome.result.findings}
    if match_registry or record:
        add_registry(extras, outcome, settings.registry.db, match_registry, record, request)
    result = outcome.result
    if verify_live or wanted:
        from leakward.scanning.verification import verify_findings

        for finding, verdict in verify_findings(result.findings, settings.environ).items():
            extras[finding].update(verdict)
        if wanted:
            result = keep_verdicts(result, extras, wanted)
    if verbose:
        for line in verbose_lines(result):
            click.echo(line, err=True)
    emit(result, fmt, output, show_secrets, settings, lambda f: extras.get(f) or None)
    sys.exit(exit_code(result, settings.scan.fail_on))


# The `scan` parameters that set a setting (flag > environment > config file > default).
SETTING_PARAMS = {
    "rule_dirs": "scan.rules",
    "gitleaks_config": "scan.gitleaks_config",
    "fail_on": "scan.fail_on",
    "max_file_size_mb": "scan.max_file_size_mb",
    "enable": "scan.enable",
    "disable": "scan.disable",
    "engine": "scan.engine",
    "decode_depth": "scan.decode_depth",
    "file_timeout_seconds": "scan.file_timeout_seconds",
    "min_confidence": "scan.min_confidence",
    "db": "registry.db",
}


def setting_flags(params: Mapping[str, object]) -> dict[str, object]:
    """The settings `scan`'s parsed parameters set, by setting name."""
    return {setting: params.get(name) for name, setting in SETTING_PARAMS.items()}


def scan_options(
    settings: ScanSettings, *, jobs: int = 0, no_ignore: bool = False, source: str = "auto"
) -> ScanOptions:
    """The scan's options from its settings and the flags that have no setting."""
    return ScanOptions(
        engine=settings.engine,
        jobs=jobs,
        decode_depth=settings.decode_depth,
        no_ignore=no_ignore,
        source=source,
        file_limits=FileLimits(max_file_size=settings.max_file_size_mb * MiB),
        exclude=settings.exclude,
        file_seconds=settings.file_timeout_seconds,
    )


def drop_known(
    outcome: ScanOutcome, baseline: Path | None, roots: tuple[Path, ...], *, no_ignore: bool = False
) -> ScanOutcome:
    """Leave out baselined findings and those `.leakwardignore` (beside the scan root) lists,
    counting each as left out; `--no-ignore` keeps what the ignore file lists."""
    from leakward.scanner.baseline import IGNORE_FILE, filter_known, load_baseline, load_ignore

    root = roots[0] if roots and roots[0].is_dir() else Path(".")
    ignore = None if no_ignore else load_ignore(root / IGNORE_FILE)
    known = load_baseline(baseline) if baseline else None
    kept = filter_known(outcome.result, known, ignore)
    left = set(kept.findings)
    dropped = tuple(
        LeftOut(
            f.origin.display,
            "baseline" if known is not None and f in known else "leakwardignore",
            f"{f.line}:{f.column} {f.rule_id}",
        )
        for f in outcome.result.findings
        if f not in left
    )
    result = dataclasses.replace(kept, left_out=(*kept.left_out, *dropped))
    return ScanOutcome(result, outcome.extras)


def add_registry(
    extras: dict[Finding, dict[str, object]],
    outcome: ScanOutcome,
    db: str | None,
    match: bool,
    record: bool,
    request: ScanRequest,
) -> None:
    """Registry matches (and recorded leaks) merged into each finding's extra fields."""
    from leakward.response.registry_match import match_findings, open_registry, record_leaks

    findings = outcome.result.findings
    with open_registry(db) as registry:
        if match:
            for finding, found in zip(findings, match_findings(registry, findings), strict=True):
                extras[finding]["match"] = found
        if record:
            kind = "git" if request.mode() != "paths" else "file"
            record_leaks(registry, findings, source_kind=kind, is_public=False, repository=None)


def emit(
    result: ScanResult,
    fmt: str,
    output: Path | None,
    show_secrets: bool,
    settings: Settings,
    extra: Callable[[Finding], Mapping[str, object] | None] | None = None,
) -> None:
    """Write the report; with --output or a machine format, the summary also goes to stderr."""
    to_terminal = output is None and sys.stdout.isatty()
    color = to_terminal and fmt == "text" and not settings.output.no_color
    report = render(result, fmt, show_secrets=show_secrets, color=color, extra=extra)
    if output is None:
        sys.stdout.write(report)
        sys.stdout.flush()
    else:
        try:
            output.write_text(report, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror}", "check --output") from None
    if output is not None or fmt != "text":
        err_color = sys.stderr.isatty() and not settings.output.no_color
        click.echo(summary_line(result, color=err_color), err=True)
