"""Webhook jobs: the work an accepted delivery asked for, kept until it is done

Revision ID: 0009_webhook_jobs
Revises: 0008_rotation_replacement_state
Create Date: 2026-11-25

The receiver claimed a delivery id here and then queued its job in memory only: a `serve`
killed after answering 202 lost the job, and the claim then refused GitHub's redelivery.
`webhook_jobs` holds each job (kind and a JSON payload of names and ids, never a secret), written
in the claim's transaction, with its state, attempts, next due time and the worker lease.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import leakward.registry.webhook_deliveries  # noqa: F401 - registers the model on Base.metadata

revision: str = "0009_webhook_jobs"
down_revision: str | None = "0008_rotation_replacement_state"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "webhook_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.String(length=100), nullable=True),
        sa.Column("dedupe", sa.String(length=300), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("busy_retries", sa.Integer(), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe", name="uq_webhook_jobs_dedupe"),
    )
    op.create_index("ix_webhook_jobs_state", "webhook_jobs", ["state"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_webhook_jobs_state", table_name="webhook_jobs")
    op.drop_table("webhook_jobs")
