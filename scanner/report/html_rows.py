"""The HTML report's rows: one table per file, one row per finding, and the one function that
escapes scanned text for HTML.

Stage: reporters (the page around them is `html.py`). A row carries, as data attributes, what
the page's filters and search read; its cells show what a person needs to act on the finding.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from leakward.scanner.fingerprint import report_fingerprint
from leakward.scanner.models import Finding
from leakward.scanner.report.text import printable

LIVENESS = ("live", "unknown", "dead")
NOT_CHECKED = "not checked"
_SHOWN_LOCATIONS = 20


def escape(value: object) -> str:
    """Scanned text as HTML text or attribute value: controls and bidi marks made visible (a path
    must not read differently from what it is), then every markup character escaped."""
    return html.escape(printable(str(value)), quote=True)


def liveness_of(fields: Mapping[str, object]) -> str:
    value = fields.get("liveness")
    return str(value) if value in LIVENESS else NOT_CHECKED


def file_section(
    path: str,
    findings: list[Finding],
    extras: Mapping[Finding, Mapping[str, object]],
    show_secrets: bool,
) -> str:
    rows = "".join(_row(f, extras[f], show_secrets) for f in findings)
    return (
        f'<section class="file" data-path="{escape(path)}">'
        f'<header><h2 class="mono">{escape(path)}</h2>'
        f'<span class="count">{plural(len(findings), "finding")}</span></header>'
        "<table><thead><tr><th>Line</th><th>Severity</th><th>Confidence</th><th>Rule</th>"
        "<th>Value</th><th>Liveness</th><th>Commit</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )


def _row(finding: Finding, fields: Mapping[str, object], show_secrets: bool) -> str:
    value = finding.secret.reveal() if show_secrets else finding.secret.redacted()
    printed = report_fingerprint(finding.secret.reveal())
    liveness = liveness_of(fields)
    severity = escape(finding.severity)
    haystack = " ".join(
        str(part)
        for part in (
            finding.origin.display,
            finding.rule_id,
            finding.rule_name,
            finding.provider,
            value,
            printed or "",
            finding.origin.commit or "",
            finding.origin.author or "",
            fields.get("message") or "",
            " ".join(_strings(fields.get("refs"))),
        )
    ).lower()
    decoded = (
        f'<span class="sub">decoded: {escape(">".join(finding.decoded_from))}</span>'
        if finding.decoded_from
        else ""
    )
    print_cell = (
        f'<span class="sub">fingerprint <code>{escape(printed)}</code></span>'
        if printed
        else '<span class="sub">no fingerprint (a guessable value; ignore it by path)</span>'
    )
    return (
        f'<tr class="finding" data-severity="{escape(finding.severity)}" '
        f'data-confidence="{escape(finding.confidence)}" '
        f'data-provider="{escape(finding.provider)}" '
        f'data-liveness="{escape(liveness)}" data-search="{escape(haystack)}">'
        f'<td class="where mono">{finding.line}:{finding.column}</td>'
        f'<td><span class="badge sev-{severity}">{severity}</span></td>'
        f"<td>{escape(finding.confidence)}</td>"
        f"<td>{escape(finding.rule_name)}"
        f'<span class="sub mono">{escape(finding.rule_id)}</span></td>'
        f'<td><code class="value">{escape(value)}</code>{decoded}{print_cell}</td>'
        f"<td>{_liveness_cell(liveness, fields)}</td>"
        f"<td>{_git_cell(finding, fields)}</td></tr>"
    )


def _liveness_cell(liveness: str, fields: Mapping[str, object]) -> str:
    if liveness == NOT_CHECKED:
        return '<span class="sub">not checked (--verify)</span>'
    parts = [f'<span class="badge live-{escape(liveness)}">{escape(liveness)}</span>']
    for key in ("liveness_reason", "identity"):
        if fields.get(key):
            parts.append(f'<span class="sub">{escape(fields[key])}</span>')
    return "".join(parts)


def _git_cell(finding: Finding, fields: Mapping[str, object]) -> str:
    origin = finding.origin
    if not origin.commit:
        return '<span class="sub">working tree</span>'
    parts = [f'<code title="{escape(origin.commit)}">{escape(origin.commit[:10])}</code>']
    for value in (fields.get("message"), origin.author, origin.date):
        if value:
            parts.append(f'<span class="sub">{escape(value)}</span>')
    refs = _strings(fields.get("refs"))
    if refs:
        parts.append(f'<span class="sub">refs: {escape(", ".join(refs))}</span>')
    return "".join(parts) + _locations(fields.get("locations"))


def _locations(value: object) -> str:
    """Other places the same secret was seen, folded away."""
    if not isinstance(value, list) or len(value) < 2:
        return ""
    items = "".join(
        "<li>"
        + escape(f"{place.get('path')}:{place.get('line')}")
        + (f" @ {escape(str(place.get('commit'))[:10])}" if place.get("commit") else "")
        + "</li>"
        for place in value[:_SHOWN_LOCATIONS]
        if isinstance(place, Mapping)
    )
    return f"<details><summary>seen in {len(value)} places</summary><ul>{items}</ul></details>"


def _strings(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list | tuple) else []


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
