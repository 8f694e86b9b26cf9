"""Usage watch: per-key usage buckets, a poll cursor per provider, and usage alerts

Revision ID: 0013_usage_watch
Revises: 0012_operator_actions
Create Date: 2026-12-06

`leakward watch` keeps each key's usage (one row per provider, key, bucket, width and model,
upserted because providers revise the bucket still filling), how far it has read each provider,
and one alert per episode of a key used unlike itself, with what its hand-off to rotation made
of it. Counts and public key ids only: no secret.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0013_usage_watch"
down_revision: str | None = "0012_operator_actions"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "usage_buckets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=200), nullable=False),
        sa.Column("bucket_start", sa.BigInteger(), nullable=False),
        sa.Column("bucket_width", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("requests", sa.BigInteger(), nullable=True),
        sa.Column("input_tokens", sa.BigInteger(), nullable=False),
        sa.Column("output_tokens", sa.BigInteger(), nullable=False),
        sa.Column("cached_input_tokens", sa.BigInteger(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "provider",
            "key_id",
            "bucket_start",
            "bucket_width",
            "model",
            name="uq_usage_buckets_bucket",
        ),
    )
    op.create_index("ix_usage_buckets_start", "usage_buckets", ["bucket_start"])
    op.create_table(
        "usage_cursors",
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("polled_until", sa.BigInteger(), nullable=False),
        sa.Column("polled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("provider"),
    )
    op.create_table(
        "usage_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=200), nullable=False),
        sa.Column("bucket_start", sa.BigInteger(), nullable=False),
        sa.Column("bucket_end", sa.BigInteger(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("leak_id", sa.Integer(), nullable=True),
        sa.Column("rotation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["leak_id"], ["leaks.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("provider", "key_id", "bucket_start", name="uq_usage_alerts_episode"),
    )


def downgrade() -> None:
    op.drop_table("usage_alerts")
    op.drop_table("usage_cursors")
    op.drop_index("ix_usage_buckets_start", table_name="usage_buckets")
    op.drop_table("usage_buckets")
