"""Celery tasks for sweeps that outgrow one machine: `scan_repo`, `scan_logs`, `rotate_key`.

Stage: application shell (workers). The tasks are thin: each calls the `Work` it was handed (the
org sweep's `leakward.sweep.jobs.SWEEP_WORK`), which deduplicates through the registry, then
queues the rotations it hands on. Messages are
acknowledged late, after the task's transaction committed (`acks_late`), a task whose worker
process died is put back (`task_reject_on_worker_lost`), and a worker takes one message at a time
(prefetch 1), so a killed worker's task is redone by another and its effect lands once. With
Redis, a message taken by a worker that vanished entirely returns after the broker's
`visibility_timeout`. A task that asks to be retried (a rotation held by another worker) is sent
again with a countdown, and its message acknowledged. Payloads are JSON with names and ids only,
plus the rotation `policy` the sender's settings give for the leak's exposure: the worker's own
settings are not what the operator of `serve` or of the sweep chose.
The webhook receiver's `push` and `workflow_run` jobs are tasks here too, so `serve --broker`
hands its stored jobs to these workers, and they run under the same time budget as `serve`'s own
(`serve.job_budget_seconds`, leakward/queues/budget.py): in a child process, killed with what it
started once the budget is spent, whatever the pool. Such a job fails with a log line that says
why and is not tried again (it would only be stopped again); one whose child died is tried once
more, in a fresh child.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

# Celery ships no type information; its objects are Any here.
from urllib.parse import urlsplit, urlunsplit

from celery import Celery, Task

from leakward.queues.budget import BudgetExceededError, TimeBudget, WorkerLostError
from leakward.queues.work import TaskOutcome, Work
from leakward.settings.work import WorkSettings

log = logging.getLogger(__name__)
SETTINGS_KEY = "leakward_settings"
# Publishing survives a broker restart of a few seconds instead of failing the sweep.
PUBLISH_RETRY = {"max_retries": 60, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 2}


# The webhook receiver's jobs: one push, one run's logs. A sweep's scan_repo may rightly take
# far longer than one push, so it has no budget here.
BUDGETED = ("push", "workflow_run")
# Deliveries of a budgeted job whose child process died (killed, out of memory) before it fails.
LOST_RETRIES = 1


# Kombu's expiry of the lock a Redis worker holds while it puts timed-out messages back.
KOMBU_RESTORE_LOCK_SECONDS = 300


def _restore_options(queue: str, visibility_timeout: float) -> dict[str, object]:
    """Where a worker keeps the messages it has taken but not acknowledged, and how long the
    lock it holds while putting timed-out ones back may outlive a killed worker.

    Kombu's defaults keep them, and that lock, under fixed keys shared by the whole Redis
    database: a worker with a short visibility timeout re-queues other queues' running tasks,
    and a worker SIGKILLed while holding the lock stops every worker on that Redis from
    restoring anything for five minutes, far past a short visibility timeout (this is what
    made the killed-worker tests flaky under load). Per queue, and the lock lives no longer
    than the visibility timeout: one that expires mid-restore risks only a duplicate delivery,
    which the tasks deduplicate. Only consumers use these keys; a message a worker that died
    before an upgrade had taken stays under the old keys."""
    return {
        "unacked_key": f"{queue}.unacked",
        "unacked_index_key": f"{queue}.unacked_index",
        "unacked_mutex_key": f"{queue}.unacked_mutex",
        "unacked_mutex_expire": max(1, int(min(KOMBU_RESTORE_LOCK_SECONDS, visibility_timeout))),
    }


def make_app(
    broker: str,
    settings: WorkSettings,
    work: Work | None = None,
    *,
    queue: str = "leakward",
    visibility_timeout: float = 3600.0,
    job_budget: float | None = None,
) -> Celery:
    """A Celery app on `broker` whose tasks work with `settings` (no result backend).

    A worker hands in the `work` its tasks run; a sender, which only queues tasks by name,
    needs none. The tasks run with the credentials of `settings.environ` (the worker's own
    environment); only the rest of the settings goes into the app's configuration. With
    `job_budget`, the BUDGETED kinds run in a child process stopped after that many seconds."""
    app = Celery("leakward", broker=broker, set_as_current=False)
    transport: dict[str, object] = {
        "visibility_timeout": visibility_timeout,
        **_restore_options(queue, visibility_timeout),
    }
    if visibility_timeout < 60:
        # Look for messages of vanished workers often enough for a short timeout to matter.
        transport |= {"unacked_restore_interval": 1.0, "unacked_restore_throttle": 1}
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        task_publish_retry=True,
        task_publish_retry_policy=PUBLISH_RETRY,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        broker_transport_options=transport,
        task_default_queue=queue,
        worker_hijack_root_logger=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
    )
    app.conf[SETTINGS_KEY] = settings.to_json()
    if work is not None:
        for kind in work.kinds:
            budget = None
            if job_budget is not None and kind in BUDGETED:
                budget = TimeBudget(job_budget, work.preload)
            _register(app, kind, work, settings.environ, budget)
    return app


def task_name(kind: str) -> str:
    return f"leakward.{kind}"


def _register(
    app: Celery, kind: str, work: Work, environ: Mapping[str, str], budget: TimeBudget | None
) -> None:
    def run(task: Task, payload: dict[str, object]) -> dict[str, object]:
        settings = WorkSettings.from_json(dict(task.app.conf[SETTINGS_KEY]), environ)
        if budget is None:
            outcome = work.perform(kind, payload, settings)
        else:
            outcome = _within(budget, task, kind, payload, work, settings)
        queue = CeleryQueue(task.app)
        for follow_kind, follow_payload in outcome.follow_ups:
            queue.enqueue(follow_kind, follow_payload)
        if outcome.is_retry:
            # A countdown longer than the visibility timeout would have Redis hand the waiting
            # message to a second worker too; keep well under it.
            limit = 0.5 * float(task.app.conf.broker_transport_options["visibility_timeout"])
            countdown = work.retry_delay(int(task.request.retries), max(limit, 0.5))
            log.info(
                "%s %s: rotation %s is held by another worker; trying again in %.1f s",
                kind,
                payload.get("issued_key_id"),
                outcome.summary.get("rotation_id"),
                countdown,
            )
            raise task.retry(countdown=countdown)
        return outcome.summary

    # No retry limit (Celery's default is 3): a task asks to be retried only while another
    # worker holds its rotation, and that ends when the rotation does or the holder's lease ends.
    app.task(
        name=task_name(kind),
        bind=True,
        acks_late=True,
        reject_on_worker_lost=True,
        max_retries=None,
        # Failed on purpose, with our own log line: Celery records it without a traceback.
        throws=(BudgetExceededError,),
    )(run)


def _within(
    budget: TimeBudget,
    task: Task,
    kind: str,
    payload: dict[str, object],
    work: Work,
    settings: WorkSettings,
) -> TaskOutcome:
    """`work.perform` in the budget's child process; a job past its budget fails (raises), one
    whose child died is delivered once more."""
    label = f"{kind} job of {str(payload.get('repository'))[:200]}"
    try:
        return budget.run(work.perform, (kind, payload, settings))
    except BudgetExceededError as error:
        log.error("%s failed: %s; retrying cannot fix it", label, error)
        raise
    except WorkerLostError:
        retries = int(task.request.retries)
        if retries >= LOST_RETRIES:
            log.error("%s failed: its process died %d times", label, retries + 1)
            raise
        log.warning("%s: its process died; trying it once more", label)
        raise task.retry(countdown=1.0, max_retries=LOST_RETRIES) from None


class CeleryQueue:
    """The `Queue` protocol over a Celery app: one message per task, JSON, no secrets."""

    def __init__(self, app: Celery) -> None:
        self.app = app
        self.settings = WorkSettings.from_json(dict(app.conf[SETTINGS_KEY]))

    def enqueue(self, kind: str, payload: dict[str, object]) -> None:
        """Send one task; one with no `policy` yet gets this sender's for its exposure."""
        if "policy" not in payload:
            is_public = payload.get("is_public") is True
            payload = {**payload, "policy": self.settings.policy_for(is_public)}
        self.app.send_task(task_name(kind), args=(payload,))

    @property
    def display_broker(self) -> str:
        """The broker URL with any password masked, for messages."""
        return masked_url(str(self.app.conf.broker_url))


def masked_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.password:
        return url
    user = f"{parts.username}:" if parts.username else ":"
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}***@{host}{port}"))
