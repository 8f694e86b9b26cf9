"""Webhook deliveries already accepted, and the durable jobs they asked for.

Stage: registry. One row per `X-GitHub-Delivery` id the receiver accepted, so a replayed or
redelivered one is not worked twice. The table is bounded: rows older than the retention (GitHub
lets a delivery be redelivered for a few days) are pruned as new ones arrive. Claiming is an
INSERT against the primary key, so two receiver processes on one database cannot both accept the
same delivery.

The job a delivery asks for (kind plus a JSON payload of names and ids, never a secret) is stored
in the same transaction as the claim: a receiver killed after answering 202 finds it again on
start, where an in-memory queue would lose it while the claim refused GitHub's redelivery. A job
stays `pending` until its work finished (`done`) or cannot finish (`failed`); a worker takes one
under a lease named `host:pid:random`, so a killed worker's job is taken over at once on this
host (see rotators/rotation/locks.py) and after the lease expires elsewhere.

A delivery may name a `Merge`: work that extends a pending job nobody has taken yet (the next
push to a branch whose last push still waits) is merged into that job instead of stored as one
more. Its delivery row still records its content, so a replay of it is a duplicate. A job
stored past the receiver's queue limit is flagged `is_backlog` and taken after the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Engine,
    Integer,
    String,
    UniqueConstraint,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy import false as sa_false
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from leakward.registry.models import Base, UtcDateTime, utc_now

# GitHub keeps deliveries redeliverable for 3 days; a week leaves room for a slow operator.
RETENTION = timedelta(days=7)
JOB_STATES = ("pending", "done", "failed")
# Pending jobs looked at for a merge: the newest few of the key (one is the usual case).
MERGE_CANDIDATES = 5


class WebhookDeliveryRow(Base):
    __tablename__ = "webhook_deliveries"
    # The same work under another delivery id is a duplicate, even once merged into a job.
    __table_args__ = (UniqueConstraint("content", name="uq_webhook_deliveries_content"),)

    delivery_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    event: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    content: Mapped[str | None] = mapped_column(String(300))


class WebhookJobRow(Base):
    __tablename__ = "webhook_jobs"
    # A follow-up (a busy rotation tried again) is queued once however often it is found busy.
    __table_args__ = (UniqueConstraint("dedupe", name="uq_webhook_jobs_dedupe"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[str | None] = mapped_column(String(100))  # None for a follow-up
    dedupe: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, object]] = mapped_column(JSON)  # names and ids, never a secret
    state: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # counted when a worker takes it
    busy_retries: Mapped[int] = mapped_column(Integer, default=0)  # not counted as attempts
    not_before: Mapped[datetime] = mapped_column(UtcDateTime())
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(String(200))  # an error type, no message
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    merge_key: Mapped[str | None] = mapped_column(String(300), index=True)
    merges: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_backlog: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


Row = WebhookDeliveryRow
Job = WebhookJobRow


@dataclass(frozen=True, slots=True)
class StoredJob:
    id: int
    kind: str
    payload: dict[str, object]
    state: str
    attempts: int
    busy_retries: int
    delivery_id: str | None
    last_error: str | None
    merges: int = 0
    is_backlog: bool = False


@dataclass(frozen=True, slots=True)
class Merge:
    """How a delivery's work may join a pending job: jobs with the same `key`, not yet taken
    by a worker, are offered to `extend`, which answers the joined payload or None (it does not
    follow on from that job's work)."""

    key: str
    extend: Callable[[dict[str, object]], dict[str, object] | None]


@dataclass(frozen=True, slots=True)
class Stored:
    """Where an accepted delivery's work went: job `job_id`, new or (`is_merged`) extended."""

    job_id: int
    is_merged: bool = False


class DeliveryLog:
    """Which delivery ids were accepted, and their jobs, in the registry database."""

    def __init__(self, engine: Engine, retention: timedelta = RETENTION) -> None:
        self._engine = engine
        self._retention = retention

    def accept(
        self,
        delivery_id: str,
        event: str,
        job: tuple[str, dict[str, object]],
        now: datetime | None = None,
        *,
        dedupe: str | None = None,
        merge: Merge | None = None,
        is_backlog: bool = False,
    ) -> Stored | None:
        """Claim `delivery_id` and store its `(kind, payload)` job, or merge it into a pending
        one (`merge`), in one transaction.

        None if the delivery was already accepted (a replay or redelivery), or a delivery or a
        job with the same `dedupe` key was (the same work under another delivery id).
        """
        moment = now or utc_now()
        try:
            with self._engine.begin() as connection:
                old = moment - self._retention
                connection.execute(delete(Row).where(Row.received_at < old))
                connection.execute(delete(Job).where(Job.state != "pending", Job.created_at < old))
                connection.execute(
                    insert(Row).values(
                        delivery_id=delivery_id, event=event, received_at=moment, content=dedupe
                    )
                )
                merged = _merge(connection, merge) if merge is not None else None
                if merged is not None:
                    return Stored(merged, is_merged=True)
                kind, payload = job
                values = _new_job(kind, payload, moment) | {
                    "delivery_id": delivery_id,
                    "dedupe": dedupe,
                    "merge_key": merge.key if merge is not None else None,
                    "is_backlog": is_backlog,
                }
                inserted = connection.execute(insert(Job).values(**values)).inserted_primary_key
                return Stored(int(inserted[0]) if inserted else 0)
        except IntegrityError:
            return None

    def add(
        self, kind: str, payload: dict[str, object], *, dedupe: str, not_before: datetime
    ) -> bool:
        """Store a follow-up job; False if one with the same `dedupe` key exists already."""
        values = _new_job(kind, payload, utc_now()) | {"dedupe": dedupe, "not_before": not_before}
        try:
            with self._engine.begin() as connection:
                connection.execute(insert(Job).values(**values))
        except IntegrityError:
            return False
        return True

    def take(
        self, worker: str, *, lease: timedelta, is_stale: Callable[[str], bool]
    ) -> StoredJob | None:
        """The next due pending job, leased to `worker` with its attempt counted; None if none.

        A job leased to a worker that died (per `is_stale`) or whose lease expired is due too.
        """
        now = utc_now()
        with self._engine.connect() as connection:
            candidates = connection.execute(
                select(Job.id, Job.lease_owner, Job.lease_expires_at)
                .where(Job.state == "pending", Job.not_before <= now)
                .order_by(Job.is_backlog, Job.not_before, Job.id)
                .limit(20)
            ).all()
        for job_id, holder, expires in candidates:
            is_free = holder is None or (expires is not None and expires < now)
            if not is_free and holder not in (None, worker) and not is_stale(str(holder)):
                continue
            with self._engine.begin() as connection:
                taken = connection.execute(
                    update(Job)
                    .where(
                        Job.id == job_id,
                        Job.state == "pending",
                        Job.lease_owner.is_not_distinct_from(holder),
                    )
                    .values(
                        lease_owner=worker,
                        lease_expires_at=now + lease,
                        attempts=Job.attempts + 1,
                    )
                )
            if taken.rowcount == 1:
                return self.get(job_id)
        return None

    def finish(self, job_id: int, state: str, error: str | None = None) -> None:
        """End a job: `done`, or `failed` (kept, with the error type, for an operator)."""
        values = {"state": state, "finished_at": utc_now(), "lease_owner": None}
        self._set(job_id, values | {"lease_expires_at": None, "last_error": error})

    def postpone(
        self, job_id: int, not_before: datetime, error: str | None = None, *, is_busy: bool = False
    ) -> None:
        """Free the job to be taken again at `not_before`. A busy job gives its attempt back."""
        values: dict[str, object] = {"not_before": not_before, "last_error": error}
        if is_busy:
            values |= {"attempts": Job.attempts - 1, "busy_retries": Job.busy_retries + 1}
        self._set(job_id, values | {"lease_owner": None, "lease_expires_at": None})

    def get(self, job_id: int) -> StoredJob:
        with Session(self._engine) as session:
            return _stored(session.scalars(select(Job).where(Job.id == job_id)).one())

    def list_jobs(self, state: str | None = None) -> list[StoredJob]:
        query = select(Job).order_by(Job.id)
        if state is not None:
            query = query.where(Job.state == state)
        with Session(self._engine) as session:
            return [_stored(row) for row in session.scalars(query)]

    def pending(self) -> int:
        """Jobs accepted and not yet done or failed: waiting, running or due for a retry."""
        with self._engine.connect() as connection:
            count = connection.execute(
                select(func.count()).select_from(Job).where(Job.state == "pending")
            ).scalar_one()
        return int(count)

    def next_due(self) -> datetime | None:
        """When the earliest pending job is due (it may be leased to a worker now)."""
        with self._engine.connect() as connection:
            return connection.execute(
                select(func.min(Job.not_before)).where(Job.state == "pending")
            ).scalar_one_or_none()

    def _set(self, job_id: int, values: dict[str, object]) -> None:
        with self._engine.begin() as connection:
            connection.execute(update(Job).where(Job.id == job_id).values(**values))


def _merge(connection: Connection, merge: Merge) -> int | None:
    """Extend a pending job of `merge.key` that no worker has taken; its id, or None."""
    untaken = (Job.state == "pending", Job.lease_owner.is_(None), Job.attempts == 0)
    candidates = connection.execute(
        select(Job.id, Job.payload, Job.merges)
        .where(Job.merge_key == merge.key, *untaken)
        .order_by(Job.id.desc())
        .limit(MERGE_CANDIDATES)
    ).all()
    for job_id, payload, merges in candidates:
        extended = merge.extend(dict(payload))
        if extended is None:
            continue
        # `merges` unchanged and still untaken: a worker that took the job meanwhile, or
        # another delivery merged first, makes this update miss and the delivery a job of
        # its own.
        changed = connection.execute(
            update(Job)
            .where(Job.id == job_id, Job.merges == merges, *untaken)
            .values(payload=extended, merges=merges + 1)
        )
        if changed.rowcount == 1:
            return int(job_id)
    return None


def _new_job(kind: str, payload: dict[str, object], moment: datetime) -> dict[str, object]:
    return {
        "kind": kind,
        "payload": payload,
        "state": "pending",
        "attempts": 0,
        "busy_retries": 0,
        "not_before": moment,
        "created_at": moment,
    }


def _stored(row: WebhookJobRow) -> StoredJob:
    return StoredJob(
        id=row.id,
        kind=row.kind,
        payload=dict(row.payload),
        state=row.state,
        attempts=row.attempts,
        busy_retries=row.busy_retries,
        delivery_id=row.delivery_id,
        last_error=row.last_error,
        merges=row.merges,
        is_backlog=row.is_backlog,
    )
