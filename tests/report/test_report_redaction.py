"""No report names a secret's value unless the user asked for --show-secrets."""

from __future__ import annotations

import pytest

from leakward.scanner.models import Finding, ScanResult
from leakward.scanner.report import FORMATS, render


def _raw_secrets(result: ScanResult) -> list[str]:
    return [finding.secret.reveal() for finding in result.findings]


def _extra(finding: Finding) -> dict[str, object]:
    return {"match": {"owner": "payments", "key": finding.secret}}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("color", [False, True])
def test_no_plaintext_without_show_secrets(scan_result: ScanResult, fmt: str, color: bool) -> None:
    for extra in (None, _extra):
        text = render(scan_result, fmt, color=color, extra=extra)
        for raw in _raw_secrets(scan_result):
            assert raw not in text
            # Nor a long enough piece of it to be useful.
            assert raw[len(raw) // 4 : -len(raw) // 4] not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_show_secrets_puts_the_plaintext_in(scan_result: ScanResult, fmt: str) -> None:
    text = render(scan_result, fmt, show_secrets=True)
    for raw in _raw_secrets(scan_result):
        assert raw in text
