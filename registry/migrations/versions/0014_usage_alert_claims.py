"""Usage alerts carry the lease of the watcher handing them off

Revision ID: 0014_usage_alert_claims
Revises: 0013_usage_watch
Create Date: 2026-12-06

Two watchers on one registry (`leakward watch` beside `leakward serve`'s job) both saw an open
alert and both told its owner. The watcher that claims an alert now holds it until
`claimed_until` (epoch seconds); a watcher that dies holding it delays the hand-off by the lease.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0014_usage_alert_claims"
down_revision: str | None = "0013_usage_watch"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("usage_alerts") as batch:
        batch.add_column(sa.Column("claimed_until", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("usage_alerts") as batch:
        batch.drop_column("claimed_until")
