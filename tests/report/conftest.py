"""Scan results built by hand for the reporter tests: plain values, no scan."""

from __future__ import annotations

import pytest

from leakward.scanner.models import Finding, Origin, ScanResult, ScanStats, Secret, Skipped

# Invented values, never real keys; long enough that redaction hides most of them.
PLAIN_SECRET = "acme_live_Q3v9xT2mKp7LwR4sZ8bN1cYd6hJf0gUe"
DECODED_SECRET = "ghp_Zq8Wm3Rt7Yp2Ks9Lx4Nc6Vb1Hd5Fg0Ja8Ue3Q"
NESTED_SECRET = "Hk4Tn7Qw2Ze9Rb5Yc1Mx8Lp3Vd6Gs0Fj2Wa7+Nu"
GIT_SECRET = "xoxb-2048-9031-Q3v9xT2mKp7LwR4sZ8bN"


def make_finding(
    secret: str,
    origin: Origin,
    *,
    rule_id: str = "acme.api_key.live",
    rule_name: str = "Acme live API key",
    provider: str = "acme",
    severity: str = "high",
    line: int = 1,
    column: int = 1,
    decoded_from: tuple[str, ...] | None = None,
    key_id: str | None = None,
) -> Finding:
    return Finding(
        rule_id=rule_id,
        rule_name=rule_name,
        provider=provider,
        severity=severity,
        confidence="high",
        secret=Secret(secret),
        origin=origin,
        line=line,
        column=column,
        end_line=line,
        end_column=column + len(secret),
        key_id=key_id,
        decoded_from=decoded_from,
    )


@pytest.fixture
def scan_result() -> ScanResult:
    """Four findings out of path order: plain, decoded, inside a container, from git history."""
    nested = Origin(kind="bundle", path="dist/app bundle.js.map", nested=("src/api.ts",))
    git = Origin(
        kind="git",
        path="deploy/env.sh",
        commit="0123456789abcdef0123456789abcdef01234567",
        author="Ada Lovelace <ada@example.test>",
        date="2024-05-01T12:00:00+00:00",
    )
    findings = (
        make_finding(PLAIN_SECRET, Origin(kind="file", path="src/settings.py"), line=12, column=9),
        make_finding(
            DECODED_SECRET,
            Origin(kind="file", path="config/ci.yaml"),
            rule_id="github.pat.classic",
            rule_name="GitHub classic personal access token",
            provider="github",
            severity="critical",
            line=3,
            column=14,
            decoded_from=("base64", "url"),
        ),
        make_finding(
            NESTED_SECRET,
            nested,
            rule_id="aws.secret_access_key",
            rule_name="AWS secret access key",
            provider="aws",
            severity="medium",
            line=40,
            column=2,
            key_id="AKIAQ3V9XT2MKP7LWR4S",
        ),
        make_finding(
            GIT_SECRET,
            git,
            rule_id="slack.bot_token",
            rule_name="Slack bot token",
            provider="slack",
            severity="low",
            line=2,
            column=5,
        ),
        make_finding(PLAIN_SECRET, Origin(kind="file", path="src/settings.py"), line=3, column=1),
    )
    skipped = (
        Skipped(path="assets/logo.png", reason="binary"),
        Skipped(path="data/dump.sql", reason="too large"),
        Skipped(path="assets/icon.ico", reason="binary"),
        Skipped(path="secret/locked.txt", reason="permission denied", is_error=True),
    )
    stats = ScanStats(files=12, bytes=48_213, skipped=4, errors=1, seconds=0.4213)
    return ScanResult(findings=findings, skipped=skipped, stats=stats)


@pytest.fixture
def empty_result() -> ScanResult:
    return ScanResult(findings=(), skipped=(), stats=ScanStats(files=3, bytes=900, seconds=0.01))
