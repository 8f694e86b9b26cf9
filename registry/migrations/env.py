"""Alembic environment for the registry; run only through `leakward.registry.schema`
(no alembic.ini).

Stage: registry. The caller hands over an open connection inside a transaction, so the migration
shares its lock and commits or rolls back with it.
"""

from __future__ import annotations

from alembic import context

from leakward.registry.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run registry migrations with: leakward registry migrate")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
