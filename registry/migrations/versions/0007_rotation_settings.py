"""Rotations: the leaked key's settings to copy, recorded before the key can be destroyed

Revision ID: 0007_rotation_settings
Revises: 0006_one_rotation_per_leak
Create Date: 2026-11-23

`rotations.settings` holds, as a JSON object, the leaked key's non-secret settings that its
replacement must copy (SendGrid scopes, Google API key restrictions, a deploy key's read_only …),
read by the pipeline before any step that can delete the key, so a revoke-first rotation can
still issue a replacement no broader than the leak. NULL until read; existing rows stay NULL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007_rotation_settings"
down_revision: str | None = "0006_one_rotation_per_leak"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("rotations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("settings", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rotations", schema=None) as batch_op:
        batch_op.drop_column("settings")
