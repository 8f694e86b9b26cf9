"""A table of facts about the registry itself: first, the check value of its pepper

Revision ID: 0010_registry_meta
Revises: 0009_webhook_jobs
Create Date: 2026-12-06

Without it, a lost pepper file was silently replaced by a new one: every stored fingerprint
stopped matching and the same keys registered twice. The check value lets `Registry.open`
tell a missing or different pepper from a new registry.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010_registry_meta"
down_revision: str | None = "0009_webhook_jobs"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "registry_meta",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("registry_meta")
