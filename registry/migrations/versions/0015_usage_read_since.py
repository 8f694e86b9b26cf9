"""Usage cursors keep the first bucket the watch ever read

Revision ID: 0015_usage_read_since
Revises: 0014_usage_alert_claims
Create Date: 2026-12-07

A key issued after the watch began and never seen in its history was unused from its issue to
its first record, and is judged from its issue date. The watch inferred how far back it had read
from the oldest stored bucket, which a pruned history or a quiet poll put too late, so such keys
went unjudged. Cursors saved before this column stay NULL: the watch infers as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0015_usage_read_since"
down_revision: str | None = "0014_usage_alert_claims"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("usage_cursors") as batch:
        batch.add_column(sa.Column("read_since", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("usage_cursors") as batch:
        batch.drop_column("read_since")
