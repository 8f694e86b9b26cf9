"""Rotations: the replacement's expiry and whether it was made current, as columns

Revision ID: 0008_rotation_replacement_state
Revises: 0007_rotation_settings
Create Date: 2026-11-23

The pipeline read both back out of the `actions` text ("replacement (no public id) issued,
expires at …", "replacement tested and made current"). `new_key_expires_at` holds the expiry the
provider gave for the current replacement and `is_replaced` says it was tested and made current.
Existing rows are filled from their actions once, here, so nothing parses that text afterwards.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008_rotation_replacement_state"
down_revision: str | None = "0007_rotation_settings"
branch_labels: str | None = None
depends_on: str | None = None

_ISSUED_WITHOUT_ID = "replacement (no public id) issued"
_EXPIRES_AT = ", expires at "
_REPLACED = "replacement tested and made current"


def upgrade() -> None:
    with op.batch_alter_table("rotations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("new_key_expires_at", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("is_replaced", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    rotations = sa.table(
        "rotations",
        sa.column("id", sa.Integer()),
        sa.column("new_key_id", sa.String()),
        sa.column("actions", sa.JSON()),
        sa.column("new_key_expires_at", sa.String()),
        sa.column("is_replaced", sa.Boolean()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(rotations.c.id, rotations.c.new_key_id, rotations.c.actions)
    )
    for rotation_id, new_key_id, actions in rows.all():
        actions = actions or []
        issued = [a for a in actions if a.startswith(_ISSUED_WITHOUT_ID)]
        expiry = issued[-1].partition(_EXPIRES_AT)[2] if issued and new_key_id is None else ""
        changes = {"is_replaced": _REPLACED in actions, "new_key_expires_at": expiry or None}
        if changes["is_replaced"] or expiry:
            connection.execute(
                rotations.update().where(rotations.c.id == rotation_id).values(**changes)
            )


def downgrade() -> None:
    with op.batch_alter_table("rotations", schema=None) as batch_op:
        batch_op.drop_column("is_replaced")
        batch_op.drop_column("new_key_expires_at")
