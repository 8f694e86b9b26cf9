"""Webhook deliveries the receiver accepted (replay protection)

Revision ID: 0003_webhook_deliveries
Revises: 0002
Create Date: 2026-11-24

One row per `X-GitHub-Delivery` id, pruned after a retention period by the receiver itself.
Columns are spelled out here, as in 0001; the import below only registers the model on the
shared metadata, so comparing the models with the migrated schema sees this table too.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import leakward.registry.webhook_deliveries  # noqa: F401 - registers the model on Base.metadata

revision: str = "0003_webhook_deliveries"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "webhook_deliveries",
        sa.Column("delivery_id", sa.String(length=100), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("delivery_id"),
    )
    op.create_index(
        "ix_webhook_deliveries_received_at", "webhook_deliveries", ["received_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_received_at", table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
