"""Reporters: turn a ScanResult into text for people, JSON for tools, SARIF for code scanning,
and one self-contained HTML page to open in a browser.

Stage: reporters, the last stage of a scan. Every format names a secret only by its redacted
form and keyed fingerprint; `show_secrets` (the user's explicit `--show-secrets`) is the one way
plaintext gets into a report, and it is meant for a local report only.

`extra` lets the shell add fields per finding without the scanner importing the registry or the
git source: JSON merges them into the finding object, SARIF puts them under `result.properties`,
and text shows a short line for a `"match"` field.
"""

from __future__ import annotations

from leakward.core.errors import UsageError
from leakward.scanner.models import ScanResult
from leakward.scanner.report.html import render_html
from leakward.scanner.report.json_report import Extra, render_json
from leakward.scanner.report.sarif import render_sarif
from leakward.scanner.report.text import render_text, summary_line, verbose_lines

FORMATS = ("text", "json", "sarif", "html")

__all__ = ["FORMATS", "Extra", "render", "summary_line", "verbose_lines"]


def render(
    result: ScanResult,
    fmt: str,
    *,
    show_secrets: bool = False,
    color: bool = False,
    extra: Extra | None = None,
) -> str:
    """`result` as a report in `fmt` (one of FORMATS), ending with a newline.

    `color` only affects text; the caller decides it (a TTY, and NO_COLOR unset).
    """
    if fmt == "text":
        return render_text(result, show_secrets=show_secrets, color=color, extra=extra)
    if fmt == "json":
        return render_json(result, show_secrets=show_secrets, extra=extra)
    if fmt == "sarif":
        return render_sarif(result, show_secrets=show_secrets, extra=extra)
    if fmt == "html":
        return render_html(result, show_secrets=show_secrets, extra=extra)
    raise UsageError(
        f"unknown report format {fmt!r}", hint=f"use --format with one of: {', '.join(FORMATS)}"
    )
