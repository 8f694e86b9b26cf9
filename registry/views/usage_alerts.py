"""The usage alerts view: each alert the watch raised, whose key it is, and what became of it.

Stage: registry (views). Reads the alerts `leakward watch` stores (registry/usage_alerts.py),
newest episode first and one page at a time in the database, with the owner of each key the
registry knows and the status of the rotation an alert started. `leakward watch alerts` and the
dashboard's `/usage-alerts` page both read it. Public key ids and counts only: no value is ever
behind a usage alert.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, select

from leakward.registry.models import KeyRow, OwnerRow, RotationRow
from leakward.registry.store import Registry
from leakward.registry.usage_alerts import UsageAlert, count_alerts, list_alerts
from leakward.registry.views.paging import Window


@dataclass(frozen=True, slots=True)
class UsageAlertView:
    id: int
    provider: str
    key_id: str  # the provider's public key id
    owner: str | None  # the key's owner in the registry; None: the registry does not know it
    start: datetime  # UTC, the first bucket the alert covers
    end: datetime  # UTC, the end of its last bucket
    score: float
    reason: str
    state: str  # open, handed-off, dismissed
    leak_id: int | None
    rotation_id: int | None
    rotation_status: str | None  # of the rotation it started, as it stands now
    updated_at: datetime


def list_usage_alert_views(
    registry: Registry,
    *,
    state: str | None = None,
    provider: str | None = None,
    window: Window | None = None,
) -> list[UsageAlertView]:
    """Alerts (in `state`, of `provider`), newest episode first; `window`: one page of them."""
    limit, offset = (window.limit, window.offset) if window is not None else (None, 0)
    with registry.engine.connect() as connection:
        alerts = list_alerts(
            connection,
            state=state,
            provider=provider,
            newest_first=True,
            limit=limit,
            offset=offset,
        )
    owners = _owners(registry.engine, {alert.key_id for alert in alerts})
    statuses = _rotation_statuses(
        registry.engine, {alert.rotation_id for alert in alerts if alert.rotation_id is not None}
    )
    return [
        _view(
            alert,
            owners.get((alert.provider, alert.key_id)),
            statuses.get(alert.rotation_id) if alert.rotation_id is not None else None,
        )
        for alert in alerts
    ]


def count_usage_alerts(registry: Registry, *, state: str | None = None) -> int:
    """How many alerts (in `state`) the watch has stored."""
    with registry.engine.connect() as connection:
        return count_alerts(connection, state=state)


def _owners(engine: Engine, key_ids: Collection[str]) -> dict[tuple[str, str], str]:
    """The owner of each registered key among `key_ids`, by (provider, public key id)."""
    if not key_ids:
        return {}
    query = (
        select(KeyRow.provider, KeyRow.key_id, OwnerRow.email)
        .join(OwnerRow, KeyRow.owner_id == OwnerRow.id)
        .where(KeyRow.key_id.in_(list(key_ids)))
    )
    with engine.connect() as connection:
        return {(row.provider, row.key_id): row.email for row in connection.execute(query)}


def _rotation_statuses(engine: Engine, rotation_ids: Collection[int]) -> dict[int, str]:
    if not rotation_ids:
        return {}
    query = select(RotationRow.id, RotationRow.status).where(RotationRow.id.in_(rotation_ids))
    with engine.connect() as connection:
        return {row.id: str(row.status) for row in connection.execute(query)}


def _view(alert: UsageAlert, owner: str | None, rotation_status: str | None) -> UsageAlertView:
    return UsageAlertView(
        id=alert.id,
        provider=alert.provider,
        key_id=alert.key_id,
        owner=owner,
        start=datetime.fromtimestamp(alert.start, UTC),
        end=datetime.fromtimestamp(alert.end, UTC),
        score=alert.score,
        reason=alert.reason,
        state=alert.state,
        leak_id=alert.leak_id,
        rotation_id=alert.rotation_id,
        rotation_status=rotation_status,
        updated_at=alert.updated_at,
    )
