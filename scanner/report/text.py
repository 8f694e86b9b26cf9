"""The text report: what a person reads in a terminal after `leakward scan`.

Stage: reporters. Findings grouped by file (files sorted, findings by line), one line each, then
a summary line. Values are redacted unless the user asked for `--show-secrets`. Colour only when
the caller asks for it (a TTY without NO_COLOR). Everything printed from the scanned world (paths,
values, extra fields) is escaped first: a file name or a leaked value could otherwise carry
terminal escape sequences or bidi controls into the user's terminal.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from leakward.rules.model import SEVERITIES
from leakward.scanner.models import Finding, ScanResult
from leakward.scanner.report.json_report import Extra

WIDTH = 100
_RESET = "\x1b[0m"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_BOLD = "1"
_SEVERITY_STYLE = {
    "critical": "1;31",
    "high": "31",
    "medium": "33",
    "low": "36",
    "info": "2",
}
_RULE_ID_WIDTH = 32
_SKIP_REASONS_SHOWN = 4


def render_text(
    result: ScanResult,
    *,
    show_secrets: bool = False,
    color: bool = False,
    extra: Extra | None = None,
) -> str:
    """The report as lines of text, ending with a newline; ANSI colour only when `color`."""
    paint = _Painter(color)
    by_file: dict[str, list[Finding]] = {}
    for finding in result.findings:
        by_file.setdefault(finding.origin.display, []).append(finding)
    loc_width = max((len(_position(f)) for f in result.findings), default=0)
    rule_width = min(_RULE_ID_WIDTH, max((len(f.rule_id) for f in result.findings), default=0))
    lines: list[str] = []
    for path in sorted(by_file):
        lines.append(paint(printable(path), _BOLD))
        for finding in sorted(
            by_file[path], key=lambda f: (f.line, f.column, f.origin.commit or "")
        ):
            lines.append(_finding_line(finding, loc_width, rule_width, show_secrets, paint))
            match = _match_line(finding, extra)
            if match:
                lines.append(match)
        lines.append("")
    lines.append(_summary(result, paint))
    return "\n".join(lines) + "\n"


def summary_line(result: ScanResult, *, color: bool = False) -> str:
    """Findings by severity, files scanned, skipped (reasons counted), errors.

    One line, broken between parts where it would pass WIDTH columns. The text report ends with
    it; the CLI can also print it to stderr when the report itself goes to a file.
    """
    return _summary(result, _Painter(color))


def _summary(result: ScanResult, paint: _Painter) -> str:
    stats = result.stats
    parts: list[str] = []
    if result.findings:
        counts = Counter(finding.severity for finding in result.findings)
        by_severity = ", ".join(
            paint(f"{counts[severity]} {printable(severity)}", _style(severity))
            for severity in _severity_order(counts)
        )
        files = len({finding.origin.display for finding in result.findings})
        noun = "secret" if len(result.findings) == 1 else "secrets"
        head = paint(f"Found {len(result.findings)} {noun}", _BOLD)
        parts.append(f"{head} ({by_severity}) in {_plural(files, 'file')}")
    else:
        parts.append(paint("No secrets found", _BOLD))
    parts.append(
        f"scanned {_plural(stats.files, 'file')}, {_size(stats.bytes)} in {stats.seconds:.2f} s"
    )
    if stats.carried:
        parts.append(f"{_size(stats.carried)} of it unchanged since an earlier version")
    skipped = max(stats.skipped, len(result.skipped))
    if skipped:
        parts.append(f"skipped {skipped}{_reasons(item.reason for item in result.skipped)}")
    if stats.errors:
        # An error means part of the input went unread: say so, since the exit code (4) does.
        incomplete = f"{_plural(stats.errors, 'error')}: the scan is incomplete"
        parts.append(paint(incomplete, _SEVERITY_STYLE["high"]))
    return _wrap(parts, "; ")


def _wrap(parts: list[str], separator: str) -> str:
    """Joins parts on one line, breaking between parts where the line would pass WIDTH."""
    lines = [parts[0]]
    for part in parts[1:]:
        candidate = lines[-1] + separator + part
        if _visible_len(candidate) <= WIDTH:
            lines[-1] = candidate
        else:
            lines[-1] += separator.rstrip()
            lines.append(part)
    return "\n".join(lines)


def _visible_len(text: str) -> int:
    return len(_ANSI.sub("", text))


def printable(text: str) -> str:
    """`text` with every non-printable character (controls, bidi marks, lone surrogates) escaped."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else _escape(char) for char in text)


class _Painter:
    """Wraps text in an ANSI style, or returns it unchanged when colour is off."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, style: str) -> str:
        return f"\x1b[{style}m{text}{_RESET}" if self.enabled else text


def _finding_line(
    finding: Finding, loc_width: int, rule_width: int, show_secrets: bool, paint: _Painter
) -> str:
    value = finding.secret.reveal() if show_secrets else finding.secret.redacted()
    severity = finding.severity.ljust(8)
    fields = [
        " ",
        _position(finding).rjust(loc_width),
        paint(severity, _style(finding.severity)),
        printable(finding.rule_id).ljust(rule_width),
        printable(value),
    ]
    if finding.decoded_from:
        fields.append(f"[decoded: {printable('>'.join(finding.decoded_from))}]")
    if finding.origin.commit:
        fields.append(f"@{printable(finding.origin.commit[:10])}")
    return " ".join(fields)


def _match_line(finding: Finding, extra: Extra | None) -> str | None:
    """A short line for the registry's `match` field, when the shell supplied one."""
    if extra is None:
        return None
    match = (extra(finding) or {}).get("match")
    if match is None:
        return None
    if isinstance(match, Mapping):
        shown = ", ".join(
            f"{key}={value}"
            for key, value in match.items()
            if isinstance(value, str | int | float | bool)
        )
    else:
        shown = str(match)
    line = f"      match: {printable(shown)}"
    return line if len(line) <= WIDTH else line[: WIDTH - 1] + "…"


def _style(severity: str) -> str:
    return _SEVERITY_STYLE.get(severity, _BOLD)


def _position(finding: Finding) -> str:
    return f"{finding.line}:{finding.column}"


def _severity_order(counts: Counter[str]) -> list[str]:
    """Worst first; a severity the rules module does not know goes last rather than vanishing."""
    known = [severity for severity in SEVERITIES if counts[severity]]
    return known + sorted(set(counts) - set(SEVERITIES))


def _reasons(reasons: Iterable[str]) -> str:
    counts = Counter(reasons).most_common()
    if not counts:
        return ""
    shown = [f"{count} {printable(reason)}" for reason, count in counts[:_SKIP_REASONS_SHOWN]]
    if len(counts) > _SKIP_REASONS_SHOWN:
        shown.append(f"{sum(count for _, count in counts[_SKIP_REASONS_SHOWN:])} other")
    return f" ({', '.join(shown)})"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} B"
    size = count / 1024
    for unit in ("KiB", "MiB"):
        if size < 1024:
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"
