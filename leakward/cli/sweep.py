"""`leakward sweep --org NAME`: scan every repository of a GitHub organisation, incrementally.

Stage: application shell. Parses, runs one sweep (on the embedded worker pool, or queued to
Celery workers with --broker), renders. Exit codes: 0 no new findings, 1 new findings, 2 a usage,
configuration or listing error, 4 no new findings but the sweep is incomplete (a task failed or a
scan could not read part of its input). The GitHub token comes from GITHUB_TOKEN, never a flag.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from leakward.core.errors import EXIT_FINDINGS, EXIT_INCOMPLETE
from leakward.settings.catalogue import variable
from leakward.settings.loader import load_settings
from leakward.settings.work import POLICIES, WorkSettings, work_settings
from leakward.sweep.org import SweepReport, run_local_sweep, sweep_org

Command = TypeVar("Command", bound=Callable[..., object])
_DEFAULTS = WorkSettings()


def policy_options(command: Command) -> Command:
    """`--public-policy` and `--private-policy`: how a leaked live key is rotated, by where it
    leaked. One definition for every command that rotates, with WorkSettings' defaults."""
    public = click.option(
        "--public-policy",
        type=click.Choice(POLICIES),
        default=_DEFAULTS.public_policy,
        show_default=True,
        help="Rotation order for a key leaked in a public repository.",
    )
    private = click.option(
        "--private-policy",
        type=click.Choice(POLICIES),
        default=_DEFAULTS.policy,
        show_default=True,
        help="Rotation order for a key leaked in a private repository.",
    )
    return public(private(command))


def work_place_options(command: Command) -> Command:
    """`--db`, `--mirrors` and `--api-url`: where the sweep's work reads and writes, the same for
    the command that sweeps and for the workers that take its tasks."""
    db = click.option(
        "--db", metavar="URL", help="Registry database [default: $LEAKWARD_DB or SQLite]."
    )
    mirrors = click.option(
        "--mirrors",
        type=click.Path(file_okay=False, path_type=Path),
        help="Directory for the mirror clones [default: the user cache directory].",
    )
    api_url = click.option(
        "--api-url",
        metavar="URL",
        help=f"GitHub API [default: ${variable('sweep.api_url')} or api.github.com].",
    )
    return db(mirrors(api_url(command)))


def config_option(command: Command) -> Command:
    """`--config`: the settings file whose sweep settings (max_fetch_age_hours) apply."""
    return click.option(
        "--config",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Settings file [default: ./leakward.toml, or pyproject.toml's [tool.leakward]].",
    )(command)


def scan_errors(report: SweepReport) -> int:
    """How many inputs the sweep's scans could not read."""
    return sum(int(str(t.summary.get("errors", 0))) for t in report.tasks)


def render(report: SweepReport) -> int:
    """Print the sweep's outcome; returns the number of new findings."""
    repositories = report.listing.repositories
    findings = sum(int(str(t.summary.get("findings", 0))) for t in report.tasks)
    for task in report.by_state("skipped"):
        click.echo(f"skipped {task.subject}: {task.summary.get('reason')}", err=True)
    for task in report.failed:
        click.echo(f"failed {task.kind} {task.subject}: {task.error}", err=True)
    for task in report.tasks:
        problems = task.summary.get("problems")
        for problem in problems if isinstance(problems, list) else ():
            click.echo(f"not scanned in {task.subject}: {problem}", err=True)
    for task in report.tasks:
        if task.kind == "rotate_key":
            click.echo(
                f"rotation {task.summary.get('rotation_id')} of entry "
                f"{task.summary.get('issued_key_id')}: {task.summary.get('status')}"
            )
    scanned = len(report.by_state("scanned"))
    unchanged = report.by_state("unchanged")
    not_fetched = sum(t.summary.get("fetched") is False for t in unchanged)
    click.echo(
        f"{report.listing.org}: {len(repositories)} repositories, {scanned} scans with new "
        f"objects, {len(unchanged)} unchanged ({not_fetched} not pushed since their last fetch), "
        f"{len(report.by_state('skipped'))} skipped, "
        f"{len(report.failed)} failed; {findings} findings"
    )
    if errors := scan_errors(report):
        click.echo(f"{errors} inputs could not be scanned: the sweep is incomplete", err=True)
    if report.listing.waits:
        click.echo(f"waited out GitHub rate limits {len(report.listing.waits)} times", err=True)
    return findings


@click.command()
@click.option("--org", required=True, help="GitHub organisation to sweep.")
@work_place_options
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True)
@click.option(
    "--api-interval",
    type=click.FloatRange(0.0),
    default=0.25,
    show_default=True,
    help="Seconds between GitHub API requests of one worker.",
)
@click.option("--broker", metavar="URL", help="Queue the scans to Celery workers on this broker.")
@click.option("--queue", default="leakward", show_default=True, help="Celery queue name.")
@click.option("--logs/--no-logs", default=True, show_default=True, help="Scan Actions logs too.")
@click.option(
    "--rotate/--no-rotate",
    default=True,
    show_default=True,
    help="Start a rotation for every new leak of an active registry key.",
)
@policy_options
@config_option
def sweep(
    org: str,
    db: str | None,
    mirrors: Path | None,
    api_url: str | None,
    api_interval: float,
    workers: int,
    broker: str | None,
    queue: str,
    logs: bool,
    rotate: bool,
    public_policy: str,
    private_policy: str,
    config: Path | None,
) -> None:
    """Scan what is new in every repository of an organisation since the last sweep."""
    # `--broker` alone sends a sweep to Celery: $LEAKWARD_BROKER is for workers and serve.
    flags = {"registry.db": db, "sweep.api_url": api_url}
    settings = work_settings(
        load_settings(config, os.environ, flags),
        mirrors=mirrors,
        api_interval=api_interval,
        rotate=rotate,
        scan_logs=logs,
        public_policy=public_policy,
        private_policy=private_policy,
    )
    if broker:
        from leakward.queues.celery_tasks import CeleryQueue, make_app

        celery = CeleryQueue(make_app(broker, settings, queue=queue))
        listing = sweep_org(org, settings, celery)
        click.echo(
            f"{org}: queued {len(listing.repositories)} repositories to {celery.display_broker}"
        )
        return
    report = run_local_sweep(org, settings, workers=workers)
    findings = render(report)
    if findings:
        sys.exit(EXIT_FINDINGS)
    if report.failed or scan_errors(report):
        sys.exit(EXIT_INCOMPLETE)
