"""Issued keys and their owners and consumers: add, read, list, change status, forget.

Stage: registry. Every function takes the caller's session and leaves committing to the caller
(`Registry` in `store.py`), so one command is one transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from leakward.core.errors import RegistryError, UsageError
from leakward.registry.attributes import check_attributes
from leakward.registry.consumers import consumer_from
from leakward.registry.fingerprints import Hint
from leakward.registry.models import KEY_STATUSES, ConsumerRow, KeyRow, OwnerRow, utc_now
from leakward.registry.upsert import insert_for
from leakward.registry.values import IssuedKey, NewKey, Owner


def add_key(session: Session, new: NewKey, fingerprint: str | None) -> int:
    """Register a key; returns its entry id. A key already registered is an error naming it."""
    check_status(new.status)
    if fingerprint is None and new.key_id is None and new.hint is None:
        raise UsageError(
            "a key needs its value, a public key id or a provider hint to be recognised",
            hint="pipe the key on stdin, or pass --key-id or --hint",
        )
    existing = find_existing(session, new.provider, new.key_id, fingerprint)
    if existing is not None:
        raise RegistryError(
            f"this key is already registered as entry {existing}",
            hint=f"see it with: leakward registry show {existing}",
        )
    row = KeyRow(
        provider=new.provider.lower(),
        key_id=new.key_id,
        fingerprint=fingerprint,
        hint_prefix=new.hint.prefix if new.hint else None,
        hint_last4=new.hint.last4 if new.hint else None,
        owner_id=upsert_owner(session, new.owner),
        account=new.account,
        status=new.status,
        note=new.note,
        created_at=new.created_at or utc_now(),
        expires_at=new.expires_at,
        last_rotated_at=new.last_rotated_at,
        attributes=dict(check_attributes(new.attributes)),
        consumers=[
            ConsumerRow(kind=c.kind, locator=c.locator) for c in dict.fromkeys(new.consumers)
        ],
    )
    session.add(row)
    session.flush()
    return row.id


def find_existing(
    session: Session, provider: str, key_id: str | None, fingerprint: str | None
) -> int | None:
    conditions = []
    if fingerprint is not None:
        conditions.append(KeyRow.fingerprint == fingerprint)
    if key_id is not None:
        conditions.append((KeyRow.provider == provider.lower()) & (KeyRow.key_id == key_id))
    if not conditions:
        return None
    return session.scalars(select(KeyRow.id).where(or_(*conditions)).limit(1)).first()


def upsert_owner(session: Session, owner: Owner) -> int:
    """The owner's id, creating the owner or filling in details given now and missing before."""
    table = OwnerRow.__table__
    statement = insert_for(session.get_bind().dialect.name, table)  # type: ignore[arg-type]
    fields = {k: v for k, v in _owner_fields(owner).items() if v is not None}
    excluded = statement.excluded
    session.execute(
        statement.values(email=owner.email, **fields).on_conflict_do_update(
            index_elements=["email"],
            set_={name: excluded[name] for name in fields} or {"email": excluded.email},
        )
    )
    owner_id = session.scalars(select(OwnerRow.id).where(OwnerRow.email == owner.email)).one()
    return owner_id


def _owner_fields(owner: Owner) -> dict[str, str | None]:
    return {"name": owner.name, "team": owner.team, "slack": owner.slack, "github": owner.github}


def get_key(session: Session, entry_id: int) -> IssuedKey:
    row = session.get(KeyRow, entry_id)
    if row is None:
        raise RegistryError(
            f"no registry entry {entry_id}", hint="list entries with: leakward registry list"
        )
    return to_value(row)


def list_keys(
    session: Session,
    *,
    provider: str | None = None,
    owner: str | None = None,
    status: str | None = None,
    ids: Collection[int] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[IssuedKey]:
    query = select(KeyRow).join(KeyRow.owner).order_by(KeyRow.id).limit(limit).offset(offset)
    if ids is not None:
        query = query.where(KeyRow.id.in_(list(ids)))
    if provider is not None:
        query = query.where(KeyRow.provider == provider.lower())
    if owner is not None:
        query = query.where(OwnerRow.email == owner)
    if status is not None:
        query = query.where(KeyRow.status == check_status(status))
    return [to_value(row) for row in session.scalars(query).unique()]


def set_status(
    session: Session, entry_id: int, status: str, *, rotated_at: datetime | None = None
) -> None:
    row = session.get(KeyRow, entry_id)
    if row is None:
        raise RegistryError(f"no registry entry {entry_id}")
    row.status = check_status(status)
    if rotated_at is not None:
        row.last_rotated_at = rotated_at


def forget_key(session: Session, entry_id: int) -> None:
    """Delete an entry and its consumers; leaks it matched stay, unlinked."""
    row = session.get(KeyRow, entry_id)
    if row is None:
        raise RegistryError(
            f"no registry entry {entry_id}", hint="list entries with: leakward registry list"
        )
    session.delete(row)


def check_status(status: str) -> str:
    if status not in KEY_STATUSES:
        raise UsageError(f"unknown key status {status!r}", hint=f"use one of {KEY_STATUSES}")
    return status


def to_value(row: KeyRow) -> IssuedKey:
    owner = row.owner
    hint = Hint(row.hint_prefix or "", row.hint_last4) if row.hint_last4 is not None else None
    return IssuedKey(
        id=row.id,
        provider=row.provider,
        key_id=row.key_id,
        fingerprint=row.fingerprint,
        hint=hint,
        owner=Owner(owner.email, owner.name, owner.team, owner.slack, owner.github),
        consumers=tuple(consumer_from(c.kind, c.locator) for c in row.consumers),
        account=row.account,
        status=row.status,
        note=row.note,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_rotated_at=row.last_rotated_at,
        attributes=tuple(sorted((row.attributes or {}).items())),
    )
