"""Issued keys: public attributes that pick a rotator's path

Revision ID: 0005_key_attributes
Revises: 0004_sweep_state
Create Date: 2026-11-24

`issued_keys.attributes` holds public identifiers as a JSON object of strings (kind=project,
project_id=42, installation_id=…, service_account_id=…): what a rotator needs beyond the key id
to take the right endpoint. Never a secret: `leakward.registry.attributes` refuses names that
suggest one.
Existing rows get an empty object.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005_key_attributes"
down_revision: str | None = "0004_sweep_state"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("issued_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attributes", sa.JSON(), server_default="{}", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("issued_keys", schema=None) as batch_op:
        batch_op.drop_column("attributes")
