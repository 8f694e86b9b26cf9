"""The overview: how many leaks are recorded and still exposed, rotations by status, and the
latest exposure windows — each counted or limited by the database.

Stage: registry (views). A registry of a whole organisation holds tens of thousands of leaks and
rotations; the dashboard's first page reads counts and the `limit` latest windows, never every
row (which made the page slower with every leak ever recorded).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from leakward.registry import leaks
from leakward.registry import rotations as log
from leakward.registry.models import utc_now
from leakward.registry.rotation_state import RotationStatus
from leakward.registry.store import Registry
from leakward.registry.views.leaks import LeakView, leak_view


@dataclass(frozen=True, slots=True)
class Overview:
    leaks: int  # recorded
    exposed: int  # not revoked
    rotations: dict[str, int]  # by status; every status present, 0 where none
    latest: list[LeakView]  # the windows that began last, latest first


def overview(registry: Registry, *, limit: int, as_of: datetime | None = None) -> Overview:
    """Counts of leaks and rotations, and the `limit` leaks whose exposure began last."""
    now = as_of or utc_now()
    with registry.engine.connect() as connection:
        total, exposed = leaks.leak_counts(connection)
        latest = leaks.list_leaks(connection, limit=limit, latest_exposed_first=True)
    counts = {str(status): 0 for status in RotationStatus}
    counts.update(log.count_by_status(registry.engine))
    return Overview(total, exposed, counts, [leak_view(leak, now) for leak in latest])
