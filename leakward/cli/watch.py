"""`leakward watch`: poll the providers' usage APIs, alert on keys used unlike themselves.

Stage: application shell. Parses, builds the usage clients for each admin key set
(`OPENAI_ADMIN_KEY`, `ANTHROPIC_ADMIN_KEY`), runs the watch (leakward/usage/watch.py) once or
every `--interval` seconds, and renders each poll. With `--once` the exit code is 0, or 4 when a
provider could not be read (its range is read again next time). `leakward watch alerts` lists
the stored alerts a page at a time (registry/views/usage_alerts.py); `leakward watch dismiss ID`
marks one as the owner's own use, logged as an operator action (the older `--dismiss` flag still
works, and says it is deprecated).
"""

from __future__ import annotations

import getpass
import json
import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from leakward.core.errors import EXIT_INCOMPLETE, ConfigError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from leakward.registry.usage_alerts import UsageAlert
    from leakward.registry.views.paging import Paged
    from leakward.registry.views.usage_alerts import UsageAlertView
    from leakward.usage.watch import WatchReport
    from leakward.usage.watch_policy import WatchSettings

FORMATS = ("text", "json")
POLICIES = ("approve", "notify", "auto")  # leakward/usage/watch_policy.py, without importing it
STATES = ("open", "handed-off", "dismissed", "all")  # registry/models.py USAGE_ALERT_STATES + all
DB_HELP = "Registry database [default: $LEAKWARD_DB or SQLite]."


@click.group("watch", invoke_without_command=True)
@click.option("--once", is_flag=True, help="Poll once and exit (exit 4 if a provider failed).")
@click.option(
    "--interval",
    type=click.FloatRange(min=10),
    metavar="SECONDS",
    help="Seconds between polls [default: $LEAKWARD_WATCH_INTERVAL, else 300].",
)
@click.option(
    "--policy",
    type=click.Choice(POLICIES),
    help="What a confident alert does: approve (rotation waits for a person), notify, auto "
    "[default: $LEAKWARD_WATCH_POLICY, else approve].",
)
@click.option(
    "--bucket-width",
    type=click.Choice(("1m", "1h", "1d")),
    default="1h",
    show_default=True,
    help="The usage buckets asked for.",
)
@click.option(
    "--keep-days",
    type=click.IntRange(min=28),
    default=90,
    show_default=True,
    help="Days of usage history kept per key; older buckets are pruned after each poll (the "
    "model looks back 28 days).",
)
@click.option(
    "--dismiss",
    type=click.IntRange(1),
    metavar="ALERT_ID",
    help="Deprecated: use `leakward watch dismiss ALERT_ID`.",
)
@click.option("--db", metavar="URL", help=DB_HELP)
@click.option("--format", "output", type=click.Choice(FORMATS), default="text", show_default=True)
@click.pass_context
def watch(
    context: click.Context,
    once: bool,
    interval: float | None,
    policy: str | None,
    bucket_width: str,
    keep_days: int,
    dismiss: int | None,
    db: str | None,
    output: str,
) -> None:
    """Poll the providers' usage APIs per key, alert on unusual use, and hand confident alerts
    to rotation.

    Without a command, polls (`--once`: one poll). `leakward watch alerts` lists the stored
    alerts; `leakward watch dismiss ID` marks one as the owner's own use."""
    if context.invoked_subcommand is not None:
        return
    from leakward.settings.loader import load_settings
    from leakward.usage.watch_policy import DAY, WatchSettings, interval_from, policy_from

    settings = load_settings(None, os.environ, {"registry.db": db})
    if dismiss is not None:
        click.echo(
            "leakward watch: --dismiss is deprecated; use: leakward watch dismiss ID", err=True
        )
        _dismiss(settings.registry.db, dismiss, output)
        return
    watch_settings = WatchSettings(
        policy=policy_from(settings.environ, policy),
        bucket_width=bucket_width,
        interval_seconds=interval_from(settings.environ, interval),
        history_seconds=keep_days * DAY,
    )
    report = _poll(settings.registry.db, settings.environ, watch_settings, once, output)
    if report is not None and not report.is_complete:
        raise click.exceptions.Exit(EXIT_INCOMPLETE)


def _poll(
    db: str | None,
    environ: Mapping[str, str],
    settings: WatchSettings,
    once: bool,
    output: str,
) -> WatchReport | None:
    """One poll (`once`, returned) or polls until interrupted (None)."""
    import httpx

    from leakward.registry import Registry
    from leakward.usage.clients import ADMIN_KEY_VARIABLES, usage_clients
    from leakward.usage.watch import Watch

    with httpx.Client(timeout=30.0) as http:
        clients = usage_clients(environ, http)
        if not clients:
            raise ConfigError(
                "no usage API to watch: no admin key is set",
                f"set {' or '.join(ADMIN_KEY_VARIABLES.values())} to an Admin API key",
            )
        with Registry.open(db) as registry:
            watcher = Watch(registry, clients, settings, environ)
            if once:
                report = watcher.poll()
                _render(report, output)
                return report
            try:
                watcher.run(lambda report: _render(report, output))
            except KeyboardInterrupt:
                click.echo("leakward watch: stopped", err=True)
    return None


@watch.command("alerts")
@click.option("--state", type=click.Choice(STATES), default="all", show_default=True)
@click.option("--provider", metavar="NAME", help="Only this provider's alerts (openai, anthropic).")
@click.option("--page", type=click.IntRange(1), default=1, show_default=True, help="100 a page.")
@click.option("--db", metavar="URL", help=DB_HELP)
@click.option("--format", "output", type=click.Choice(FORMATS), default="text", show_default=True)
@click.pass_context
def alerts(
    context: click.Context, state: str, provider: str | None, page: int, db: str | None, output: str
) -> None:
    """List the usage alerts the watch stored, newest first: whose key, when, why, and what
    became of each (the rotation it started, if any)."""
    from leakward.registry import Registry
    from leakward.registry.views.paging import Window, paged
    from leakward.registry.views.usage_alerts import list_usage_alert_views

    window = Window(page)
    with Registry.open(_db(context, db)) as registry:
        rows = list_usage_alert_views(
            registry, state=None if state == "all" else state, provider=provider, window=window
        )
    _render_alerts(paged(rows, window), output)


@watch.command("dismiss")
@click.argument("alert_id", type=click.IntRange(1))
@click.option("--db", metavar="URL", help=DB_HELP)
@click.option("--format", "output", type=click.Choice(FORMATS), default="text", show_default=True)
@click.pass_context
def dismiss_command(context: click.Context, alert_id: int, db: str | None, output: str) -> None:
    """Mark ALERT_ID as the owner's own use: its hours become the key's habit, it is never
    handed off, and the operator action log records who said so."""
    _dismiss(_db(context, db), alert_id, output)


def _db(context: click.Context, db: str | None) -> str | None:
    """The registry URL: the command's --db, else the group's (`leakward watch --db URL alerts`),
    else the settings' (`$LEAKWARD_DB` or SQLite)."""
    from leakward.settings.loader import load_settings

    given = db or (context.parent.params.get("db") if context.parent is not None else None)
    return load_settings(None, os.environ, {"registry.db": given}).registry.db


def _dismiss(db: str | None, alert_id: int, output: str) -> None:
    from leakward.registry import Registry
    from leakward.registry.usage_alerts import dismiss_alert

    with Registry.open(db) as registry:
        alert = dismiss_alert(registry.engine, alert_id, actor=getpass.getuser(), channel="cli")
    if output == "json":
        click.echo(json.dumps(_alert(alert)))
    else:
        click.echo(f"alert {alert.id} ({alert.key_id}) dismissed: its hours count as habit")


def _render(report: WatchReport, output: str) -> None:
    if output == "json":
        click.echo(json.dumps(report_data(report)))
        return
    for poll in report.polls:
        span = f"{_iso(poll.start)} to {_iso(poll.end)}"
        if poll.error is not None:
            click.echo(f"{poll.provider}: not read ({span}): {poll.error}", err=True)
            continue
        click.echo(
            f"{poll.provider}: {poll.records} buckets read ({span}), {poll.new_alerts} new "
            f"alerts, {len(poll.warming_up)} keys warming up, {poll.skipped} without a key"
        )
        for alert in poll.alerts:
            click.echo(
                f"  alert {alert.id} {alert.key_id} from {_iso(alert.start)} to "
                f"{_iso(alert.end)} score {alert.score:.1f} [{alert.state}]: {alert.reason}"
            )
    for handed in report.handoffs:
        click.echo(f"  alert {handed.alert_id}: {handed.note}")


def report_data(report: WatchReport) -> dict[str, object]:
    """A poll as JSON: alerts in `leakward usage analyze`'s shape, plus the watch's own fields."""
    return {
        "complete": report.is_complete,
        "polls": [
            {
                "provider": poll.provider,
                "start": poll.start,
                "end": poll.end,
                "pages": poll.pages,
                "records": poll.records,
                "unattributed": poll.skipped,
                "new_alerts": poll.new_alerts,
                "warming_up": dict(poll.warming_up),
                "error": poll.error,
            }
            for poll in report.polls
        ],
        "alerts": [_alert(alert) for poll in report.polls for alert in poll.alerts],
        "handoffs": [
            {
                "alert_id": handed.alert_id,
                "state": handed.state,
                "leak_id": handed.leak_id,
                "rotation_id": handed.rotation_id,
                "rotation_status": handed.rotation_status,
                "note": handed.note,
            }
            for handed in report.handoffs
        ],
        "pruned": report.pruned,
    }


def _alert(alert: UsageAlert) -> dict[str, object]:
    return {
        "id": alert.id,
        "provider": alert.provider,
        "key_id": alert.key_id,
        "start": alert.start,
        "end": alert.end,
        "score": round(alert.score, 3),
        "reason": alert.reason,
        "state": alert.state,
    }


def _render_alerts(page: Paged[UsageAlertView], output: str) -> None:
    if output == "json":
        from leakward.registry.views import as_data

        data = {"alerts": as_data(page.items), "page": page.number, "has_next": page.has_next}
        click.echo(json.dumps(data))
        return
    if not page.items:
        click.echo("no usage alerts" + (" on this page" if page.number > 1 else ""))
    for alert in page.items:
        rotation = (
            f"rotation {alert.rotation_id} ({alert.rotation_status})"
            if alert.rotation_id is not None
            else "no rotation"
        )
        click.echo(
            f"alert {alert.id} [{alert.state}] {alert.provider} {alert.key_id} "
            f"(owner {alert.owner or 'unknown to the registry'}) from {_stamp(alert.start)} to "
            f"{_stamp(alert.end)} score {alert.score:.1f}, {rotation}: {alert.reason}"
        )
    if page.has_next:
        click.echo(f"more: leakward watch alerts --page {page.number + 1}")


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
