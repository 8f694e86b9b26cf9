"""Who retried or approved which rotation, and when: the operator action log

Revision ID: 0012_operator_actions
Revises: 0010_registry_meta
Create Date: 2026-12-06

The dashboard in `leakward serve` and `leakward rotations retry|approve` change rotations on a
person's word; every such action is recorded here. `rotation_id` is a plain column, not a foreign
key: the record of an action outlives a rotation deleted with its key.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012_operator_actions"
down_revision: str | None = "0011_webhook_merges"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "operator_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("rotation_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_operator_actions_rotation", "operator_actions", ["rotation_id"])


def downgrade() -> None:
    op.drop_index("ix_operator_actions_rotation", table_name="operator_actions")
    op.drop_table("operator_actions")
