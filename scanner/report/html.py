"""The HTML report: one self-contained page a person opens in a browser after a scan.

Stage: reporters. Findings grouped by file (files holding live keys first, then the most severe),
each with severity, confidence, liveness when verified, its fingerprint, and for git scans the
commit, author, date, refs and other places it was seen; filters and a search narrow them.

Self-contained: the styles and the script are inlined from `html_report.css` / `html_report.js`
beside this module, and a Content-Security-Policy allows exactly those two (by hash) and no
request to anywhere, so a report opened from a mail or a CI artefact cannot call out. Everything
from the scanned world (paths, values, commit subjects, refs) is escaped once, by
`html_rows.escape`; the script only shows and hides rows, it never turns text into markup.
Values are redacted unless the user asked for `--show-secrets`.

Written with the standard library alone: the page is a handful of fixed fragments, and one
escaping function is easier to audit than a template engine's autoescape settings.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources

from leakward.core.version import __version__
from leakward.rules.model import CONFIDENCES, SEVERITIES, severity_rank
from leakward.scanner.models import Finding, ScanResult
from leakward.scanner.report.html_rows import (
    LIVENESS,
    NOT_CHECKED,
    escape,
    file_section,
    liveness_of,
    plural,
)
from leakward.scanner.report.json_report import Extra
from leakward.scanner.report.text import left_out_phrases, size_text

_URGENCY = {"live": 0, "dead": 2}  # anything else (unknown, not checked): 1


def render_html(
    result: ScanResult,
    *,
    show_secrets: bool = False,
    extra: Extra | None = None,
    now: dt.datetime | None = None,
) -> str:
    """The whole report as one HTML document, ending with a newline."""
    extras = {f: dict((extra(f) if extra else None) or {}) for f in result.findings}
    verified = any("liveness" in fields for fields in extras.values())
    style, script = _asset("html_report.css"), _asset("html_report.js")
    when = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
    body = [
        "<header><h1>leakward scan report</h1>",
        f"<p>{escape(result.root)} · {when} · leakward {escape(__version__)}"
        + (" · <strong>values shown in plaintext (--show-secrets)</strong>" if show_secrets else "")
        + "</p></header>",
        _cards(result, extras, verified),
        _filters(result.findings, extras, verified),
        *(
            file_section(path, found, extras, show_secrets)
            for path, found in _by_file(result, extras)
        ),
        _no_match(result),
        _left_out_panel(result),
        "<footer>To accept a finding, add its fingerprint to <code>.leakwardignore</code> beside "
        "the scan root, or record it with <code>leakward baseline create</code>.</footer>",
    ]
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_policy(style, script)}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>leakward: {plural(len(result.findings), 'finding')}</title>"
        f"<style>{style}</style></head>\n<body>\n"
        + "\n".join(part for part in body if part)
        + f"\n<script>{script}</script>\n</body></html>\n"
    )


def _policy(style: str, script: str) -> str:
    """No fetch, image, font, frame or form anywhere; only our own style and script, by hash."""
    return (
        "default-src 'none'; "
        f"style-src '{_sha256(style)}'; script-src '{_sha256(script)}'; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )


def _sha256(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


@cache
def _asset(name: str) -> str:
    return resources.files(__package__ or "leakward.scanner.report").joinpath(name).read_text()


def _cards(
    result: ScanResult, extras: Mapping[Finding, Mapping[str, object]], verified: bool
) -> str:
    stats = result.stats
    counts = Counter(f.severity for f in result.findings)
    cards = [("findings", str(len(result.findings)), bool(result.findings))]
    cards += [
        (severity, str(counts[severity]), False) for severity in SEVERITIES if counts[severity]
    ]
    if verified:
        live = Counter(str(fields.get("liveness", NOT_CHECKED)) for fields in extras.values())
        cards += [(f"{state} keys", str(live[state]), state == "live") for state in LIVENESS]
    cards += [
        ("files scanned", str(stats.files), False),
        ("scanned", size_text(stats.bytes), False),
        ("skipped", str(max(stats.skipped, len(result.skipped))), False),
        ("left out", str(len(result.left_out)), False),
    ]
    if stats.errors:
        cards.append(("errors: scan incomplete", str(stats.errors), True))
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card{" alert" if alert else ""}"><b>{escape(value)}</b>'
            f"<span>{escape(label)}</span></div>"
            for label, value, alert in cards
        )
        + "</div>"
    )


def _filters(
    findings: Sequence[Finding], extras: Mapping[Finding, Mapping[str, object]], verified: bool
) -> str:
    if not findings:
        return ""
    groups = [
        ("severity", "Severity", _ordered({f.severity for f in findings}, SEVERITIES)),
        ("confidence", "Confidence", _ordered({f.confidence for f in findings}, CONFIDENCES)),
        ("provider", "Provider", sorted({f.provider for f in findings})),
    ]
    if verified:
        states = {liveness_of(extras[f]) for f in findings}
        groups.append(("liveness", "Liveness", _ordered(states, (*LIVENESS, NOT_CHECKED))))
    fieldsets = "".join(
        f"<fieldset><legend>{label}</legend>"
        + "".join(
            f'<label><input type="checkbox" data-filter="{name}" value="{escape(value)}" checked> '
            f"{escape(value)}</label>"
            for value in values
        )
        + "</fieldset>"
        for name, label, values in groups
    )
    return (
        '<form id="filters" role="search">'
        '<input type="search" id="search" placeholder="Search path, rule, commit, author…" '
        'aria-label="Search findings" autocomplete="off">'
        f'{fieldsets}<button type="button" id="reset">Reset</button>'
        f'<span id="shown" role="status">Showing {len(findings)} of {len(findings)} findings</span>'
        "</form>"
    )


def _ordered(present: set[str], order: Iterable[str]) -> list[str]:
    """`present` in `order`, values the order does not know last rather than dropped."""
    known = [value for value in order if value in present]
    return known + sorted(present - set(known))


def _by_file(
    result: ScanResult, extras: Mapping[Finding, Mapping[str, object]]
) -> list[tuple[str, list[Finding]]]:
    """Findings per file, in the order to act on them: files holding a key proven live first and
    those whose keys are all proven dead last (as Kingfisher ranks active over inactive), each
    band by its most severe finding, then by path; findings in a file by line."""
    groups: dict[str, list[Finding]] = {}
    for finding in result.findings:
        groups.setdefault(finding.origin.display, []).append(finding)

    def order(item: tuple[str, list[Finding]]) -> tuple[int, int, str]:
        path, found = item
        urgency = min(_URGENCY.get(liveness_of(extras[f]), 1) for f in found)
        return (urgency, -max(severity_rank(f.severity) for f in found), path)

    for found in groups.values():
        found.sort(key=lambda f: (f.line, f.column, f.origin.commit or ""))
    return sorted(groups.items(), key=order)


def _no_match(result: ScanResult) -> str:
    if not result.findings:
        return '<p class="panel" id="no-findings">No secrets found.</p>'
    return '<p id="no-match" hidden>No finding matches these filters.</p>'


def _left_out_panel(result: ScanResult) -> str:
    """What was skipped (and why) and what ignore files or a baseline left out."""
    parts: list[str] = []
    phrases = left_out_phrases(result.left_out)
    if phrases:
        parts.append("<p>Left out: " + escape("; ".join(phrases)) + "</p>")
    if result.skipped:
        items = "".join(
            f"<li><code>{escape(item.path)}</code>: {escape(item.reason)}</li>"
            for item in result.skipped
        )
        parts.append(
            f"<details><summary>{plural(len(result.skipped), 'file')} skipped</summary>"
            f"<ul>{items}</ul></details>"
        )
    if not parts:
        return ""
    return '<section class="panel" id="left-out">' + "".join(parts) + "</section>"
