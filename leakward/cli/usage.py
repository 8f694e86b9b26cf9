"""`leakward usage analyze`: flag keys used unlike their own habits, from saved usage pages.

Stage: application shell. Reads one provider usage page per file (exactly as the Admin API
returned it), runs the per-key model over all of them (earlier buckets are each key's history),
and prints the alerts. Exit 0 when nothing alerted, 1 when something did, 2 on a file that is not
a usage page of the provider named.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import click

from leakward.core.errors import EXIT_CLEAN, EXIT_FINDINGS
from leakward.usage.model import DetectReport, detect_report
from leakward.usage.pages import PROVIDERS, UsagePageError, parse_page
from leakward.usage.records import Alert, UsageRecord


@click.group()
def usage() -> None:
    """Read providers' usage pages and flag keys used unlike their own habits."""


@usage.command("analyze")
@click.option("--provider", type=click.Choice(PROVIDERS), required=True, help="Whose pages.")
@click.option("--format", "fmt", type=click.Choice(("json", "text")), default="json")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here.")
@click.option(
    "--issued",
    "issued",
    multiple=True,
    metavar="KEY_ID=DATE",
    callback=lambda _context, _option, values: _issued(values),
    help="When a key never used before these pages was issued (ISO date or time, UTC unless "
    "it says): its first use weeks later is flagged as dormant. Repeatable.",
)
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def analyze(
    provider: str,
    fmt: str,
    output: Path | None,
    issued: dict[str, int],
    files: tuple[Path, ...],
) -> None:
    """Alerts for the keys in FILES (usage pages of --provider, any bucket width), each key
    judged against its own earlier buckets."""
    records, unattributed = _read(provider, files)
    report = detect_report(records, issued=issued)
    rendered = _json(report, provider, unattributed) if fmt == "json" else _text(report, provider)
    if output is None:
        click.echo(rendered, nl=False)
    else:
        output.write_text(rendered, encoding="utf-8")
    if fmt == "text" or output is not None:
        _notes(report, unattributed)
    sys.exit(EXIT_FINDINGS if report.alerts else EXIT_CLEAN)


def _issued(values: tuple[str, ...]) -> dict[str, int]:
    """`--issued KEY_ID=DATE` values as key id -> epoch seconds."""
    issued: dict[str, int] = {}
    for value in values:
        key_id, _, date = value.partition("=")
        try:
            moment = datetime.fromisoformat(date.strip())
        except ValueError:
            moment = None
        if not key_id.strip() or moment is None:
            # Not echoed: a value pasted in the wrong place could be a key's secret.
            raise click.BadParameter(
                "write KEY_ID=DATE, e.g. key_abc=2026-11-02 or key_abc=2026-11-02T09:30:00Z",
                param_hint="--issued",
            )
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        issued[key_id.strip()] = int(moment.timestamp())
    return issued


def _read(provider: str, files: tuple[Path, ...]) -> tuple[list[UsageRecord], int]:
    """Every record of every page, and how many results named no key."""
    now = int(time.time())
    records: list[UsageRecord] = []
    unattributed = 0
    for path in files:
        try:
            page = parse_page(provider, path.read_bytes(), now=now)
        except UsagePageError as exc:
            raise UsagePageError(f"{path}: {exc.args[0]}", hint=exc.hint) from None
        records.extend(page.records)
        unattributed += page.unattributed
    return records, unattributed


def _json(report: DetectReport, provider: str, unattributed: int) -> str:
    document = {
        "alerts": [_alert(alert, provider) for alert in report.alerts],
        "not_judged": dict(sorted(report.warming_up.items())),
        "unattributed_results": unattributed,
    }
    return json.dumps(document, indent=2) + "\n"


def _alert(alert: Alert, provider: str) -> dict[str, object]:
    return {
        "key_id": alert.key_id,
        "start": _moment(alert.start, provider),
        "end": _moment(alert.end, provider),
        "score": alert.score,
        "reason": alert.reason,
        "provider": alert.provider,
    }


def _text(report: DetectReport, provider: str) -> str:
    lines = [
        f"{a.key_id}  {_moment(a.start, provider)} .. {_moment(a.end, provider)}  "
        f"score {a.score:.2f}  {a.reason}"
        for a in report.alerts
    ]
    lines.append(f"{len(report.alerts)} alerts, {len(report.judged)} keys judged")
    return "\n".join(lines) + "\n"


def _notes(report: DetectReport, unattributed: int) -> None:
    """What the output leaves out, on standard error: keys not judged, usage of no key."""
    for key_id, why in sorted(report.warming_up.items()):
        click.echo(f"leakward: {key_id} not judged: {why}", err=True)
    if unattributed:
        click.echo(
            f"leakward: {unattributed} results named no API key (console use), not judged",
            err=True,
        )


def _moment(epoch: int, provider: str) -> int | str:
    """A time as the provider writes it: epoch seconds (OpenAI) or RFC 3339 (Anthropic)."""
    if provider == "openai":
        return epoch
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
