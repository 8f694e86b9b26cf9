"""The registry's tables as SQLAlchemy 2.0 models: owners, issued keys, consumers, leaks, rotations.

Stage: registry. The schema itself is created by the Alembic migrations in `migrations/`; these
models must describe the same tables (a test compares them). No column holds a secret: keys are
known by keyed fingerprint, public key id and provider-style hint only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class KeyStatus(StrEnum):
    """An issued key's status; the values are the stored strings."""

    ACTIVE = "active"
    ROTATING = "rotating"  # a rotation of it is under way
    REVOKED = "revoked"
    RETIRED = "retired"


KEY_STATUSES = tuple(status.value for status in KeyStatus)
LEAK_STATUSES = ("open", "ignored", "remediated")


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class RegistryMetaRow(Base):
    """Facts about the registry itself, one value per name (e.g. the pepper check)."""

    __tablename__ = "registry_meta"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class OwnerRow(Base):
    __tablename__ = "owners"
    __table_args__ = (UniqueConstraint("email", name="uq_owners_email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(200))
    team: Mapped[str | None] = mapped_column(String(200))
    slack: Mapped[str | None] = mapped_column(String(200))
    github: Mapped[str | None] = mapped_column(String(100))


class KeyRow(Base):
    __tablename__ = "issued_keys"
    __table_args__ = (
        UniqueConstraint("provider", "key_id", name="uq_issued_keys_provider_key_id"),
        UniqueConstraint("fingerprint", name="uq_issued_keys_fingerprint"),
        Index("ix_issued_keys_key_id", "key_id"),
        Index("ix_issued_keys_hint", "hint_last4", "hint_prefix"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(200))
    # Nullable: a key known only from the provider's listing has a hint but no fingerprint.
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    hint_prefix: Mapped[str | None] = mapped_column(String(32))
    hint_last4: Mapped[str | None] = mapped_column(String(4))
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id", ondelete="RESTRICT"))
    account: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="active")
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_rotated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Public identifiers a rotator needs (kind, project_id, …); see registry/attributes.py.
    attributes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")

    owner: Mapped[OwnerRow] = relationship(lazy="joined")
    consumers: Mapped[list[ConsumerRow]] = relationship(
        cascade="all, delete-orphan", order_by="ConsumerRow.id", lazy="selectin"
    )


class ConsumerRow(Base):
    __tablename__ = "consumers"
    __table_args__ = (
        UniqueConstraint("issued_key_id", "kind", "locator", name="uq_consumers_key_kind_locator"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issued_key_id: Mapped[int] = mapped_column(ForeignKey("issued_keys.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    locator: Mapped[str] = mapped_column(String(1000))


class LeakRow(Base):
    __tablename__ = "leaks"
    __table_args__ = (UniqueConstraint("fingerprint", name="uq_leaks_fingerprint"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # One row per leaked value: the same secret seen again adds locations, not leaks.
    fingerprint: Mapped[str] = mapped_column(String(64))
    provider: Mapped[str | None] = mapped_column(String(64))
    rule_id: Mapped[str | None] = mapped_column(String(200))
    key_id: Mapped[str | None] = mapped_column(String(200))
    hint_prefix: Mapped[str | None] = mapped_column(String(32))
    hint_last4: Mapped[str | None] = mapped_column(String(4))
    source_kind: Mapped[str] = mapped_column(String(32))
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime())
    times_seen: Mapped[int] = mapped_column(Integer, default=1)
    leaked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    detected_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    issued_key_id: Mapped[int | None] = mapped_column(
        ForeignKey("issued_keys.id", ondelete="SET NULL"), index=True
    )
    match_method: Mapped[str | None] = mapped_column(String(16))
    match_confidence: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), default="open")


class LeakLocationRow(Base):
    __tablename__ = "leak_locations"
    # "" and 0 instead of NULL: NULLs never collide in a unique constraint, so the same place
    # reported twice would otherwise give two rows.
    __table_args__ = (
        UniqueConstraint(
            "leak_id", "repository", "commit", "path", "line", name="uq_leak_locations_place"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    leak_id: Mapped[int] = mapped_column(ForeignKey("leaks.id", ondelete="CASCADE"))
    repository: Mapped[str] = mapped_column(String(500), default="")
    commit: Mapped[str] = mapped_column(String(64), default="")
    path: Mapped[str] = mapped_column(String(2000), default="")
    line: Mapped[int] = mapped_column(Integer, default=0)
    url: Mapped[str] = mapped_column(String(2000), default="")
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime())


class RotationRow(Base):
    """One rotation of one key, a durable state machine (see rotators/rotation/pipeline.py).

    `step` is the last step that finished; `running_step` the one started and not yet finished,
    so a crash leaves the row saying exactly where to resume. `active_key_id` equals
    `issued_key_id` while the rotation is unfinished and NULL afterwards: its unique constraint
    is the per-key lock (NULLs never collide, on SQLite and PostgreSQL alike).
    """

    __tablename__ = "rotations"
    __table_args__ = (
        UniqueConstraint("idempotency_token", name="uq_rotations_idempotency_token"),
        UniqueConstraint("active_key_id", name="uq_rotations_active_key"),
        # One rotation per leak of a key, even after the per-key lock is released.
        UniqueConstraint("issued_key_id", "leak_id", name="uq_rotations_key_leak"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issued_key_id: Mapped[int] = mapped_column(
        ForeignKey("issued_keys.id", ondelete="CASCADE"), index=True
    )
    leak_id: Mapped[int | None] = mapped_column(ForeignKey("leaks.id", ondelete="SET NULL"))
    step: Mapped[str] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    policy: Mapped[str] = mapped_column(String(32))
    # Makes "start this rotation" safe to repeat after a crash: a second start finds the row.
    idempotency_token: Mapped[str] = mapped_column(String(100))
    new_key_id: Mapped[str | None] = mapped_column(String(200))  # public id only, never the value
    last_error: Mapped[str | None] = mapped_column(Text)
    step_times: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, onupdate=utc_now)
    status: Mapped[str] = mapped_column(String(24), default="running", server_default="running")
    active_key_id: Mapped[int | None] = mapped_column(Integer)
    running_step: Mapped[str | None] = mapped_column(String(32))
    # Bumped each time a replacement is issued; store writes are keyed by token + generation.
    generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Public ids of replacements whose value was lost in a crash: revoked before issuing again.
    orphan_key_ids: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    delivered: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    actions: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    manual_steps: Mapped[str | None] = mapped_column(Text)
    # The leaked key's non-secret settings its replacement copies (scopes, restrictions …), read
    # before anything could destroy the key; NULL until read, or when it could not be read.
    settings: Mapped[dict[str, object] | None] = mapped_column(JSON)
    # When the current replacement expires, as the provider said when issuing it: the row must
    # say how long a replacement without a public id stays valid if a crash loses it.
    new_key_expires_at: Mapped[str | None] = mapped_column(String(64))
    # The replacement was tested and made current (one without a public id counts too).
    is_replaced: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    requires_approval: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=sa_false()
    )
    approved_by: Mapped[str | None] = mapped_column(String(200))
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class OperatorActionRow(Base):
    """Who did what to which rotation, and when (dashboard and `leakward rotations` actions).

    `actor` is who the operator said they were (a login name, a trusted proxy's user header) or
    the local user; `outcome` is the rotation's status after the action, or why it was refused.
    """

    __tablename__ = "operator_actions"
    __table_args__ = (Index("ix_operator_actions_rotation", "rotation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    actor: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(32))  # dashboard, cli
    action: Mapped[str] = mapped_column(String(32))  # retry, approve
    rotation_id: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(500))


class UsageBucketRow(Base):
    """One key's use of one model in one bucket, as the provider's usage report gave it.

    Written by `leakward watch` (registry/usage.py). The provider revises its latest bucket
    while it fills, so a bucket is upserted on (provider, key, start, width, model); `model`
    is "" rather than NULL where the report names none, so that NULLs never make two rows of
    one bucket. Counts only: nothing here is a secret.
    """

    __tablename__ = "usage_buckets"
    __table_args__ = (
        UniqueConstraint(
            "provider",
            "key_id",
            "bucket_start",
            "bucket_width",
            "model",
            name="uq_usage_buckets_bucket",
        ),
        Index("ix_usage_buckets_start", "bucket_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(200))
    bucket_start: Mapped[int] = mapped_column(BigInteger)  # epoch seconds, UTC
    bucket_width: Mapped[int] = mapped_column(Integer)  # seconds
    model: Mapped[str] = mapped_column(String(200), default="")
    requests: Mapped[int | None] = mapped_column(BigInteger)  # None: not counted (Anthropic)
    input_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    output_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    cached_input_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    fetched_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class UsageCursorRow(Base):
    """How far each provider's usage has been read: the next poll starts a little before it."""

    __tablename__ = "usage_cursors"

    provider: Mapped[str] = mapped_column(String(64), primary_key=True)
    polled_until: Mapped[int] = mapped_column(BigInteger)  # epoch seconds, UTC
    polled_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    # The first bucket the first poll asked for (epoch seconds): the watch has seen every use
    # since, so a key issued later and never in its history was unused until its first record.
    # None for a cursor saved before this column existed.
    read_since: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


USAGE_ALERT_STATES = ("open", "handed-off", "dismissed")


class UsageAlertRow(Base):
    """One episode of a key used unlike itself: its buckets, score and reason in words.

    A later poll that sees the same episode again (overlapping or touching buckets) extends
    this row instead of adding one; the unique start makes a race of two polls end in one row.
    `leak_id` and `rotation_id` say what the hand-off to rotation made of it; `claimed_until`
    is the lease of the watcher handing it off (registry/usage_alerts.py `claim_alert`).
    """

    __tablename__ = "usage_alerts"
    __table_args__ = (
        UniqueConstraint("provider", "key_id", "bucket_start", name="uq_usage_alerts_episode"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(200))
    bucket_start: Mapped[int] = mapped_column(BigInteger)  # first bucket, epoch seconds
    bucket_end: Mapped[int] = mapped_column(BigInteger)  # end of the last bucket
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    leak_id: Mapped[int | None] = mapped_column(ForeignKey("leaks.id", ondelete="SET NULL"))
    rotation_id: Mapped[int | None] = mapped_column(Integer)
    claimed_until: Mapped[int | None] = mapped_column(BigInteger)  # epoch seconds
