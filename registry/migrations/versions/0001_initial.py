"""Issued keys, owners, consumers, leaks, rotations

Revision ID: 0001
Revises: none
Create Date: 2026-11-22

The first schema. Timestamps are timezone-aware (UTC); the models read them back aware even on
SQLite. Migrations spell out their column types instead of importing the models, so later
changes to the models cannot rewrite history.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "owners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("team", sa.String(length=200), nullable=True),
        sa.Column("slack", sa.String(length=200), nullable=True),
        sa.Column("github", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email", name="uq_owners_email"),
    )
    op.create_table(
        "issued_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=200), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("hint_prefix", sa.String(length=32), nullable=True),
        sa.Column("hint_last4", sa.String(length=4), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("expires_at", _timestamp(), nullable=True),
        sa.Column("last_rotated_at", _timestamp(), nullable=True),
        sa.ForeignKeyConstraint(["owner_id"], ["owners.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fingerprint", name="uq_issued_keys_fingerprint"),
        sa.UniqueConstraint("provider", "key_id", name="uq_issued_keys_provider_key_id"),
    )
    with op.batch_alter_table("issued_keys", schema=None) as batch_op:
        batch_op.create_index("ix_issued_keys_hint", ["hint_last4", "hint_prefix"], unique=False)
        batch_op.create_index("ix_issued_keys_key_id", ["key_id"], unique=False)

    op.create_table(
        "consumers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issued_key_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("locator", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(["issued_key_id"], ["issued_keys.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "issued_key_id", "kind", "locator", name="uq_consumers_key_kind_locator"
        ),
    )
    op.create_table(
        "leaks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=True),
        sa.Column("rule_id", sa.String(length=200), nullable=True),
        sa.Column("key_id", sa.String(length=200), nullable=True),
        sa.Column("hint_prefix", sa.String(length=32), nullable=True),
        sa.Column("hint_last4", sa.String(length=4), nullable=True),
        sa.Column("source_kind", sa.String(length=32), nullable=False),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("first_seen", _timestamp(), nullable=False),
        sa.Column("last_seen", _timestamp(), nullable=False),
        sa.Column("times_seen", sa.Integer(), nullable=False),
        sa.Column("leaked_at", _timestamp(), nullable=True),
        sa.Column("detected_at", _timestamp(), nullable=False),
        sa.Column("revoked_at", _timestamp(), nullable=True),
        sa.Column("issued_key_id", sa.Integer(), nullable=True),
        sa.Column("match_method", sa.String(length=16), nullable=True),
        sa.Column("match_confidence", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["issued_key_id"], ["issued_keys.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fingerprint", name="uq_leaks_fingerprint"),
    )
    with op.batch_alter_table("leaks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leaks_issued_key_id"), ["issued_key_id"], unique=False)

    op.create_table(
        "leak_locations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("leak_id", sa.Integer(), nullable=False),
        sa.Column("repository", sa.String(length=500), nullable=False),
        sa.Column("commit", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=2000), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("first_seen", _timestamp(), nullable=False),
        sa.ForeignKeyConstraint(["leak_id"], ["leaks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "leak_id", "repository", "commit", "path", "line", name="uq_leak_locations_place"
        ),
    )
    op.create_table(
        "rotations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issued_key_id", sa.Integer(), nullable=False),
        sa.Column("leak_id", sa.Integer(), nullable=True),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("policy", sa.String(length=32), nullable=False),
        sa.Column("idempotency_token", sa.String(length=100), nullable=False),
        sa.Column("new_key_id", sa.String(length=200), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("step_times", sa.JSON(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.ForeignKeyConstraint(["issued_key_id"], ["issued_keys.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["leak_id"], ["leaks.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_token", name="uq_rotations_idempotency_token"),
    )
    with op.batch_alter_table("rotations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rotations_issued_key_id"), ["issued_key_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("rotations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rotations_issued_key_id"))

    op.drop_table("rotations")
    op.drop_table("leak_locations")
    with op.batch_alter_table("leaks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leaks_issued_key_id"))

    op.drop_table("leaks")
    op.drop_table("consumers")
    with op.batch_alter_table("issued_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_issued_keys_key_id")
        batch_op.drop_index("ix_issued_keys_hint")

    op.drop_table("issued_keys")
    op.drop_table("owners")
