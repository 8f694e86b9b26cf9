"""`leakward worker`: a Celery worker that runs queued sweep scans and rotations.

Stage: application shell. Parses, builds the Celery app with the worker's settings, runs the
worker until it is stopped. Webhook jobs (`push`, `workflow_run`) run under the config's
`serve.job_budget_seconds`, as in `serve` itself. The broker is --broker or $LEAKWARD_BROKER
(a Redis URL); the token for GitHub comes from GITHUB_TOKEN in the worker's environment, never
from a message.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from leakward.cli.sweep import config_option, policy_options, work_place_options
from leakward.core.errors import UsageError
from leakward.settings.catalogue import variable
from leakward.settings.loader import load_settings
from leakward.settings.model import JOB_BUDGET_SECONDS
from leakward.settings.work import work_settings

BROKER_ENV = variable("sweep.broker")


@click.command()
@click.option(
    "--api-interval",
    type=click.FloatRange(0.0),
    default=0.25,
    show_default=True,
    help="Seconds between GitHub API requests of one worker.",
)
@click.option("--broker", metavar="URL", help=f"Broker URL [default: ${BROKER_ENV}].")
@work_place_options
@click.option("--concurrency", type=click.IntRange(1, 64), default=1, show_default=True)
@click.option("--pool", type=click.Choice(["prefork", "solo", "threads"]), default="prefork")
@click.option("--no-rotate", is_flag=True, help="Record leaks but start no rotation.")
@click.option(
    "--visibility-timeout",
    type=click.FloatRange(1.0),
    default=3600.0,
    show_default=True,
    help="Seconds before a message taken by a vanished worker is delivered again; "
    "longer than your longest scan.",
)
@click.option(
    "--job-budget",
    type=click.FloatRange(min=1),
    metavar="SECONDS",
    help=f"Stop a webhook push's (or run's) fetch and scan, and fail its task, after this "
    f"long, as serve does [default: {JOB_BUDGET_SECONDS:g}].",
)
@click.option("--queue", default="leakward", show_default=True, help="Queue name to consume.")
@click.option("--loglevel", default="INFO", show_default=True)
@policy_options
@config_option
def worker(
    broker: str | None,
    db: str | None,
    mirrors: Path | None,
    api_url: str | None,
    api_interval: float,
    concurrency: int,
    pool: str,
    no_rotate: bool,
    visibility_timeout: float,
    job_budget: float | None,
    queue: str,
    loglevel: str,
    public_policy: str,
    private_policy: str,
    config: Path | None,
) -> None:
    """Run sweep tasks (scan_repo, scan_logs, rotate_key) from a Celery broker.

    A task carries the policy its sender chose; the policy options here apply to one that
    carries none (queued by an older sender)."""
    from leakward.queues.celery_tasks import make_app
    from leakward.sweep.jobs import SWEEP_WORK

    flags = {
        "registry.db": db,
        "sweep.api_url": api_url,
        "sweep.broker": broker,
        "serve.job_budget_seconds": job_budget,
    }
    loaded = load_settings(config, os.environ, flags)
    broker = loaded.sweep.broker
    if not broker:
        raise UsageError(
            "leakward worker needs a broker",
            f"pass --broker redis://HOST:6379/0 or set {BROKER_ENV}",
        )
    # The worker decides whether a queued scan may skip its fetch (max_fetch_age_hours).
    settings = work_settings(
        loaded,
        mirrors=mirrors,
        api_interval=api_interval,
        rotate=not no_rotate,
        public_policy=public_policy,
        private_policy=private_policy,
    )
    app = make_app(
        broker,
        settings,
        SWEEP_WORK,
        queue=queue,
        visibility_timeout=visibility_timeout,
        job_budget=loaded.serve.job_budget_seconds,
    )
    app.worker_main(
        [
            "worker",
            f"--loglevel={loglevel}",
            f"--concurrency={concurrency}",
            f"--pool={pool}",
            "--without-gossip",
            "--without-mingle",
        ]
    )
