"""The shell bridge: scanner findings become registry matches and leak records."""

from __future__ import annotations

from leakward.registry import NewKey, Owner, Registry, parse_hint
from leakward.response.registry_match import match_findings, record_leaks
from leakward.scanner.models import Finding, Origin, Secret

OPENAI = "sk-proj-LinkTestKey000000000000000000000mnop"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYLINKTESTKEY"
AWS_ID = "AKIAIOSFODNN7LINKTST"


def _finding(secret: str, provider: str, *, key_id: str | None = None, line: int = 3) -> Finding:
    return Finding(
        rule_id=f"{provider}.key",
        rule_name=f"{provider} key",
        provider=provider,
        severity="high",
        confidence="high",
        secret=Secret(secret),
        origin=Origin(
            kind="git",
            path="app/settings.py",
            commit="0123abcd",
            date="2026-02-03T04:05:06+01:00",
            extra=(("url", "https://github.com/acme/api/blob/0123abcd/app/settings.py"),),
        ),
        line=line,
        column=5,
        end_line=line,
        end_column=60,
        key_id=key_id,
    )


def test_match_findings_gives_json_ready_match_objects(registry: Registry) -> None:
    exact = registry.add_key(NewKey("openai", Owner("alice@example.com"), key_id="key_9"), OPENAI)
    aws = registry.add_key(NewKey("aws", Owner("bob@example.com"), key_id=AWS_ID))
    findings = [
        _finding(OPENAI, "openai"),
        _finding(AWS_SECRET, "aws", key_id=AWS_ID),
        _finding("sk-proj-UnknownKey0000000000000000000000zzzz", "openai"),
    ]
    assert match_findings(registry, findings) == [
        {
            "entry_id": exact,
            "key_id": "key_9",
            "owner": "alice@example.com",
            "status": "active",
            "method": "fingerprint",
            "confidence": 1.0,
        },
        {
            "entry_id": aws,
            "key_id": AWS_ID,
            "owner": "bob@example.com",
            "status": "active",
            "method": "key_id",
            "confidence": 0.9,
        },
        None,
    ]


def test_record_leaks_stores_locations_times_and_matches(registry: Registry) -> None:
    entry = registry.add_key(
        NewKey("openai", Owner("a@example.com"), hint=parse_hint("sk-proj-****mnop"))
    )
    findings = [_finding(OPENAI, "openai", line=3), _finding(OPENAI, "openai", line=9)]
    findings.append(_finding("ghp_AnUnmatchedToken00000000000000000000ab", "github"))
    count = record_leaks(
        registry, findings, source_kind="git", is_public=True, repository="acme/api"
    )
    assert count == 2
    leaks = {leak.provider: leak for leak in registry.list_leaks()}
    matched, unmatched = leaks["openai"], leaks["github"]
    assert matched.issued_key_id == entry
    assert (matched.match_method, matched.match_confidence) == ("hint", 0.5)
    assert [p.line for p in matched.locations] == [3, 9]
    place = matched.locations[0]
    assert (place.repository, place.commit, place.path) == (
        "acme/api",
        "0123abcd",
        "app/settings.py",
    )
    assert place.url.startswith("https://github.com/acme/api/")
    assert matched.leaked_at is not None
    assert matched.leaked_at.isoformat() == "2026-02-03T03:05:06+00:00"
    assert matched.is_public
    assert matched.rule_id == "openai.key"
    assert unmatched.issued_key_id is None
    assert record_leaks(registry, [], source_kind="git", is_public=False, repository=None) == 0
