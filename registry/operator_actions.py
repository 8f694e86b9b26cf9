"""The operator action log: every retry, approval or alert dismissal a person asked for, with
who and when.

Stage: registry. Written by `leakward/response/rotation_actions.py` for the dashboard and the
`leakward rotations` commands alike, and by registry/usage_alerts.py for dismissals (dashboard
and `leakward watch dismiss`); read by the dashboard's rotation and usage alert pages. Nothing
here is a secret: a name, a channel, an action word, a rotation id and the outcome's status text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from leakward.registry.models import OperatorActionRow, utc_now

ACTOR_CHARS = 200
OUTCOME_CHARS = 500


@dataclass(frozen=True, slots=True)
class OperatorAction:
    id: int
    at: datetime
    actor: str
    channel: str
    action: str
    rotation_id: int | None
    outcome: str


def record_action(
    bind: Engine | Connection,
    *,
    actor: str,
    channel: str,
    action: str,
    rotation_id: int | None,
    outcome: str,
) -> OperatorAction:
    """Store one action; long texts are cut to their column (a proxy header may be long). Given a
    connection inside a transaction, the action commits (or rolls back) with that transaction."""
    with Session(bind, expire_on_commit=False) as session, session.begin():
        row = OperatorActionRow(
            at=utc_now(),
            actor=actor[:ACTOR_CHARS],
            channel=channel,
            action=action,
            rotation_id=rotation_id,
            outcome=outcome[:OUTCOME_CHARS],
        )
        session.add(row)
        session.flush()
        return _value(row)


def list_actions(
    engine: Engine,
    *,
    rotation_id: int | None = None,
    action: str | None = None,
    newest_first: bool = False,
    limit: int | None = None,
) -> list[OperatorAction]:
    """Actions oldest first (`newest_first`: the other way), of one rotation or one kind of
    action if given; `limit`: only that many."""
    order = OperatorActionRow.id.desc() if newest_first else OperatorActionRow.id
    query = select(OperatorActionRow).order_by(order).limit(limit)
    if rotation_id is not None:
        query = query.where(OperatorActionRow.rotation_id == rotation_id)
    if action is not None:
        query = query.where(OperatorActionRow.action == action)
    with Session(engine) as session:
        return [_value(row) for row in session.scalars(query)]


def _value(row: OperatorActionRow) -> OperatorAction:
    return OperatorAction(
        row.id, row.at, row.actor, row.channel, row.action, row.rotation_id, row.outcome
    )
