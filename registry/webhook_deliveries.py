"""Webhook deliveries already accepted, so a replayed or redelivered one is not worked twice.

Stage: registry. One row per `X-GitHub-Delivery` id the receiver queued. The table is bounded:
rows older than the retention (GitHub lets a delivery be redelivered for a few days) are pruned
as new ones arrive. Claiming is an INSERT against the primary key, so two receiver processes on
one database cannot both accept the same delivery.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, String, delete, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, UtcDateTime, utc_now

# GitHub keeps deliveries redeliverable for 3 days; a week leaves room for a slow operator.
RETENTION = timedelta(days=7)


class WebhookDeliveryRow(Base):
    __tablename__ = "webhook_deliveries"

    delivery_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    event: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


Row = WebhookDeliveryRow


class DeliveryLog:
    """Which delivery ids were accepted, in the registry database."""

    def __init__(self, engine: Engine, retention: timedelta = RETENTION) -> None:
        self._engine = engine
        self._retention = retention

    def claim(self, delivery_id: str, event: str, now: datetime | None = None) -> bool:
        """Remember `delivery_id`; False if it was already accepted (a replay or redelivery)."""
        moment = now or utc_now()
        try:
            with self._engine.begin() as connection:
                connection.execute(delete(Row).where(Row.received_at < moment - self._retention))
                connection.execute(
                    insert(Row).values(delivery_id=delivery_id, event=event, received_at=moment)
                )
        except IntegrityError:
            return False
        return True

    def release(self, delivery_id: str) -> None:
        """Forget a claim whose work could not be queued, so GitHub's redelivery is accepted."""
        with self._engine.begin() as connection:
            connection.execute(delete(Row).where(Row.delivery_id == delivery_id))
