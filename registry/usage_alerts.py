"""Usage alerts: one row per episode of a key used unlike itself, and what became of it.

Stage: registry. `leakward watch` records each alert the model raises here; an alert seen again
by a later poll (its buckets overlapping or touching the stored episode's) extends the stored row
instead of adding one, so re-polls never duplicate an episode. The hand-off to rotation marks the
alert `handed-off` with the leak and rotation it made; an operator may mark it `dismissed`
(`dismiss_alert`, written to the operator action log with who said so, in the same transaction).
Several watchers may share one registry (`leakward watch` beside `leakward serve`'s job): the one
that claims an open alert (`claim_alert`, a lease) hands it off, so its owner is told once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, Row, Table, func, select, update

from leakward.core.errors import RegistryError, UsageError
from leakward.registry.models import USAGE_ALERT_STATES, UsageAlertRow, utc_now
from leakward.registry.operator_actions import record_action
from leakward.registry.upsert import insert_for

ALERTS: Table = UsageAlertRow.__table__  # type: ignore[assignment]
DISMISS = "dismiss-alert"  # the operator action log's word for it


@dataclass(frozen=True, slots=True)
class UsageAlert:
    """A stored alert: one episode of one key, and what its hand-off made of it."""

    id: int
    provider: str
    key_id: str
    start: int
    end: int
    score: float
    reason: str
    state: str  # open, handed-off, dismissed
    created_at: datetime
    updated_at: datetime
    leak_id: int | None
    rotation_id: int | None


@dataclass(frozen=True, slots=True)
class AlertUpdate:
    """The stored alert after recording one the model raised, and whether it is a new episode."""

    alert: UsageAlert
    is_new: bool


def record_alert(
    connection: Connection,
    *,
    provider: str,
    key_id: str,
    start: int,
    end: int,
    score: float,
    reason: str,
) -> AlertUpdate:
    """Store an alert, or extend the stored episode it continues (buckets overlapping or
    touching). An extended episode keeps its start, its state and its highest score; the reason
    follows the higher score."""
    episode = _episode(connection, provider, key_id, start, end)
    if episode is None:
        statement = insert_for(connection.dialect.name, ALERTS).values(
            provider=provider,
            key_id=key_id,
            bucket_start=start,
            bucket_end=end,
            score=score,
            reason=reason,
            state="open",
            created_at=utc_now(),
            updated_at=utc_now(),
        )
        # Another poll recording the same episode at once: its row wins, and is extended below.
        inserted = connection.execute(statement.on_conflict_do_nothing())
        if inserted.rowcount:
            return AlertUpdate(_alert_where(connection, provider, key_id, start), is_new=True)
        episode = _episode(connection, provider, key_id, start, end)
        if episode is None:  # pragma: no cover - the conflicting row exists by definition
            raise RegistryError("a usage alert vanished while it was recorded", hint="retry")
    changes: dict[str, object] = {
        "bucket_start": min(episode.start, start),
        "bucket_end": max(episode.end, end),
        "updated_at": utc_now(),
    }
    if score > episode.score:
        changes |= {"score": score, "reason": reason}
    connection.execute(update(ALERTS).where(ALERTS.c.id == episode.id).values(**changes))
    return AlertUpdate(_alert_by_id(connection, episode.id), is_new=False)


def _episode(
    connection: Connection, provider: str, key_id: str, start: int, end: int
) -> UsageAlert | None:
    query = (
        select(ALERTS)
        .where(ALERTS.c.provider == provider, ALERTS.c.key_id == key_id)
        .where(ALERTS.c.bucket_start <= end, ALERTS.c.bucket_end >= start)
        .order_by(ALERTS.c.bucket_start)
        .limit(1)
    )
    row = connection.execute(query).first()
    return None if row is None else _alert(row)


def _alert_where(connection: Connection, provider: str, key_id: str, start: int) -> UsageAlert:
    query = select(ALERTS).where(
        ALERTS.c.provider == provider, ALERTS.c.key_id == key_id, ALERTS.c.bucket_start == start
    )
    return _alert(connection.execute(query).one())


def _alert_by_id(connection: Connection, alert_id: int) -> UsageAlert:
    row = connection.execute(select(ALERTS).where(ALERTS.c.id == alert_id)).first()
    if row is None:
        raise RegistryError(
            f"no usage alert {alert_id} in the registry",
            hint="list usage alerts with: leakward watch alerts --state all",
        )
    return _alert(row)


def _alert(row: Row[tuple[object, ...]]) -> UsageAlert:
    values = row._mapping
    return UsageAlert(
        id=values["id"],
        provider=values["provider"],
        key_id=values["key_id"],
        start=int(values["bucket_start"]),
        end=int(values["bucket_end"]),
        score=float(values["score"]),
        reason=values["reason"],
        state=values["state"],
        created_at=values["created_at"],
        updated_at=values["updated_at"],
        leak_id=values["leak_id"],
        rotation_id=values["rotation_id"],
    )


def list_alerts(
    connection: Connection,
    *,
    state: str | None = None,
    provider: str | None = None,
    newest_first: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[UsageAlert]:
    """Stored alerts, oldest episode first (`newest_first`: the other way); `limit` and
    `offset` take one page, read by the database."""
    columns = (ALERTS.c.bucket_start, ALERTS.c.id)
    order = [column.desc() if newest_first else column.asc() for column in columns]
    query = select(ALERTS).order_by(*order).limit(limit).offset(offset)
    if state is not None:
        query = query.where(ALERTS.c.state == check_alert_state(state))
    if provider is not None:
        query = query.where(ALERTS.c.provider == provider)
    return [_alert(row) for row in connection.execute(query)]


def count_alerts(connection: Connection, *, state: str | None = None) -> int:
    """How many alerts (in `state`) are stored, counted by the database."""
    query = select(func.count()).select_from(ALERTS)
    if state is not None:
        query = query.where(ALERTS.c.state == check_alert_state(state))
    return int(connection.execute(query).scalar_one())


def mark_alert(
    connection: Connection,
    alert_id: int,
    state: str,
    *,
    leak_id: int | None = None,
    rotation_id: int | None = None,
) -> UsageAlert:
    """Set an alert's state, with the leak and rotation its hand-off made (kept if None)."""
    changes: dict[str, object] = {"state": check_alert_state(state), "updated_at": utc_now()}
    if leak_id is not None:
        changes["leak_id"] = leak_id
    if rotation_id is not None:
        changes["rotation_id"] = rotation_id
    connection.execute(update(ALERTS).where(ALERTS.c.id == alert_id).values(**changes))
    return _alert_by_id(connection, alert_id)


def claim_alert(connection: Connection, alert_id: int, *, now: int, lease_seconds: int) -> bool:
    """Take an open alert for one watcher's hand-off until `now + lease_seconds`; False when it is
    no longer open or another watcher's lease has not run out. One UPDATE decides, so of two
    watchers claiming at once exactly one wins. A watcher that dies holding a lease delays the
    hand-off by the lease, never loses it."""
    claimable = (ALERTS.c.claimed_until.is_(None)) | (ALERTS.c.claimed_until <= now)
    claimed = connection.execute(
        update(ALERTS)
        .where(ALERTS.c.id == alert_id, ALERTS.c.state == "open", claimable)
        .values(claimed_until=now + lease_seconds)
    )
    return claimed.rowcount == 1


def release_alert(connection: Connection, alert_id: int) -> None:
    """Give a claimed alert back (its hand-off failed or left it open): the next poll, this
    watcher's or another's, takes it at once."""
    connection.execute(update(ALERTS).where(ALERTS.c.id == alert_id).values(claimed_until=None))


def dismiss_alert(engine: Engine, alert_id: int, *, actor: str, channel: str) -> UsageAlert:
    """Mark an alert as the owner's own use, and log who said so, in one transaction: no dismissal
    goes unlogged. A refusal (no such alert) is logged too, then raised. The log names the
    alert's rotation, if it started one, so the rotation's page shows that its alert was
    dismissed."""
    try:
        with engine.begin() as connection:
            alert = mark_alert(connection, alert_id, "dismissed")
            outcome = (
                f"usage alert {alert.id} ({alert.provider} {alert.key_id}) dismissed as own use"
            )
            record_action(
                connection,
                actor=actor,
                channel=channel,
                action=DISMISS,
                rotation_id=alert.rotation_id,
                outcome=outcome,
            )
    except RegistryError as error:
        outcome = f"refused: {error}"
        record_action(
            engine, actor=actor, channel=channel, action=DISMISS, rotation_id=None, outcome=outcome
        )
        raise
    return alert


def check_alert_state(state: str) -> str:
    if state not in USAGE_ALERT_STATES:
        raise UsageError(
            f"unknown usage alert state {state!r}", hint=f"use one of {USAGE_ALERT_STATES}"
        )
    return state
