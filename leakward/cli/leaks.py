"""`leakward leaks list`: every leak in the registry, where it was found and how long it has been
exposed.

Stage: application shell. Parses, reads the leaks view (registry/views/leaks.py, the one the
dashboard shows), renders text or JSON. Fingerprints are short; no value is ever shown.
"""

from __future__ import annotations

import json
import os

import click

FORMATS = ("text", "json")
LEAK_STATUSES = ("open", "ignored", "remediated")  # registry/models.py, without importing it


@click.group("leaks")
def leaks() -> None:
    """Leaked secrets the registry recorded: where, since when, exposed how long."""


@leaks.command("list")
@click.option("--status", type=click.Choice(LEAK_STATUSES), help="Only leaks with this status.")
@click.option("--format", "output", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--db", metavar="URL", help="Registry database [default: $LEAKWARD_DB or SQLite].")
def list_leaks(status: str | None, output: str, db: str | None) -> None:
    """List leaks, oldest first: where, first seen, exposure window so far, status."""
    from leakward.registry import Registry
    from leakward.registry.views import as_data
    from leakward.registry.views.leaks import format_duration, list_leak_views
    from leakward.settings.loader import load_settings

    settings = load_settings(None, os.environ, {"registry.db": db})
    with Registry.open(settings.registry.db) as registry:
        views = list_leak_views(registry, status=status)
    if output == "json":
        click.echo(json.dumps(as_data(views), indent=2))
        return
    if not views:
        click.echo("no leaks recorded" + (f" with status {status}" if status else ""))
        return
    for view in views:
        state = "exposed" if view.is_exposed else "revoked"
        since = " (since first seen)" if view.is_exposure_from_sighting else ""
        what = view.rule_id or view.provider or "unknown rule"
        click.echo(
            f"leak {view.id} [{view.status}] {what} {view.hint or ''} fp {view.fingerprint}: "
            f"{state} {format_duration(view.exposure)}{since}, first seen "
            f"{view.first_seen:%Y-%m-%d %H:%M} UTC"
        )
        for place in view.where:
            click.echo(f"  at {place}")
        if view.issued_key_id is not None:
            click.echo(f"  registry entry {view.issued_key_id}")
