"""Webhook work shed under load: pushes merged into a pending job, deliveries kept by content

Revision ID: 0011_webhook_merges
Revises: 0010_registry_meta
Create Date: 2026-12-06

A push to a branch whose previous push still waits became a job of its own, and past the queue
limit a flood of them queued N scans of one branch. `webhook_jobs.merge_key` names the branch a
push job scans, `merges` counts the pushes merged into it (and guards a merge against a worker
taking the job meanwhile), and `is_backlog` marks a job stored past the limit, run after the
others. `webhook_deliveries.content` keeps what each accepted delivery asked for, so a delivery
merged into another's job is still known when its body is replayed under a new id.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011_webhook_merges"
down_revision: str | None = "0010_registry_meta"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_jobs") as jobs:
        jobs.add_column(sa.Column("merge_key", sa.String(length=300), nullable=True))
        jobs.add_column(sa.Column("merges", sa.Integer(), server_default="0", nullable=False))
        jobs.add_column(
            sa.Column("is_backlog", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        jobs.create_index("ix_webhook_jobs_merge_key", ["merge_key"], unique=False)
    with op.batch_alter_table("webhook_deliveries") as deliveries:
        deliveries.add_column(sa.Column("content", sa.String(length=300), nullable=True))
        deliveries.create_unique_constraint("uq_webhook_deliveries_content", ["content"])


def downgrade() -> None:
    with op.batch_alter_table("webhook_deliveries") as deliveries:
        deliveries.drop_constraint("uq_webhook_deliveries_content", type_="unique")
        deliveries.drop_column("content")
    with op.batch_alter_table("webhook_jobs") as jobs:
        jobs.drop_index("ix_webhook_jobs_merge_key")
        jobs.drop_column("is_backlog")
        jobs.drop_column("merges")
        jobs.drop_column("merge_key")
