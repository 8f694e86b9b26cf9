"""The text report: grouped, sorted, redacted, coloured only on request, 100 columns."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from leakward.core.errors import UsageError
from leakward.scanner.models import Finding, ScanResult
from leakward.scanner.report import FORMATS, render
from leakward.scanner.report.text import summary_line

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_grouped_by_sorted_file_then_line(scan_result: ScanResult) -> None:
    lines = render(scan_result, "text").splitlines()
    headers = [line for line in lines if line and not line.startswith(" ")]
    files = headers[: headers.index(next(h for h in headers if h.startswith("Found")))]
    assert files == [
        "config/ci.yaml",
        "deploy/env.sh",
        "dist/app bundle.js.map!src/api.ts",
        "src/settings.py",
    ]
    settings = lines[lines.index("src/settings.py") + 1 : lines.index("src/settings.py") + 3]
    assert [line.split()[0] for line in settings] == ["3:1", "12:9"]


def test_finding_line_fields(scan_result: ScanResult) -> None:
    text = render(scan_result, "text")
    decoded = next(line for line in text.splitlines() if "github.pat.classic" in line)
    assert decoded.split()[:3] == ["3:14", "critical", "github.pat.classic"]
    assert scan_result.findings[1].secret.redacted() in decoded
    assert "[decoded: base64>url]" in decoded
    git = next(line for line in text.splitlines() if "slack.bot_token" in line)
    assert "@0123456789" in git


def test_summary_counts_severities_files_and_skip_reasons(scan_result: ScanResult) -> None:
    text = render(scan_result, "text")
    summary = " ".join(text[text.index("Found") :].split())
    assert summary.startswith("Found 5 secrets (1 critical, 2 high, 1 medium, 1 low) in 4 files;")
    assert "scanned 12 files, 47.1 KiB in 0.42 s;" in summary
    assert "skipped 4 (2 binary, 1 too large, 1 permission denied)" in summary
    assert summary.endswith("1 error: the scan is incomplete")


def test_clean_scan_says_so(empty_result: ScanResult) -> None:
    assert render(empty_result, "text") == "No secrets found; scanned 3 files, 900 B in 0.01 s\n"


def test_fits_in_100_columns(scan_result: ScanResult) -> None:
    for line in render(scan_result, "text", color=True).splitlines():
        assert len(ANSI.sub("", line)) <= 100, line


def test_colour_only_when_asked(scan_result: ScanResult) -> None:
    plain = render(scan_result, "text")
    coloured = render(scan_result, "text", color=True)
    assert "\x1b" not in plain
    assert "\x1b[1;31mcritical" in coloured
    assert ANSI.sub("", coloured) == plain
    for fmt in ("json", "sarif"):
        assert "\x1b" not in render(scan_result, fmt, color=True)


def test_escape_sequences_from_scanned_paths_never_reach_the_terminal(
    scan_result: ScanResult,
) -> None:
    hostile = replace(
        scan_result.findings[0],
        origin=replace(scan_result.findings[0].origin, path="x\x1b]0;pwned\x07\u202e.py"),
    )
    text = render(replace(scan_result, findings=(hostile,)), "text")
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert "x\\x1b]0;pwned\\x07\\u202e.py" in text


def test_match_line_from_extra(scan_result: ScanResult) -> None:
    def extra(finding: Finding) -> dict[str, object] | None:
        if finding.provider != "acme":
            return None
        return {"match": {"owner": "payments", "status": "active", "consumers": [1]}}

    lines = render(scan_result, "text", extra=extra).splitlines()
    matches = [line.strip() for line in lines if "match:" in line]
    assert matches == ["match: owner=payments, status=active"] * 2


def test_unknown_format_is_a_usage_error(scan_result: ScanResult) -> None:
    assert FORMATS == ("text", "json", "sarif", "html")
    with pytest.raises(UsageError, match="xml") as caught:
        render(scan_result, "xml")
    assert caught.value.exit_code == 2
    assert "text, json, sarif, html" in str(caught.value)


def test_summary_line_alone_matches_the_report_ending(scan_result: ScanResult) -> None:
    for color in (False, True):
        summary = summary_line(scan_result, color=color)
        assert render(scan_result, "text", color=color).endswith(summary + "\n")
        assert ("\x1b" in summary) is color
