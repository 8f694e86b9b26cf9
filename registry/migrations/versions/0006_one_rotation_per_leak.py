"""Rotations: at most one per (key, leak)

Revision ID: 0006_one_rotation_per_leak
Revises: 0005_key_attributes
Create Date: 2026-11-22

The per-key lock (`active_key_id`) is released when a rotation finishes, so a worker that looked
for an existing rotation before another worker started and finished one could start a second
rotation of the same leak. A unique (issued_key_id, leak_id) makes that insert fail, and the
loser reads the winner's row. Rotations started by hand have no leak, and NULLs never collide.
"""

from __future__ import annotations

from alembic import op

revision: str = "0006_one_rotation_per_leak"
down_revision: str | None = "0005_key_attributes"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("rotations", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_rotations_key_leak", ["issued_key_id", "leak_id"])


def downgrade() -> None:
    with op.batch_alter_table("rotations", schema=None) as batch_op:
        batch_op.drop_constraint("uq_rotations_key_leak", type_="unique")
