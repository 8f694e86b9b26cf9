"""The bridge from scanner findings to the registry: `scan --match` and `scan --record`.

Stage: shell (between the engine's findings and the registry). This is the one module that knows
both `scanner` and `registry`; the registry itself only ever sees fingerprints, key ids and hints.
The secret is revealed here only to be fingerprinted and hinted, never stored or printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from leakward.registry import LeakLocation, LeakSighting, Match, MatchQuery, Registry, hint_of
from leakward.scanner.models import Finding


def open_registry(db_url: str | None = None) -> Registry:
    """The registry at `db_url`, else `$LEAKWARD_DB`, else the default SQLite file; migrated."""
    return Registry.open(db_url)


def query_for(registry: Registry, finding: Finding) -> MatchQuery:
    value = finding.secret.reveal()
    return MatchQuery(
        fingerprint=registry.fingerprint(value),
        provider=finding.provider or None,
        key_id=finding.key_id,
        hint=hint_of(value),
    )


def match_json(match: Match | None) -> dict[str, object] | None:
    """The `match` object a JSON finding carries, or None for a secret the registry lacks."""
    if match is None:
        return None
    return {
        "entry_id": match.entry_id,
        "key_id": match.key_id,
        "owner": match.owner,
        "status": match.status,
        "method": match.method,
        "confidence": match.confidence,
    }


def match_findings(
    registry: Registry, findings: Sequence[Finding]
) -> list[dict[str, object] | None]:
    """For each finding, in order, its JSON-ready `match` object or None (one batched lookup)."""
    matches = registry.match([query_for(registry, finding) for finding in findings])
    return [match_json(match) for match in matches]


def sightings_for(
    registry: Registry,
    findings: Sequence[Finding],
    *,
    source_kind: str,
    is_public: bool,
    repository: str | None,
    detected_at: datetime | None = None,
    leaked_at: datetime | None = None,
) -> list[LeakSighting]:
    """Each finding as a matched leak sighting; `leaked_at` stands in where git gives no date
    (a push's time). The registry lookup is read-only, so callers may write in one transaction."""
    if not findings:
        return []
    queries = [query_for(registry, finding) for finding in findings]
    matches = registry.match(queries)
    now = detected_at or datetime.now(UTC)
    return [
        LeakSighting(
            fingerprint=query.fingerprint,
            source_kind=source_kind,
            location=_location(finding, repository),
            detected_at=now,
            is_public=is_public,
            provider=finding.provider or None,
            rule_id=finding.rule_id,
            key_id=finding.key_id,
            hint=query.hint,
            leaked_at=_leaked_at(finding) or leaked_at,
            match=match,
        )
        for finding, query, match in zip(findings, queries, matches, strict=True)
    ]


def record_leaks(
    registry: Registry,
    findings: Sequence[Finding],
    *,
    source_kind: str,
    is_public: bool,
    repository: str | None,
    detected_at: datetime | None = None,
) -> int:
    """Match and store every finding as a leak sighting; returns how many distinct leaks."""
    sightings = sightings_for(
        registry,
        findings,
        source_kind=source_kind,
        is_public=is_public,
        repository=repository,
        detected_at=detected_at,
    )
    return len(set(registry.record_leaks(sightings))) if sightings else 0


def _location(finding: Finding, repository: str | None) -> LeakLocation:
    origin = finding.origin
    return LeakLocation(
        repository=repository or "",
        commit=origin.commit or "",
        path=origin.display,
        line=finding.line,
        url=dict(origin.extra).get("url", ""),
    )


def _leaked_at(finding: Finding) -> datetime | None:
    """The commit or push time the scanner knows, if any; naive times are taken as UTC."""
    if not finding.origin.date:
        return None
    try:
        moment = datetime.fromisoformat(finding.origin.date)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
