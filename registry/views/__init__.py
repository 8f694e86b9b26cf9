"""Read-only views of the registry for people: leaks, issued keys, rotations.

Stage: registry. `leakward leaks list`, `leakward rotations list|show` and the dashboard in
`leakward serve` all read the registry through these functions, so a terminal and a browser show
the same facts. A view holds no secret value: fingerprints are cut to `FINGERPRINT_CHARS`, keys
are named by public id and provider-style hint, and error texts are the redacted ones the
pipeline stored.
"""

from __future__ import annotations

FINGERPRINT_CHARS = 12


def short_fingerprint(fingerprint: str | None) -> str | None:
    """Enough of a keyed fingerprint to tell leaks apart and to match an ignore entry."""
    return fingerprint[:FINGERPRINT_CHARS] if fingerprint else None


def as_data(view: object) -> object:
    """A view (a dataclass, or tuples and lists of them) as JSON-ready data: datetimes in ISO
    8601, durations in whole seconds."""
    from dataclasses import fields, is_dataclass
    from datetime import datetime, timedelta

    if is_dataclass(view) and not isinstance(view, type):
        return {f.name: as_data(getattr(view, f.name)) for f in fields(view)}
    if isinstance(view, list | tuple):
        return [as_data(item) for item in view]
    if isinstance(view, datetime):
        return view.isoformat()
    if isinstance(view, timedelta):
        return int(view.total_seconds())
    return view
