"""The JSON report: the machine-readable contract other tools and CI read.

Stage: reporters. Shape, version 1 (add keys freely, never rename or retype one without bumping
`version`):

    {"version": 1,
     "findings": [{"rule_id", "rule_name", "provider", "severity", "confidence", "file", "line",
                   "column", "end_line", "end_column", "commit", "author", "date", "fingerprint",
                   "redacted", "decoded_from", "key_id", ["reason"], ["secret"], ...extra}],
     "stats": {"files", "bytes", "skipped", "errors", "seconds"},
     "skipped": [{"path", "reason"}],
     "left_out": [{"path", "cause", "detail"}]}

`left_out` is what was left out on purpose: a path `.gitignore` ignores (cause "gitignore"), or
a finding `.leakwardignore` lists, a baseline holds or `--results` did not ask for (causes
"leakwardignore", "baseline", "results"; `detail` gives its line, column and rule).

A secret's value appears only as `redacted` and `fingerprint`, unless the user asked for
`--show-secrets`, which adds `secret`. The helpers here are shared with the SARIF reporter.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from pathlib import PurePath

from leakward.scanner.fingerprint import report_fingerprint
from leakward.scanner.models import Finding, ScanResult, ScanStats, Secret

JSON_VERSION = 1

# Lets the shell add fields to each finding (the registry's "match", the git source's
# "locations") without the scanner importing either.
Extra = Callable[[Finding], Mapping[str, object] | None]

_FINDING_KEYS = frozenset(
    {
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
        "reason",
        "secret",
    }
)


def render_json(
    result: ScanResult, *, show_secrets: bool = False, extra: Extra | None = None
) -> str:
    """The whole report as indented JSON text, ending with a newline."""
    document = {
        "version": JSON_VERSION,
        "findings": [
            finding_record(finding, show_secrets=show_secrets, extra=extra)
            for finding in result.findings
        ],
        "stats": stats_record(result.stats),
        "skipped": [{"path": item.path, "reason": item.reason} for item in result.skipped],
        "left_out": [
            {"path": item.path, "cause": item.cause, "detail": item.detail or None}
            for item in result.left_out
        ],
    }
    return dump_json(document)


def finding_record(
    finding: Finding, *, show_secrets: bool = False, extra: Extra | None = None
) -> dict[str, object]:
    """One finding as a JSON object, in the contract's key order."""
    origin = finding.origin
    record: dict[str, object] = {
        "rule_id": finding.rule_id,
        "rule_name": finding.rule_name,
        "provider": finding.provider,
        "severity": finding.severity,
        "confidence": finding.confidence,
        "file": origin.display,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "commit": origin.commit,
        "author": origin.author,
        "date": origin.date,
        # None for a guessable value without a team key (see scanner/fingerprint.py).
        "fingerprint": report_fingerprint(finding.secret.reveal()),
        "redacted": finding.secret.redacted(),
        "decoded_from": list(finding.decoded_from) if finding.decoded_from else None,
        "key_id": finding.key_id,
    }
    if finding.reason:
        record["reason"] = finding.reason
    if show_secrets:
        record["secret"] = finding.secret.reveal()
    record.update(extra_fields(finding, extra, reserved=_FINDING_KEYS))
    return record


def stats_record(stats: ScanStats) -> dict[str, object]:
    return {
        "files": stats.files,
        "bytes": stats.bytes,
        "skipped": stats.skipped,
        "errors": stats.errors,
        "seconds": round(stats.seconds, 3),
        "bytes_carried": stats.carried,
    }


def extra_fields(
    finding: Finding, extra: Extra | None, *, reserved: frozenset[str]
) -> dict[str, object]:
    """The shell's fields for one finding, refusing any that would overwrite ours.

    An overwrite could silently replace `redacted` with something worse, so it is a bug to fix in
    the caller, not something to paper over here.
    """
    if extra is None:
        return {}
    fields = dict(extra(finding) or {})
    clashes = sorted(reserved.intersection(fields))
    if clashes:
        raise ValueError(
            f"extra report fields {clashes} would overwrite leakward's own; rename them"
        )
    return fields


def dump_json(document: object) -> str:
    # ASCII-only: a control or bidi character from a scanned path cannot reach a terminal that
    # shows the report, and any consumer decodes it whatever its locale.
    return json.dumps(document, indent=2, default=_json_default) + "\n"


def _json_default(value: object) -> object:
    """Encodes the few non-JSON values `extra` may hand us; a Secret only ever as redacted."""
    if isinstance(value, Secret):
        return value.redacted()
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, PurePath):
        return value.as_posix()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    # Not str(value): bytes or an unknown object could print a raw secret.
    raise TypeError(f"cannot put a {type(value).__name__} into a report; convert it first")
