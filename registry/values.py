"""The frozen values the registry takes and returns; callers never hold database rows.

Stage: registry. Inputs are plain values (fingerprints, key ids, hints), so the registry needs no
scanner types; outputs are detached from any session and safe to pass between processes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from leakward.core.errors import UsageError
from leakward.registry.consumers import Consumer
from leakward.registry.fingerprints import Hint

_PROVIDER = re.compile(r"[a-z0-9][a-z0-9_.-]{0,31}")


@dataclass(frozen=True, slots=True)
class Owner:
    email: str
    name: str | None = None
    team: str | None = None
    slack: str | None = None
    github: str | None = None


@dataclass(frozen=True, slots=True)
class NewKey:
    """What `registry add` and imports know about a key; the secret itself is passed separately."""

    provider: str
    owner: Owner
    key_id: str | None = None
    hint: Hint | None = None
    consumers: tuple[Consumer, ...] = ()
    account: str | None = None
    status: str = "active"
    note: str | None = None
    created_at: datetime | None = None
    expires_at: datetime | None = None
    last_rotated_at: datetime | None = None
    # Public identifiers only (kind=project, project_id=42); checked by registry/attributes.py.
    attributes: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        # The provider is stored in plain text: a shifted inventory column must not put a key's
        # value there. Provider names are short words, kept lowercase (openai, aws, google-cloud).
        if not _PROVIDER.fullmatch(self.provider.lower()):
            raise UsageError(
                "the provider must be a short name such as openai, aws or github",
                hint="check that the inventory's columns line up with its header",
            )


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A registered key as stored: no value, only its fingerprint and hint."""

    id: int
    provider: str
    key_id: str | None
    fingerprint: str | None
    hint: Hint | None
    owner: Owner
    consumers: tuple[Consumer, ...]
    account: str | None
    status: str
    note: str | None
    created_at: datetime
    expires_at: datetime | None
    last_rotated_at: datetime | None
    attributes: tuple[tuple[str, str], ...] = ()

    def attribute(self, name: str) -> str | None:
        return dict(self.attributes).get(name)


@dataclass(frozen=True, slots=True)
class MatchQuery:
    """One found secret, as the registry sees it. `provider` narrows key-id and hint matches."""

    fingerprint: str
    provider: str | None = None
    key_id: str | None = None
    hint: Hint | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """A registered key a found secret belongs to, how it was found, and how sure we are (0-1)."""

    entry_id: int
    key_id: str | None
    owner: str
    status: str
    method: str  # "fingerprint", "key_id" or "hint"
    confidence: float


@dataclass(frozen=True, slots=True)
class LeakLocation:
    repository: str = ""
    commit: str = ""
    path: str = ""
    line: int = 0
    url: str = ""


@dataclass(frozen=True, slots=True)
class LeakSighting:
    """One sighting of a leaked secret; several sightings of one value make one leak."""

    fingerprint: str
    source_kind: str
    location: LeakLocation
    detected_at: datetime
    is_public: bool = False
    provider: str | None = None
    rule_id: str | None = None
    key_id: str | None = None
    hint: Hint | None = None
    leaked_at: datetime | None = None
    match: Match | None = None


@dataclass(frozen=True, slots=True)
class Leak:
    id: int
    fingerprint: str
    provider: str | None
    rule_id: str | None
    key_id: str | None
    hint: Hint | None
    source_kind: str
    is_public: bool
    first_seen: datetime
    last_seen: datetime
    times_seen: int
    leaked_at: datetime | None
    detected_at: datetime
    revoked_at: datetime | None
    issued_key_id: int | None
    match_method: str | None
    match_confidence: float | None
    status: str
    locations: tuple[LeakLocation, ...]


@dataclass(frozen=True, slots=True)
class ExposureWindow:
    """How long a leaked key was usable: revoked_at − leaked_at, or until `as_of` if still live."""

    leak_id: int
    issued_key_id: int | None
    leaked_at: datetime
    revoked_at: datetime | None
    duration: timedelta

    @property
    def is_open(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int
    skipped: int
