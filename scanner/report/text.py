"""The text report: what a person reads in a terminal after `leakward scan`.

Stage: reporters. Findings grouped by file (files sorted, findings by line), one line each ending
with the fingerprint `.leakwardignore` takes, a line under it for a `--verify` verdict or a
registry match, then a summary line that also counts what ignore files and a baseline left out.
Values are redacted unless the user asked for `--show-secrets`. Colour only when
the caller asks for it (a TTY without NO_COLOR). Everything printed from the scanned world (paths,
values, extra fields) is escaped first: a file name or a leaked value could otherwise carry
terminal escape sequences or bidi controls into the user's terminal.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from leakward.rules.model import SEVERITIES
from leakward.scanner.fingerprint import report_fingerprint
from leakward.scanner.models import Finding, LeftOut, ScanResult
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
_LIVENESS_STYLE = {"live": "1;31", "dead": "32", "unknown": "2"}

# What left a path or finding out on purpose: (what it left out, how to include it again).
LEFT_OUT = {
    "gitignore": ("{n} ignored by .gitignore", "--no-ignore includes {them}"),
    "leakwardignore": ("{n} listed in .leakwardignore", "--no-ignore includes {them}"),
    "baseline": ("{n} in the baseline", "a scan without --baseline includes {them}"),
    "results": (
        "{n} whose verdict --results leaves out",
        "--results live,unknown,dead includes {them}",
    ),
}
_LEFT_OUT_NOUN = {"gitignore": "path"}


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
            fields = (extra(finding) if extra else None) or {}
            lines += filter(None, (_liveness_line(fields, paint), _match_line(fields)))
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
        f"scanned {_plural(stats.files, 'file')}, {size_text(stats.bytes)} in {stats.seconds:.2f} s"
    )
    if stats.carried:
        parts.append(f"{size_text(stats.carried)} of it unchanged since an earlier version")
    skipped = max(stats.skipped, len(result.skipped))
    if skipped:
        parts.append(f"skipped {skipped}{_reasons(item.reason for item in result.skipped)}")
    parts += left_out_phrases(result.left_out, with_flag=True)
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
    if finding.reason:
        fields.append(f"({printable(finding.reason)})")
    line = " ".join(fields)
    printed = report_fingerprint(finding.secret.reveal())
    if not printed:
        return line
    # The whole fingerprint: it is what a line of .leakwardignore takes. On its own line when
    # the finding's line has no room left for it.
    tail = f"fp:{printed}"
    if _visible_len(line) + 1 + len(tail) <= WIDTH:
        return f"{line} {tail}"
    return f"{line}\n      {tail}"


def _liveness_line(fields: Mapping[str, object], paint: _Painter) -> str | None:
    """`--verify`'s verdict: live, dead or unknown, with the provider's reason and identity."""
    liveness = fields.get("liveness")
    if not isinstance(liveness, str):
        return None
    said = [str(fields[key]) for key in ("liveness_reason", "identity") if fields.get(key)]
    detail = f": {printable('; '.join(said))}" if said else ""
    line = f"      {paint(printable(liveness), _LIVENESS_STYLE.get(liveness, _BOLD))}{detail}"
    return line if _visible_len(line) <= WIDTH else _cut(line)


def _cut(line: str) -> str:
    """A line cut to WIDTH visible columns; a coloured one loses its colour, not its reset."""
    return _ANSI.sub("", line)[: WIDTH - 1] + "…"


def left_out_phrases(left_out: Iterable[LeftOut], *, with_flag: bool = False) -> list[str]:
    """One phrase per cause: "left out 3 files ignored by .gitignore (--no-ignore includes them)"
    for the summary (`with_flag`), or "3 files ignored by .gitignore" for a report's panel."""
    counts = Counter(item.cause for item in left_out)
    phrases = []
    for cause, (template, how) in LEFT_OUT.items():
        if counts[cause]:
            phrase = template.format(n=_plural(counts[cause], _LEFT_OUT_NOUN.get(cause, "finding")))
            them = "them" if counts[cause] > 1 else "it"
            phrases.append(f"left out {phrase} ({how.format(them=them)})" if with_flag else phrase)
    return phrases


def verbose_lines(result: ScanResult) -> list[str]:
    """`--verbose`: each file skipped and why, and each file or finding left out and by what."""
    lines = [
        f"{'error' if item.is_error else 'skipped'}: "
        f"{printable(item.path)}: {printable(item.reason)}"
        for item in result.skipped
    ]
    for item in result.left_out:
        what, how = LEFT_OUT.get(item.cause, ("{n} left out", ""))
        reason = what.format(n="").strip()
        detail = f" ({printable(item.detail)})" if item.detail else ""
        lines.append(f"left out: {printable(item.path)}{detail}: {reason}; {how.format(them='it')}")
    return lines


def _match_line(fields: Mapping[str, object]) -> str | None:
    """A short line for the registry's `match` field, when the shell supplied one."""
    match = fields.get("match")
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


def size_text(count: int) -> str:
    """A byte count as people read it: 900 B, 47.1 KiB, 3.2 MiB."""
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
