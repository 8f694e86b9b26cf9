"""The JSON report's contract: exact keys, types, order and values."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from leakward.scanner.fingerprint import fingerprint
from leakward.scanner.models import Finding, ScanResult, Secret
from leakward.scanner.report import render

FINDING_KEYS = [
    "rule_id",
    "rule_name",
    "provider",
    "severity",
    "confidence",
    "file",
    "line",
    "column",
    "end_line",
    "end_column",
    "commit",
    "author",
    "date",
    "fingerprint",
    "redacted",
    "decoded_from",
    "key_id",
]
STR, INT, OPT_STR = (str,), (int,), (str, type(None))
FINDING_TYPES = {
    "rule_id": STR,
    "rule_name": STR,
    "provider": STR,
    "severity": STR,
    "confidence": STR,
    "file": STR,
    "line": INT,
    "column": INT,
    "end_line": INT,
    "end_column": INT,
    "commit": OPT_STR,
    "author": OPT_STR,
    "date": OPT_STR,
    "fingerprint": STR,
    "redacted": STR,
    "decoded_from": (list, type(None)),
    "key_id": OPT_STR,
}


def _document(result: ScanResult, **options: object) -> dict[str, object]:
    text = render(result, "json", **options)  # type: ignore[arg-type]
    assert text.endswith("\n")
    document = json.loads(text)
    assert isinstance(document, dict)
    return document


def _findings(document: dict[str, object]) -> list[dict[str, object]]:
    findings = document["findings"]
    assert isinstance(findings, list)
    return findings


def test_top_level_shape(scan_result: ScanResult) -> None:
    document = _document(scan_result)
    assert list(document) == ["version", "findings", "stats", "skipped", "left_out"]
    assert document["version"] == 1
    assert document["stats"] == {
        "files": 12,
        "bytes": 48_213,
        "skipped": 4,
        "errors": 1,
        "seconds": 0.421,
        "bytes_carried": 0,
    }
    assert document["skipped"] == [
        {"path": "assets/logo.png", "reason": "binary"},
        {"path": "data/dump.sql", "reason": "too large"},
        {"path": "assets/icon.ico", "reason": "binary"},
        {"path": "secret/locked.txt", "reason": "permission denied"},
    ]


def test_every_finding_has_exactly_the_contract_keys_and_types(scan_result: ScanResult) -> None:
    findings = _findings(_document(scan_result))
    assert len(findings) == len(scan_result.findings)
    for record in findings:
        assert list(record) == FINDING_KEYS
        for key, types in FINDING_TYPES.items():
            assert isinstance(record[key], types), key
            # bool is an int in Python; the contract's numbers are never booleans.
            assert not isinstance(record[key], bool), key


def test_findings_keep_the_order_given(scan_result: ScanResult) -> None:
    records = _findings(_document(scan_result))
    assert [(r["file"], r["line"]) for r in records] == [
        (f.origin.display, f.line) for f in scan_result.findings
    ]


def test_finding_values(scan_result: ScanResult) -> None:
    plain, decoded, nested, git, _ = _findings(_document(scan_result))
    raw = scan_result.findings[0].secret.reveal()
    assert plain["rule_id"] == "acme.api_key.live"
    assert plain["file"] == "src/settings.py"
    assert (plain["line"], plain["column"], plain["end_line"], plain["end_column"]) == (
        12,
        9,
        12,
        9 + len(raw),
    )
    assert plain["fingerprint"] == fingerprint(raw)
    assert plain["redacted"] == Secret(raw).redacted()
    assert plain["commit"] is plain["author"] is plain["date"] is None
    assert decoded["decoded_from"] == ["base64", "url"]
    assert decoded["severity"] == "critical"
    assert nested["file"] == "dist/app bundle.js.map!src/api.ts"
    assert nested["key_id"] == "AKIAQ3V9XT2MKP7LWR4S"
    assert git["commit"] == "0123456789abcdef0123456789abcdef01234567"
    assert git["author"] == "Ada Lovelace <ada@example.test>"
    assert git["date"] == "2024-05-01T12:00:00+00:00"


def test_show_secrets_adds_the_plaintext(scan_result: ScanResult) -> None:
    records = _findings(_document(scan_result, show_secrets=True))
    for record, finding in zip(records, scan_result.findings, strict=True):
        assert list(record) == [*FINDING_KEYS, "secret"]
        assert record["secret"] == finding.secret.reveal()


def test_extra_fields_are_merged_into_the_finding(scan_result: ScanResult) -> None:
    def extra(finding: Finding) -> dict[str, object] | None:
        if finding.provider != "acme":
            return None
        return {"match": {"owner": "payments", "status": "active"}, "locations": [1, 2]}

    records = _findings(_document(scan_result, extra=extra))
    assert records[0]["match"] == {"owner": "payments", "status": "active"}
    assert records[0]["locations"] == [1, 2]
    assert "match" not in records[1]


def test_extra_cannot_overwrite_a_contract_field(scan_result: ScanResult) -> None:
    with pytest.raises(ValueError, match="redacted"):
        render(scan_result, "json", extra=lambda finding: {"redacted": "x"})


def test_a_secret_handed_back_through_extra_is_redacted(scan_result: ScanResult) -> None:
    raw = "acme_live_ZZv9xT2mKp7LwR4sZ8bN1cYd6hJf0gQQ"
    text = render(scan_result, "json", extra=lambda finding: {"echo": Secret(raw)})
    assert raw not in text
    assert _findings(json.loads(text))[0]["echo"] == Secret(raw).redacted()


def test_an_unknown_extra_value_type_is_refused_not_stringified(scan_result: ScanResult) -> None:
    with pytest.raises(TypeError, match="bytes"):
        render(scan_result, "json", extra=lambda finding: {"raw": b"acme_live_x"})


def test_empty_scan(empty_result: ScanResult) -> None:
    document = _document(empty_result)
    assert document["findings"] == []
    assert document["skipped"] == []


def test_output_is_ascii_even_for_unusual_paths(scan_result: ScanResult) -> None:
    finding = replace(
        scan_result.findings[0],
        origin=replace(scan_result.findings[0].origin, path="r\u00e9sum\u00e9/\u202ex.py"),
    )
    text = render(replace(scan_result, findings=(finding,)), "json")
    assert text.isascii()
    assert _findings(json.loads(text))[0]["file"] == "r\u00e9sum\u00e9/\u202ex.py"
