"""`leakward baseline create|update`: record today's findings so later scans report only new ones.

Stage: application shell. Both commands run the same scan as `leakward scan` (any git mode
included), leave out what `.leakwardignore` already ignores, and write the baseline sorted by
rule, fingerprint and path so it diffs cleanly in review. `update` keeps every existing entry,
including ones whose secret is gone: removing an entry is a reviewed edit, not a side effect.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from leakward.scanning.request import ScanRequest, run_scan


def _scan_options(func: click.decorators.FC) -> click.decorators.FC:
    """The target and git-mode options shared by `create` and `update`."""
    decorators = [
        click.argument("file", type=click.Path(dir_okay=False, path_type=Path)),
        click.argument("path", required=False, type=click.Path(path_type=Path)),
        click.option("--git", "git_history", is_flag=True, help="The whole git history."),
        click.option("--all-objects", is_flag=True, help="With --git: unreachable objects too."),
        click.option("--range", "git_range", metavar="A..B", help="The commits of a push."),
        click.option("--since-commit", metavar="SHA", help="The commits after SHA up to HEAD."),
        click.option("--branch", metavar="NAME", help="The history of one branch."),
        click.option(
            "--config",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Settings file [default: ./leakward.toml or [tool.leakward] in pyproject].",
        ),
        click.option("--no-ignore", is_flag=True, help="Scan files that .gitignore excludes too."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


@click.group()
def baseline() -> None:
    """Record known findings in a baseline file (use it with `leakward scan --baseline FILE`)."""


def _baseline_command(name: str, keep_existing: bool, summary: str) -> click.Command:
    """`baseline create` and `baseline update` differ only in keeping the file's entries."""

    @baseline.command(name, help=summary)
    @_scan_options
    def command(
        file: Path,
        path: Path | None,
        git_history: bool,
        all_objects: bool,
        git_range: str | None,
        since_commit: str | None,
        branch: str | None,
        config: Path | None,
        no_ignore: bool,
    ) -> None:
        request = ScanRequest(
            paths=(path,) if path else (),
            git=git_history,
            all_objects=all_objects,
            range=git_range,
            since_commit=since_commit,
            branch=branch,
        )
        _write(file, request, config, no_ignore, keep_existing=keep_existing)

    return command


create = _baseline_command(
    "create", False, "Scan PATH (default: .) and write every finding to FILE, replacing it."
)
update = _baseline_command(
    "update", True, "Scan PATH (default: .) and add new findings to FILE, keeping its entries."
)


def _write(
    file: Path, request: ScanRequest, config: Path | None, no_ignore: bool, keep_existing: bool
) -> None:
    from leakward.cli.scan import build_ruleset, drop_known, scan_options
    from leakward.scanner.baseline import load_baseline, write_baseline
    from leakward.settings.loader import load_settings

    # Load first: a broken baseline must stop `update` before the scan, not after it.
    keep = load_baseline(file) if keep_existing else None
    settings = load_settings(config, os.environ).scan
    ruleset = build_ruleset(settings)
    options = scan_options(settings, no_ignore=no_ignore)
    outcome = drop_known(run_scan(request, ruleset, options), None, request.paths)
    before = len(keep.keys) if keep else 0
    count = write_baseline(file, outcome.result.findings, keep)
    added = count - before
    click.echo(f"wrote {count} entries to {file} ({added} new)")
