"""Sweep state: ref tips scanned per repository, and done tasks for deduplication

Revision ID: 0004_sweep_state
Revises: 0003_webhook_deliveries
Create Date: 2026-11-24

`swept_repositories` keeps the ref tips an org sweep scanned last, so the next sweep scans only
new objects; `done_tasks` holds the dedupe key of every finished queued task, written in the
same transaction as the task's effect, so a redelivered task changes nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# The models live outside registry/models.py; importing them here puts their tables in the
# metadata that autogenerate and the models-versus-migrations test compare against.
import leakward.registry.sweep_state  # noqa: F401

revision: str = "0004_sweep_state"
down_revision: str | None = "0003_webhook_deliveries"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "swept_repositories",
        sa.Column("repository", sa.String(length=300), nullable=False),
        sa.Column("tips", sa.JSON(), nullable=False),
        sa.Column("swept_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("logs_swept_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("repository"),
    )
    op.create_table(
        "done_tasks",
        sa.Column("dedupe_key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("dedupe_key"),
    )


def downgrade() -> None:
    op.drop_table("done_tasks")
    op.drop_table("swept_repositories")
