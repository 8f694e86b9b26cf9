"""The leaks view: where each leaked value was found, since when, how long it has been exposed.

Stage: registry (views). The exposure window is revoked_at − leaked_at; a leak not yet revoked is
exposed up to `as_of` (now by default). Where the leak time is unknown the first sighting stands
in for it, and the view says so (`is_exposure_from_sighting`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from leakward.registry.models import utc_now
from leakward.registry.store import Registry
from leakward.registry.values import Leak, LeakLocation
from leakward.registry.views import short_fingerprint
from leakward.registry.views.paging import Window


@dataclass(frozen=True, slots=True)
class LeakView:
    id: int
    provider: str | None
    rule_id: str | None
    status: str
    fingerprint: str | None  # short
    hint: str | None
    key_id: str | None  # the provider's public id, when the finding carried one
    issued_key_id: int | None  # the registry entry it matched
    is_public: bool
    where: tuple[str, ...]
    first_seen: datetime
    last_seen: datetime
    times_seen: int
    exposed_since: datetime
    revoked_at: datetime | None
    exposure: timedelta
    is_exposure_from_sighting: bool

    @property
    def is_exposed(self) -> bool:
        return self.revoked_at is None


def describe_location(place: LeakLocation) -> str:
    """One line for a place a leak was found: its URL, else repository, commit and path:line."""
    if place.url:
        return place.url
    where = ":".join(p for p in (place.path, str(place.line) if place.line else "") if p)
    return " ".join(p for p in (place.repository, place.commit[:12], where) if p) or "(unknown)"


def leak_view(leak: Leak, as_of: datetime) -> LeakView:
    since = leak.leaked_at or leak.first_seen
    end = leak.revoked_at or as_of
    return LeakView(
        id=leak.id,
        provider=leak.provider,
        rule_id=leak.rule_id,
        status=leak.status,
        fingerprint=short_fingerprint(leak.fingerprint),
        hint=leak.hint.display if leak.hint is not None else None,
        key_id=leak.key_id,
        issued_key_id=leak.issued_key_id,
        is_public=leak.is_public,
        where=tuple(describe_location(place) for place in leak.locations),
        first_seen=leak.first_seen,
        last_seen=leak.last_seen,
        times_seen=leak.times_seen,
        exposed_since=since,
        revoked_at=leak.revoked_at,
        exposure=max(end - since, timedelta(0)),
        is_exposure_from_sighting=leak.leaked_at is None,
    )


def list_leak_views(
    registry: Registry,
    *,
    status: str | None = None,
    as_of: datetime | None = None,
    window: Window | None = None,
) -> list[LeakView]:
    """Every leak (or those with `status`), oldest first; `window`: the rows of one page."""
    now = as_of or utc_now()
    limit, offset = (window.limit, window.offset) if window is not None else (None, 0)
    leaks = registry.list_leaks(status=status, limit=limit, offset=offset)
    return [leak_view(leak, now) for leak in leaks]


def format_duration(duration: timedelta) -> str:
    """A window as a person reads it: 3d 4h, 2h 5m, 40s."""
    seconds = int(duration.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m {seconds}s" if minutes else f"{seconds}s"
