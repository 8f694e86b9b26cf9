"""The registry as one object: open a database, register keys, match secrets, record leaks.

Stage: registry. `Registry` owns the engine and the pepper, runs each call in one transaction,
and returns frozen values. Opening applies pending migrations, so a new database just works.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from leakward.core.errors import RegistryError
from leakward.registry import keys, leaks, schema
from leakward.registry.database import create_registry_engine, display_url, resolve_url
from leakward.registry.fingerprints import fingerprint, hint_of
from leakward.registry.inventory import InventoryEntry, read_inventory
from leakward.registry.matching import match_many
from leakward.registry.pepper import load_pepper
from leakward.registry.pepper_check import confirmed_pepper
from leakward.registry.usage import UsageHistory
from leakward.registry.values import (
    ExposureWindow,
    ImportResult,
    IssuedKey,
    Leak,
    LeakSighting,
    Match,
    MatchQuery,
    NewKey,
)


class Registry:
    """A registry database plus the pepper its fingerprints are keyed with."""

    def __init__(self, engine: Engine, pepper: bytes) -> None:
        self.engine = engine
        self._pepper = pepper

    @classmethod
    def open(
        cls, url: str | None = None, *, pepper: bytes | None = None, migrate: bool = True
    ) -> Registry:
        """Connect to `url` (see `resolve_url`), migrating it first unless `migrate` is False."""
        engine = create_registry_engine(resolve_url(url))
        if migrate:
            try:
                schema.ensure_current(engine)
            except RegistryError:
                engine.dispose()  # else its pooled connection is left open for the GC
                raise
        try:
            checked = confirmed_pepper(
                engine,
                lambda may_create: pepper if pepper is not None else load_pepper(create=may_create),
            )
        except RegistryError:
            engine.dispose()
            raise
        return cls(engine, checked)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        return display_url(self.engine.url.render_as_string(hide_password=False))

    @property
    def usage(self) -> UsageHistory:
        """The usage watch's tables: per-key usage history, poll cursors, alerts."""
        return UsageHistory(self.engine)

    def fingerprint(self, secret: str) -> str:
        """The registry fingerprint of a value: what matching and leak records are keyed by."""
        return fingerprint(secret, self._pepper)

    @contextmanager
    def _session(self) -> Iterator[Session]:
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except IntegrityError:
            raise RegistryError(
                "the registry refused a duplicate entry (another process may have added it)",
                hint="list entries with: leakward registry list",
            ) from None
        except OperationalError as error:
            raise _unavailable(self, error) from None

    def add_key(self, new: NewKey, secret: str | None = None) -> int:
        """Register a key; the secret, if given, is hashed and its hint kept, never the value."""
        if secret is not None and new.hint is None:
            new = _with_hint(new, secret)
        digest = self.fingerprint(secret) if secret is not None else None
        with self._session() as session:
            return keys.add_key(session, new, digest)

    def get_key(self, entry_id: int) -> IssuedKey:
        with self._session() as session:
            return keys.get_key(session, entry_id)

    def list_keys(
        self,
        *,
        provider: str | None = None,
        owner: str | None = None,
        status: str | None = None,
        ids: Collection[int] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[IssuedKey]:
        """Keys by entry id; `ids` only those entries; `limit`/`offset` one page of them."""
        with self._session() as session:
            return keys.list_keys(
                session,
                provider=provider,
                owner=owner,
                status=status,
                ids=ids,
                limit=limit,
                offset=offset,
            )

    def set_status(self, entry_id: int, status: str, *, rotated_at: datetime | None = None) -> None:
        with self._session() as session:
            keys.set_status(session, entry_id, status, rotated_at=rotated_at)

    def forget_key(self, entry_id: int) -> None:
        with self._session() as session:
            keys.forget_key(session, entry_id)

    def import_inventory(self, path: Path) -> ImportResult:
        """Add every key of a CSV/JSON inventory in one transaction; known keys are skipped."""
        return self._import(read_inventory(path))

    def import_keys(self, new_keys: Sequence[NewKey]) -> ImportResult:
        """Add keys known by public id only (a provider's listing) in one transaction; a key
        already registered under its provider and id is skipped, so a re-run adds nothing."""
        return self._import([InventoryEntry(new) for new in new_keys])

    def _import(self, entries: Sequence[InventoryEntry]) -> ImportResult:
        added = skipped = 0
        with self._session() as session:
            for entry in entries:
                new, secret = entry.new, entry.secret
                if secret is not None and new.hint is None:
                    new = _with_hint(new, secret)
                digest = self.fingerprint(secret) if secret is not None else None
                if keys.find_existing(session, new.provider, new.key_id, digest) is not None:
                    skipped += 1
                    continue
                keys.add_key(session, new, digest)
                added += 1
        return ImportResult(added=added, skipped=skipped)

    def match(self, queries: Sequence[MatchQuery]) -> list[Match | None]:
        try:
            with self.engine.connect() as connection:
                return match_many(connection, queries)
        except OperationalError as error:
            raise _unavailable(self, error) from None

    def record_leaks(self, sightings: Sequence[LeakSighting]) -> list[int]:
        with self._session() as session:
            return leaks.record_leaks(session.connection(), sightings)

    def list_leaks(
        self,
        *,
        status: str | None = None,
        issued_key_id: int | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Leak]:
        """Leaks oldest first; `limit`/`offset` one page of them."""
        with self._session() as session:
            return leaks.list_leaks(
                session.connection(),
                status=status,
                issued_key_id=issued_key_id,
                limit=limit,
                offset=offset,
            )

    def set_leak_status(self, leak_id: int, status: str) -> None:
        with self._session() as session:
            leaks.set_leak_status(session.connection(), leak_id, status)

    def mark_revoked(self, leak_id: int, revoked_at: datetime | None = None) -> None:
        with self._session() as session:
            leaks.mark_revoked(session.connection(), leak_id, revoked_at)

    def exposure_windows(
        self,
        *,
        as_of: datetime | None = None,
        issued_key_id: int | None = None,
        is_open: bool | None = None,
    ) -> list[ExposureWindow]:
        with self._session() as session:
            return leaks.exposure_windows(
                session.connection(), as_of=as_of, issued_key_id=issued_key_id, is_open=is_open
            )


def _with_hint(new: NewKey, secret: str) -> NewKey:
    return replace(new, hint=hint_of(secret))


def _unavailable(registry: Registry, error: OperationalError) -> RegistryError:
    # The driver's message may quote SQL parameters; name only the kind of failure.
    return RegistryError(
        f"the registry at {registry.url} failed: {type(error.orig or error).__name__}",
        hint="check that the database is reachable and not locked by a stuck process",
    )
