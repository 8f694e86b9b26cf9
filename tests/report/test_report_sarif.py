"""The SARIF report: valid against the official 2.1.0 schema, and right where GitHub looks."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from leakward.core.version import __version__
from leakward.scanner.fingerprint import fingerprint
from leakward.scanner.models import Finding, ScanResult
from leakward.scanner.report import render

# The OASIS SARIF 2.1.0 (errata 01) schema, kept as test data.
SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _sarif(result: ScanResult, **options: Any) -> dict[str, Any]:
    document = json.loads(render(result, "sarif", **options))
    assert isinstance(document, dict)
    return document


def _errors(validator: jsonschema.protocols.Validator, document: object) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


@pytest.mark.parametrize("show_secrets", [False, True])
def test_validates_against_the_official_schema(
    validator: jsonschema.protocols.Validator, scan_result: ScanResult, show_secrets: bool
) -> None:
    document = _sarif(scan_result, show_secrets=show_secrets, extra=lambda f: {"match": None})
    assert _errors(validator, document) == []


def test_empty_scan_validates(
    validator: jsonschema.protocols.Validator, empty_result: ScanResult
) -> None:
    document = _sarif(empty_result)
    assert _errors(validator, document) == []
    assert document["runs"][0]["results"] == []
    assert document["runs"][0]["tool"]["driver"]["rules"] == []


def test_the_schema_check_can_fail(
    validator: jsonschema.protocols.Validator, scan_result: ScanResult
) -> None:
    """Guards the test above against a schema or validator that accepts anything."""
    broken = copy.deepcopy(_sarif(scan_result))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    del broken["runs"][0]["tool"]["driver"]["name"]
    assert len(_errors(validator, broken)) == 2


def test_tool_and_rules(scan_result: ScanResult) -> None:
    document = _sarif(scan_result)
    assert document["version"] == "2.1.0"
    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "leakward"
    assert driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    # One descriptor per rule that has findings, even when it has several.
    assert [rule["id"] for rule in rules] == sorted({f.rule_id for f in scan_result.findings})
    by_id = {rule["id"]: rule for rule in rules}
    assert by_id["github.pat.classic"]["defaultConfiguration"]["level"] == "error"
    assert by_id["acme.api_key.live"]["defaultConfiguration"]["level"] == "error"
    assert by_id["aws.secret_access_key"]["defaultConfiguration"]["level"] == "warning"
    assert by_id["slack.bot_token"]["defaultConfiguration"]["level"] == "note"
    acme = by_id["acme.api_key.live"]
    assert acme["name"] == "Acme live API key"
    assert acme["shortDescription"]["text"] == "Acme live API key"
    assert acme["properties"]["severity"] == "high"
    assert acme["properties"]["provider"] == "acme"
    assert "acme" in acme["properties"]["tags"]


def test_results_point_at_their_rule_and_place(scan_result: ScanResult) -> None:
    (run,) = _sarif(scan_result)["runs"]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == len(scan_result.findings)
    for result, finding in zip(results, scan_result.findings, strict=True):
        assert result["ruleId"] == finding.rule_id
        assert rules[result["ruleIndex"]]["id"] == finding.rule_id
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region == {
            "startLine": finding.line,
            "startColumn": finding.column,
            "endLine": finding.end_line,
            "endColumn": finding.end_column,
        }
        assert result["partialFingerprints"] == {
            "leakward/v1": fingerprint(finding.secret.reveal())
        }
        assert finding.rule_name in result["message"]["text"]
        assert finding.secret.redacted() in result["message"]["text"]
    assert [r["level"] for r in results] == ["error", "error", "warning", "note", "error"]


def test_nested_finding_points_at_the_outer_file(scan_result: ScanResult) -> None:
    (run,) = _sarif(scan_result)["runs"]
    nested = run["results"][2]
    (location,) = nested["locations"]
    # The outer file, URI-escaped: it is the one a viewer can open.
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "dist/app%20bundle.js.map"
    (logical,) = location["logicalLocations"]
    assert logical["fullyQualifiedName"] == "dist/app bundle.js.map!src/api.ts"
    assert nested["properties"]["file"] == "dist/app bundle.js.map!src/api.ts"
    assert nested["properties"]["keyId"] == "AKIAQ3V9XT2MKP7LWR4S"
    assert "logicalLocations" not in run["results"][0]["locations"][0]


def test_git_provenance_and_decoding_in_properties(scan_result: ScanResult) -> None:
    (run,) = _sarif(scan_result)["runs"]
    plain, decoded, _, git, _ = run["results"]
    assert git["properties"]["commit"] == "0123456789abcdef0123456789abcdef01234567"
    assert git["properties"]["author"] == "Ada Lovelace <ada@example.test>"
    assert "commit" not in plain["properties"]
    assert decoded["properties"]["decodedFrom"] == ["base64", "url"]


def test_extra_fields_go_under_properties(scan_result: ScanResult) -> None:
    def extra(finding: Finding) -> dict[str, object]:
        return {"match": {"owner": "payments"}} if finding.provider == "acme" else {}

    (run,) = _sarif(scan_result, extra=extra)["runs"]
    assert run["results"][0]["properties"]["match"] == {"owner": "payments"}
    assert "match" not in run["results"][1]["properties"]


def test_skipped_files_become_notifications(scan_result: ScanResult) -> None:
    (run,) = _sarif(scan_result)["runs"]
    (invocation,) = run["invocations"]
    notes = invocation["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["note", "note", "note", "warning"]
    assert "permission denied" in notes[3]["message"]["text"]
