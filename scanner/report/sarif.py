"""The SARIF 2.1.0 report, for GitHub code scanning and other SARIF viewers.

Stage: reporters. One run, one rule descriptor per rule that has findings, one result per
finding. `partialFingerprints["leakward/v1"]` is the keyed fingerprint of the secret, so code
scanning keeps one alert per leaked value across runs however the file around it changes.
A finding inside a container (`app.apk!classes.dex`) points at the outer file, the only one a
viewer can open, and names the full path in a logical location and in its properties.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from leakward.core.version import __version__
from leakward.scanner.fingerprint import fingerprint, report_fingerprint
from leakward.scanner.models import Finding, ScanResult, Skipped
from leakward.scanner.report.json_report import Extra, dump_json, extra_fields, stats_record

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/leakward/leakward"
FINGERPRINT_KEY = "leakward/v1"
# Paths are relative to the scan root; viewers resolve this base to the checkout.
URI_BASE_ID = "%SRCROOT%"

LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub ranks security alerts by this CVSS-like score (critical >= 9.0, high >= 7.0, ...).
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}

_RESULT_PROPERTY_KEYS = frozenset(
    {
        "severity",
        "confidence",
        "provider",
        "file",
        "commit",
        "author",
        "date",
        "redacted",
        "reason",
        "decodedFrom",
        "keyId",
    }
)


def render_sarif(
    result: ScanResult, *, show_secrets: bool = False, extra: Extra | None = None
) -> str:
    """The whole report as SARIF 2.1.0 JSON text, ending with a newline."""
    rule_ids = sorted({finding.rule_id for finding in result.findings})
    rule_index = {rule_id: index for index, rule_id in enumerate(rule_ids)}
    first_of_rule: dict[str, Finding] = {}
    for finding in result.findings:
        first_of_rule.setdefault(finding.rule_id, finding)
    run: dict[str, object] = {
        "tool": {
            "driver": {
                "name": "leakward",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(first_of_rule[rule_id]) for rule_id in rule_ids],
            }
        },
        # Our columns count characters; SARIF's default would be UTF-16 code units.
        "columnKind": "unicodeCodePoints",
        "invocations": [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [_notification(item) for item in result.skipped],
            }
        ],
        "results": [
            sarif_result(finding, rule_index[finding.rule_id], show_secrets, extra)
            for finding in result.findings
        ],
        "properties": {"stats": stats_record(result.stats)},
    }
    return dump_json({"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]})


def rule_descriptor(finding: Finding) -> dict[str, object]:
    """The reportingDescriptor for a rule, from the first finding of it (all agree on these)."""
    properties: dict[str, object] = {
        "tags": _unique(["security", "secret", finding.provider, *finding.tags]),
        "severity": finding.severity,
        "provider": finding.provider,
    }
    if finding.severity in SECURITY_SEVERITY:
        properties["security-severity"] = SECURITY_SEVERITY[finding.severity]
    return {
        "id": finding.rule_id,
        "name": finding.rule_name,
        "shortDescription": {"text": finding.rule_name},
        "help": {
            "text": (
                f"Treat a leaked {finding.rule_name} as compromised: rotate it first "
                "(`leakward rotate`), then remove it from the code and from its history."
            )
        },
        "defaultConfiguration": {"level": LEVELS.get(finding.severity, "warning")},
        "properties": properties,
    }


def sarif_result(
    finding: Finding, rule_index: int, show_secrets: bool, extra: Extra | None
) -> dict[str, object]:
    origin = finding.origin
    shown = finding.secret.reveal() if show_secrets else finding.secret.redacted()
    text = f"{finding.rule_name}: {shown}"
    if origin.nested:
        text += f" in {origin.display}"
    if finding.decoded_from:
        text += f" (decoded: {'>'.join(finding.decoded_from)})"
    location: dict[str, object] = {
        "physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(origin.path), "uriBaseId": URI_BASE_ID},
            "region": {
                "startLine": finding.line,
                "startColumn": finding.column,
                "endLine": finding.end_line,
                "endColumn": finding.end_column,
            },
        }
    }
    if origin.nested:
        location["logicalLocations"] = [
            {"fullyQualifiedName": origin.display, "name": origin.nested[-1], "kind": "resource"}
        ]
    return {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: _partial_fingerprint(finding)},
        "properties": _result_properties(finding, extra),
    }


def _partial_fingerprint(finding: Finding) -> str:
    """The secret's fingerprint; for a guessable value without a team key, one of its rule and
    place instead, which code scanning can still follow from run to run but which confirms no
    guess of the value."""
    by_value = report_fingerprint(finding.secret.reveal())
    if by_value is not None:
        return by_value
    return "place:" + fingerprint(f"{finding.rule_id}\0{finding.origin.display}")


def artifact_uri(path: str) -> str:
    """A relative URI reference for a scan-root-relative path (spaces, `#`, `%` escaped)."""
    return quote(path.replace("\\", "/"), safe="/!$&'()*+,;=:@-._~")


def _result_properties(finding: Finding, extra: Extra | None) -> dict[str, object]:
    origin = finding.origin
    properties: dict[str, object] = {
        "severity": finding.severity,
        "confidence": finding.confidence,
        "provider": finding.provider,
        "file": origin.display,
        "redacted": finding.secret.redacted(),
    }
    known: Mapping[str, object | None] = {
        "commit": origin.commit,
        "author": origin.author,
        "date": origin.date,
        "keyId": finding.key_id,
        "decodedFrom": list(finding.decoded_from) if finding.decoded_from else None,
        "reason": finding.reason,
    }
    properties.update({key: value for key, value in known.items() if value is not None})
    properties.update(extra_fields(finding, extra, reserved=_RESULT_PROPERTY_KEYS))
    return properties


def _notification(item: Skipped) -> dict[str, object]:
    return {
        "level": "warning" if item.is_error else "note",
        "message": {"text": f"skipped {item.path}: {item.reason}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(item.path), "uriBaseId": URI_BASE_ID}
                }
            }
        ],
    }


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))
