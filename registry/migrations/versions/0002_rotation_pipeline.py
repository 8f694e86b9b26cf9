"""Rotation pipeline: status, per-key lock, resume point, orphans, approvals, worker lease

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Adds what the durable rotation state machine needs to the `rotations` table. `active_key_id`
carries a unique constraint, which is the "one unfinished rotation per key" lock; it works the
same on SQLite and PostgreSQL because NULLs (finished rotations) never collide. New NOT NULL
columns get server defaults so existing rows stay valid.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("rotations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=24), server_default="running", nullable=False)
        )
        batch_op.add_column(sa.Column("active_key_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("running_step", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("generation", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("orphan_key_ids", sa.JSON(), server_default="[]", nullable=False)
        )
        batch_op.add_column(sa.Column("delivered", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("actions", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("manual_steps", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("requires_approval", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("approved_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("lease_owner", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_unique_constraint("uq_rotations_active_key", ["active_key_id"])


def downgrade() -> None:
    with op.batch_alter_table("rotations", schema=None) as batch_op:
        batch_op.drop_constraint("uq_rotations_active_key", type_="unique")
        for column in (
            "lease_expires_at",
            "lease_owner",
            "approved_by",
            "requires_approval",
            "manual_steps",
            "actions",
            "delivered",
            "orphan_key_ids",
            "generation",
            "running_step",
            "active_key_id",
            "status",
        ):
            batch_op.drop_column(column)
