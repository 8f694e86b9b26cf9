"""The pepper check: a registry remembers which pepper its fingerprints were made with.

Stage: registry. The pepper itself never enters the database (see `pepper.py`); a check value
does: HMAC(pepper, a fixed label), which says nothing about the pepper but lets `Registry.open`
refuse a missing or different one instead of fingerprinting with a new pepper that matches
nothing stored.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable

from sqlalchemy import Engine, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leakward.core.errors import RegistryError
from leakward.registry.database import display_url
from leakward.registry.models import RegistryMetaRow

CHECK_NAME = "pepper_check"
_LABEL = b"leakward registry pepper check v1"


def check_value(pepper: bytes) -> str:
    return hmac.new(pepper, _LABEL, "sha256").hexdigest()


def stored_check(engine: Engine) -> str | None:
    """The check value this registry holds; None for a new registry."""
    with Session(engine) as session:
        return session.scalar(
            select(RegistryMetaRow.value).where(RegistryMetaRow.name == CHECK_NAME)
        )


def confirmed_pepper(engine: Engine, load: Callable[[bool], bytes]) -> bytes:
    """The pepper `load(may_create)` gives, once it is known to be this registry's.

    A registry with no check yet (new, or written before checks existed) takes the pepper it is
    opened with and remembers it; `load` may create a pepper file only then.
    """
    # A registry opened without migrating may predate the table: it is checked once migrated.
    has_table = inspect(engine).has_table(RegistryMetaRow.__tablename__)
    stored = stored_check(engine) if has_table else None
    pepper = load(stored is None)
    if stored is None and has_table:
        stored = _remember(engine, check_value(pepper))
    if stored is not None and not hmac.compare_digest(stored, check_value(pepper)):
        raise RegistryError(
            f"the pepper in use is not the one the registry at "
            f"{display_url(str(engine.url))} was made with, so no stored key would match",
            hint="point LEAKWARD_PEPPER or LEAKWARD_PEPPER_FILE at this registry's pepper "
            "(restore it from your backup)",
        )
    return pepper


def _remember(engine: Engine, value: str) -> str:
    """Stores the check value; when another process stored one first, returns that one."""
    try:
        with Session(engine) as session, session.begin():
            session.add(RegistryMetaRow(name=CHECK_NAME, value=value))
        return value
    except IntegrityError:
        found = stored_check(engine)
        return found if found is not None else value
