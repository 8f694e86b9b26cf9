"""`leakward serve`: the GitHub webhook receiver on uvicorn, with its durable job queue.

Stage: application shell. Wires the receiver (webhooks/receiver.py) to the registry, the
delivery log and its stored jobs (webhooks/work_queue.py), the mirror cache and the work a push
or a finished run causes (leakward/response/webhook_jobs.py). With no broker, this process does the
work; with `--broker` (or $LEAKWARD_BROKER, as `leakward worker` reads it) each job is sent to the
Celery task of its kind and `leakward worker` processes do it. Either way a job is stored before
the 202, so one accepted by a process killed before its work finished runs after the restart.
At start, rotations a killed process left running are resumed. The webhook secret comes from
$LEAKWARD_GITHUB_WEBHOOK_SECRET only: a secret on the command line would show in `ps` and shell
history.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from leakward.cli.sweep import policy_options
from leakward.core.errors import ConfigError
from leakward.settings.catalogue import variable
from leakward.settings.model import JOB_BUDGET_SECONDS, JOB_WORKERS, SPOOL_MAX_MB

if TYPE_CHECKING:
    import uvicorn
    from starlette.applications import Starlette

    from leakward.registry import Registry
    from leakward.response.leaks import ResponsePolicy
    from leakward.webhooks.work_queue import Backoff, DurableQueue, JobHandler

log = logging.getLogger(__name__)
SECRET_VARIABLE = "LEAKWARD_GITHUB_WEBHOOK_SECRET"  # noqa: S105 - the variable's name, not a secret


@dataclass(frozen=True, slots=True)
class Service:
    app: Starlette
    queue: DurableQueue
    registry: Registry
    resuming: threading.Thread
    broker: str | None = None  # masked, for messages
    header_timeout: float = 10.0  # seconds a connection may take to send a request's headers

    def server_config(
        self,
        host: str,
        port: int,
        log_level: str = "info",
        lifespan: Literal["auto", "on", "off"] = "auto",
    ) -> uvicorn.Config:
        """uvicorn's configuration for the app, with a deadline for every request's headers
        (webhooks/header_deadline.py)."""
        import uvicorn

        from leakward.webhooks.header_deadline import header_deadline_protocol

        protocol = header_deadline_protocol(self.header_timeout)
        return uvicorn.Config(
            self.app, host=host, port=port, log_level=log_level, lifespan=lifespan, http=protocol
        )

    def close(self) -> None:
        self.queue.close()
        self.resuming.join(10)
        self.registry.close()


def build_service(
    environ: Mapping[str, str],
    *,
    db_url: str | None,
    mirror_dir: Path,
    max_body: int,
    read_timeout: float = 10.0,  # GitHub's own limit for a delivery (webhooks/request_body.py)
    header_timeout: float = 10.0,  # the same for a request's headers (webhooks/header_deadline.py)
    spool_max_bytes: int = SPOOL_MAX_MB << 20,  # unverified bodies on disk at once
    public_policy: str = "revoke-first",
    private_policy: str = "reissue-first",
    engine: str = "auto",
    broker: str | None = None,
    broker_queue: str = "leakward",
    backoff: Backoff | None = None,
    job_workers: int = JOB_WORKERS,
    job_budget: float = JOB_BUDGET_SECONDS,
    dashboard_header: str | None = None,
) -> Service:
    """The receiver app and its started job queue: its `job_workers` threads do the webhook work,
    each push's fetch and scan in a child process stopped after `job_budget` seconds, or send it
    to `broker`'s Celery workers. Unfinished rotations resume on a thread of their own."""
    from leakward.queues.budget import BudgetExceededError, TimeBudget
    from leakward.registry import Registry
    from leakward.registry.webhook_deliveries import DeliveryLog
    from leakward.response.leaks import ResponsePolicy
    from leakward.response.rotation_actions import dashboard_for
    from leakward.response.webhook_jobs import PRELOAD, WebhookWork, WorkContext
    from leakward.rules.loader import load_rules
    from leakward.scanner.scan import ScanOptions
    from leakward.webhooks.metrics import Metrics
    from leakward.webhooks.receiver import ReceiverSettings, create_app
    from leakward.webhooks.work_queue import DurableQueue

    secret = environ.get(SECRET_VARIABLE, "")
    if not secret:
        raise ConfigError(
            f"${SECRET_VARIABLE} is not set",
            f"set {SECRET_VARIABLE} to the secret configured on the GitHub webhook",
        )
    settings = ReceiverSettings(
        secret.encode(),
        max_body=max_body,
        read_timeout=read_timeout,
        spool_max_bytes=spool_max_bytes,
    )
    registry = Registry.open(db_url)
    metrics = Metrics()
    context = WorkContext(
        registry=registry,
        ruleset=load_rules().select(),
        mirror_dir=mirror_dir,
        environ=environ,
        metrics=metrics,
        policy=ResponsePolicy(public=public_policy, private=private_policy),
        # One process: a push is a handful of commits; forking a pool costs more than it saves.
        options=ScanOptions(engine=engine, jobs=1),
        budget=TimeBudget(job_budget, PRELOAD),
    )
    work = WebhookWork(context)
    if broker:
        handler = _broker_handler(broker, broker_queue, db_url, mirror_dir, context.policy)
    else:
        handler = work.perform
    queue = DurableQueue(
        DeliveryLog(registry.engine),
        handler,
        backoff=backoff,
        workers=job_workers,
        # Stopped at its budget, a job would only be stopped again.
        permanent=(BudgetExceededError,),
    )
    if not broker:
        work.follow_ups = queue  # a busy rotation's retry is stored as a job too
    metrics.set_queue_depth(queue.depth)
    app = create_app(settings, queue, metrics)
    app.router.routes.extend(dashboard_for(registry, environ, dashboard_header).routes)
    resuming = threading.Thread(target=work.resume_rotations, name="leakward-resume", daemon=True)
    resuming.start()
    queue.start()
    shown = None
    if broker:
        from leakward.queues.celery_tasks import masked_url

        shown = masked_url(broker)
    return Service(app, queue, registry, resuming, shown, header_timeout)


def _log_to_stderr() -> None:
    """Our own INFO lines (jobs retried or given up, rotations resumed) beside uvicorn's; they
    carry ids, kinds and error types only."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
    logger = logging.getLogger("leakward")  # every module's logger sits below it
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def _broker_handler(
    broker: str, queue: str, db_url: str | None, mirror_dir: Path, policy: ResponsePolicy
) -> JobHandler:
    """Send each job to the Celery task of its kind (`push`, `workflow_run`:
    leakward/queues/celery_tasks.py); the task is acknowledged late and deduplicated, so a job sent
    twice is done once. Each job carries the rotation policy these options give for its exposure
    (CeleryQueue adds it), so the worker rotates what it finds the way this serve's operator
    said."""
    from leakward.queues.celery_tasks import CeleryQueue, make_app
    from leakward.settings.work import WorkSettings

    settings = WorkSettings(
        db_url=db_url, mirror_dir=mirror_dir, policy=policy.private, public_policy=policy.public
    )
    celery = CeleryQueue(make_app(broker, settings, queue=queue))

    def send(kind: str, payload: dict[str, object]) -> None:
        celery.enqueue(kind, payload)

    return send


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
@click.option("--db", metavar="URL", help="Registry database [default: $LEAKWARD_DB or SQLite].")
@click.option(
    "--mirrors",
    "mirror_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Mirror clones of pushed repositories [default: the user cache directory].",
)
@click.option(
    "--max-body-mb",
    type=click.IntRange(1, 100),
    default=25,
    show_default=True,
    help="Refuse larger webhook bodies with 413 (GitHub sends at most 25 MB).",
)
@policy_options
@click.option("--engine", type=click.Choice(["auto", "hyperscan", "regex"]), default="auto")
@click.option(
    "--broker",
    metavar="URL",
    help=f"Send webhook jobs to `leakward worker` processes on this Celery broker "
    f"[default: ${variable('sweep.broker')}; with neither, this process does the work].",
)
@click.option(
    "--queue",
    default="leakward",
    show_default=True,
    help="With --broker: the queue name the workers consume (their --queue).",
)
@click.option(
    "--job-workers",
    type=click.IntRange(1, 64),
    help=f"Webhook jobs run at once [default: {JOB_WORKERS}].",
)
@click.option(
    "--job-budget",
    type=click.FloatRange(min=1),
    metavar="SECONDS",
    help=f"Stop a push's fetch and scan, and fail its job, after this long "
    f"[default: {JOB_BUDGET_SECONDS:g}].",
)
@click.option(
    "--spool-max-mb",
    type=click.IntRange(1),
    help=f"MB of unverified webhook bodies spooled to disk at once; past it a large body is "
    f"answered 503 with Retry-After, unread [default: {SPOOL_MAX_MB}].",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Settings whose [[schedule]] entries (and max_fetch_age_hours) run here "
    "[default: ./leakward.toml, or pyproject.toml's [tool.leakward]].",
)
def serve(
    host: str,
    port: int,
    db: str | None,
    mirror_dir: Path | None,
    max_body_mb: int,
    public_policy: str,
    private_policy: str,
    engine: str,
    broker: str | None,
    queue: str,
    job_workers: int | None,
    job_budget: float | None,
    spool_max_mb: int | None,
    config: Path | None,
) -> None:
    """Receive GitHub webhooks (push, workflow_run, ping), run the config's scheduled sweeps,
    and rotate what leaks."""
    import uvicorn

    from leakward.settings.loader import load_settings
    from leakward.settings.work import work_settings
    from leakward.sweep.schedules import checked_schedules, run_scheduler
    from leakward.usage.watch_job import schedule_watch

    _log_to_stderr()
    # The config is read before anything opens, so a bad one stops serve with nothing to undo.
    flags = {
        "registry.db": db,
        "sweep.broker": broker,
        "serve.job_workers": job_workers,
        "serve.job_budget_seconds": job_budget,
        "serve.spool_max_mb": spool_max_mb,
    }
    settings = load_settings(config, os.environ, flags)
    # The stored jobs follow the config file; with none, the jobs already stored keep running.
    schedules = checked_schedules(settings)
    # Scheduled sweeps rotate with this serve's policies, and fetch a mirror at least as often
    # as the config's max_fetch_age_hours says, as `leakward sweep --config` does.
    work = work_settings(
        settings,
        mirrors=mirror_dir,
        public_policy=public_policy,
        private_policy=private_policy,
    )
    service = build_service(
        settings.environ,
        db_url=settings.registry.db,
        mirror_dir=work.mirror_dir,
        max_body=max_body_mb * 1024 * 1024,
        public_policy=public_policy,
        private_policy=private_policy,
        engine=engine,
        broker=settings.sweep.broker,
        broker_queue=queue,
        job_workers=settings.serve.job_workers,
        job_budget=settings.serve.job_budget_seconds,
        spool_max_bytes=settings.serve.spool_max_mb << 20,
        dashboard_header=settings.serve.dashboard_trusted_header,
    )
    scheduler = run_scheduler(schedules, work)
    click.echo(f"leakward serve: POST http://{host}:{port}/webhooks/github", err=True)
    if service.broker:
        click.echo(f"leakward serve: webhook jobs go to {service.broker}", err=True)
    try:
        # With an admin key set, usage is watched too (leakward/usage/watch_job.py).
        if schedule_watch(scheduler, settings.environ, settings.registry.db):
            click.echo("leakward serve: watching key usage (see: leakward watch --help)", err=True)
        uvicorn.Server(service.server_config(host, port)).run()
    finally:
        scheduler.shutdown(wait=False)
        service.close()
