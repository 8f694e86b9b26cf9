"""`leakward rotations list|show|retry|approve`: read rotations and move them on.

Stage: application shell. `list` and `show` read the rotations view (registry/views/rotations.py,
the one the dashboard shows); `retry` and `approve` call the same actions the dashboard does
(leakward/response/rotation_actions.py), which record who did what. A failed rotation is shown
with the step it stopped at, its last error and the command that retries it. Exit 1 when a
rotation shown or acted on needs a person (it failed, or steps are left to one).
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from typing import TYPE_CHECKING

import click

from leakward.core.errors import EXIT_FINDINGS

if TYPE_CHECKING:
    from leakward.registry import Registry
    from leakward.registry.views.rotations import RotationView

FORMATS = ("text", "json")
STATUSES = ("running", "pending-approval", "done", "failed")  # registry/rotation_state.py
_DB_HELP = "Registry database [default: $LEAKWARD_DB or SQLite]."


def _open(db: str | None) -> tuple[Registry, dict[str, str]]:
    from leakward.registry import Registry
    from leakward.settings.loader import load_settings

    settings = load_settings(None, os.environ, {"registry.db": db})
    return Registry.open(settings.registry.db), dict(settings.environ)


@click.group("rotations")
def rotations() -> None:
    """Rotations of leaked keys: list and show them, retry a stopped one, approve a waiting one."""


@rotations.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="Only rotations with this status.")
@click.option("--format", "output", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--db", metavar="URL", help=_DB_HELP)
def list_rotations(status: str | None, output: str, db: str | None) -> None:
    """List rotations, newest first, with the step each reached and what to do next."""
    from leakward.registry.views import as_data
    from leakward.registry.views.rotations import list_rotation_views

    registry, _ = _open(db)
    with registry:
        views = list_rotation_views(registry, status=status)
    if output == "json":
        click.echo(json.dumps(as_data(views), indent=2))
        return
    if not views:
        click.echo("no rotations" + (f" with status {status}" if status else ""))
    for view in views:
        state = f"{view.status}, busy in {view.worker}" if view.is_busy else view.status
        last = view.steps[-1].name if view.steps else "-"
        click.echo(
            f"rotation {view.id} [{state}] {view.provider} {view.key} (entry {view.issued_key_id},"
            f" key {view.key_status}) at {last}"
        )
        if view.next_action:
            click.echo(f"  next: {view.next_action}")


@rotations.command("show")
@click.argument("rotation_id", type=int)
@click.option("--format", "output", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--db", metavar="URL", help=_DB_HELP)
def show(rotation_id: int, output: str, db: str | None) -> None:
    """Show one rotation: each step with its time, attempts and last error."""
    from leakward.registry.views.rotations import show_rotation

    registry, _ = _open(db)
    with registry:
        view = show_rotation(registry, rotation_id)
    _render(view, output)
    if view.status == "failed":
        sys.exit(EXIT_FINDINGS)


@rotations.command("retry")
@click.argument("rotation_id", type=int)
@click.option(
    "--secret-stdin",
    is_flag=True,
    help="Read the leaked value from stdin, for tokens only their own value revokes.",
)
@click.option("--format", "output", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--db", metavar="URL", help=_DB_HELP)
def retry(rotation_id: int, secret_stdin: bool, output: str, db: str | None) -> None:
    """Resume a failed or stalled rotation from its last finished step."""
    from leakward.core.secret import Secret
    from leakward.response.rotation_actions import RotationActions

    secret = Secret(sys.stdin.readline().strip()) if secret_stdin else None
    registry, environ = _open(db)
    with registry:
        outcome = RotationActions(registry, environ).retry(
            rotation_id, actor=getpass.getuser(), channel="cli", secret=secret
        )
    _acted(outcome.summary, outcome.rotation, outcome.needs_human, output)


@rotations.command("approve")
@click.argument("rotation_id", type=int)
@click.option("--format", "output", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--db", metavar="URL", help=_DB_HELP)
def approve(rotation_id: int, output: str, db: str | None) -> None:
    """Approve a rotation waiting for a person's word, and run it."""
    from leakward.response.rotation_actions import RotationActions

    registry, environ = _open(db)
    with registry:
        outcome = RotationActions(registry, environ).approve(
            rotation_id, actor=getpass.getuser(), channel="cli"
        )
    _acted(outcome.summary, outcome.rotation, outcome.needs_human, output)


def _acted(summary: str, view: RotationView, needs_human: bool, output: str) -> None:
    if output == "text":
        click.echo(summary)
    _render(view, output)
    if needs_human:
        sys.exit(EXIT_FINDINGS)


def _render(view: RotationView, output: str) -> None:
    from leakward.registry.views import as_data

    if output == "json":
        click.echo(json.dumps(as_data(view), indent=2))
        return
    click.echo(f"rotation {view.id} of {view.provider} key {view.key} (entry {view.issued_key_id})")
    click.echo(f"  owner {view.owner}; key status {view.key_status}; policy {view.policy}")
    busy = f" (busy in {view.worker})" if view.is_busy else ""
    click.echo(f"  status {view.status}{busy}; attempts {view.attempts}")
    for step in view.steps:
        when = step.finished_at or "-"
        extra = f"  attempts {step.attempts}" if step.state != "done" else ""
        click.echo(f"  {step.state:<8} {step.name:<16} {when}{extra}")
        if step.error:
            click.echo(f"           error: {step.error}")
    for action in view.actions:
        click.echo(f"  - {action}")
    if view.next_action:
        click.echo(f"next: {view.next_action}")
