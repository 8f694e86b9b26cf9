"""Migrations: applied on first use, idempotent, reversible, and in step with the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from leakward.core.errors import RegistryError
from leakward.registry import Registry
from leakward.registry.database import create_registry_engine
from leakward.registry.models import Base
from leakward.registry.schema import current_revision, downgrade, head_revision, upgrade

TABLES = {"owners", "issued_keys", "consumers", "leaks", "leak_locations", "rotations"}


def test_first_open_creates_the_schema(db_url: str, pepper: bytes) -> None:
    with Registry.open(db_url, pepper=pepper) as registry:
        assert current_revision(registry.engine) == head_revision()
        assert set(inspect(registry.engine).get_table_names()) >= TABLES


def test_migrations_match_the_models(db_url: str) -> None:
    engine = create_registry_engine(db_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_upgrade_is_idempotent_and_reversible(db_url: str) -> None:
    engine = create_registry_engine(db_url)
    try:
        assert upgrade(engine) == head_revision()
        assert upgrade(engine) == head_revision()
        downgrade(engine, "base")
        assert current_revision(engine) is None
        assert not TABLES & set(inspect(engine).get_table_names())
        assert upgrade(engine) == head_revision()
    finally:
        engine.dispose()


def test_rotation_table_has_the_columns_the_pipeline_needs(db_url: str, pepper: bytes) -> None:
    with Registry.open(db_url, pepper=pepper) as registry:
        columns = {c["name"] for c in inspect(registry.engine).get_columns("rotations")}
    assert {
        "issued_key_id",
        "leak_id",
        "step",
        "attempts",
        "policy",
        "idempotency_token",
        "new_key_id",
        "last_error",
        "step_times",
        "created_at",
        "updated_at",
    } <= columns


def test_a_schema_from_a_newer_version_is_refused_clearly(db_url: str, pepper: bytes) -> None:
    Registry.open(db_url, pepper=pepper).close()
    engine = create_registry_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    finally:
        engine.dispose()
    with pytest.raises(RegistryError, match="newer version"):
        Registry.open(db_url, pepper=pepper)


def test_replacement_state_is_lifted_out_of_older_rows_actions(db_url: str) -> None:
    """0008 fills `is_replaced` and `new_key_expires_at` once from the action text older rows
    kept them in; nothing reads that text afterwards."""
    engine = create_registry_engine(db_url)
    lost = '["replacement (no public id) issued, expires at 2026-11-23T03:00:00Z"]'
    done = '["replacement key-9 issued", "replacement tested and made current"]'
    try:
        upgrade(engine, "0007_rotation_settings")
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO owners (id, email) VALUES (1, 'o@example.test')"))
            connection.execute(
                text(
                    "INSERT INTO issued_keys (id, provider, owner_id, status, attributes, "
                    "created_at) "
                    "VALUES (1, 'github', 1, 'rotating', '{}', CURRENT_TIMESTAMP), "
                    "(2, 'acme', 1, 'revoked', '{}', CURRENT_TIMESTAMP)"
                )
            )
            for rotation_id, key_id, new_key_id, actions in (
                (1, 1, None, lost),
                (2, 2, "key-9", done),
            ):
                connection.execute(
                    text(
                        "INSERT INTO rotations (id, issued_key_id, step, attempts, policy, "
                        "idempotency_token, new_key_id, step_times, actions, created_at, "
                        "updated_at) "
                        "VALUES (:id, :key, 'issued', 0, 'reissue-first', :token, :new, '{}', "
                        ":actions, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {
                        "id": rotation_id,
                        "key": key_id,
                        "token": f"t{rotation_id}",
                        "new": new_key_id,
                        "actions": actions,
                    },
                )
        upgrade(engine)
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id, new_key_expires_at, is_replaced FROM rotations ORDER BY id")
            ).all()
        assert [(r[0], r[1], bool(r[2])) for r in rows] == [
            (1, "2026-11-23T03:00:00Z", False),
            (2, None, True),
        ]
    finally:
        engine.dispose()
