"""Importing a provider's own key listing into the registry (`leakward registry import --provider`).

Stage: rotators (it reads providers, and hands the registry plain `NewKey`s). A rotator's
`list_keys` describes each key by public identifiers only: its id, the account or project it
belongs to, the provider's masked form of the value or the key's display name, and attributes
such as an OpenAI key's owner type and service account. No listing carries a key's value, so
every key is recorded by its public id alone (no fingerprint: a leak of it is matched by id or
hint, and by fingerprint once someone registers the value). A key is known by (provider, id), so
importing the same listing again adds nothing.

What the registry will not store is dropped, by name only: an attribute whose name suggests a
secret (the `idempotency_token` of a key leakward itself named) or whose value looks like one.
A listed key without an id cannot be told apart from the next one and is not imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from leakward.core.errors import UsageError
from leakward.registry import NewKey, Owner, Registry
from leakward.registry.attributes import check_attributes
from leakward.registry.fingerprints import Hint, parse_hint
from leakward.rotators.base import KeyRef, Rotator


@dataclass(frozen=True, slots=True)
class ProviderImport:
    """What an import did: keys added, keys already registered, keys listed without an id, and
    the names of the attributes the registry refused (never their values)."""

    added: int
    skipped: int
    without_id: int
    dropped_attributes: tuple[str, ...] = ()


def import_provider_keys(
    registry: Registry, rotator: Rotator, owner: Owner, account: str | None = None
) -> ProviderImport:
    """Record every key `rotator` lists (in `account`, where the provider needs one)."""
    listed = rotator.list_keys(account)
    dropped: set[str] = set()
    new_keys = []
    for ref in listed:
        if ref.key_id:
            new_keys.append(new_key(ref, owner, account, dropped))
    result = registry.import_keys(new_keys)
    return ProviderImport(
        added=result.added,
        skipped=result.skipped,
        without_id=len(listed) - len(new_keys),
        dropped_attributes=tuple(sorted(dropped)),
    )


def new_key(ref: KeyRef, owner: Owner, account: str | None, dropped: set[str]) -> NewKey:
    """The registry entry for one listed key; refused attribute names are added to `dropped`."""
    hint = _masked_hint(ref.hint)
    pairs = list(ref.attributes)
    if ref.hint and hint is None:
        pairs.append(("name", ref.hint))  # a display name, not a masked value
    return NewKey(
        provider=ref.provider,
        owner=owner,
        key_id=ref.key_id,
        hint=hint,
        account=ref.account or account,
        note="imported from the provider's key listing",
        attributes=_storable(pairs, dropped),
    )


def _masked_hint(text: str | None) -> Hint | None:
    """The provider's masked value ("sk-abc...wxyz") as a registry hint; None for a plain name."""
    if not text:
        return None
    try:
        return parse_hint(text)
    except UsageError:
        return None


def _storable(pairs: Sequence[tuple[str, str]], dropped: set[str]) -> tuple[tuple[str, str], ...]:
    kept: list[tuple[str, str]] = []
    for name, value in pairs:
        if not value:
            continue
        try:
            kept.extend(check_attributes([(name, value)]))
        except UsageError:
            dropped.add(name)
    return check_attributes(kept)
