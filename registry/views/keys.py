"""The issued-keys view: who owns each key, where it is deployed, when it was last rotated.

Stage: registry (views). A key is named by provider, public id and hint; its fingerprint is cut
short. The latest rotation of each key is joined in so a person sees whether one is under way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from leakward.registry import rotations as log
from leakward.registry.store import Registry
from leakward.registry.values import IssuedKey
from leakward.registry.views import short_fingerprint
from leakward.registry.views.paging import Window


@dataclass(frozen=True, slots=True)
class KeyView:
    id: int
    provider: str
    key_id: str | None
    hint: str | None
    fingerprint: str | None  # short
    status: str
    owner: str
    team: str | None
    consumers: tuple[str, ...]
    last_rotated_at: datetime | None
    last_rotation_id: int | None
    last_rotation_status: str | None


def key_view(key: IssuedKey, last: log.Rotation | None) -> KeyView:
    return KeyView(
        id=key.id,
        provider=key.provider,
        key_id=key.key_id,
        hint=key.hint.display if key.hint is not None else None,
        fingerprint=short_fingerprint(key.fingerprint),
        status=key.status,
        owner=key.owner.email,
        team=key.owner.team,
        consumers=tuple(consumer.spec for consumer in key.consumers),
        last_rotated_at=key.last_rotated_at,
        last_rotation_id=last.id if last is not None else None,
        last_rotation_status=str(last.status) if last is not None else None,
    )


def list_key_views(
    registry: Registry, *, status: str | None = None, window: Window | None = None
) -> list[KeyView]:
    """Every registered key (or those with `status`), by entry id; `window`: one page."""
    limit, offset = (window.limit, window.offset) if window is not None else (None, 0)
    keys = registry.list_keys(status=status, limit=limit, offset=offset)
    latest: dict[int, log.Rotation] = {}
    # Only the rotations of the keys shown: a page of 100 keys reads no other key's history.
    for rotation in log.list_rotations(registry.engine, issued_key_ids=[k.id for k in keys]):
        latest[rotation.issued_key_id] = rotation  # listed by id: the last one wins
    return [key_view(key, latest.get(key.id)) for key in keys]
