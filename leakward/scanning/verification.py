"""`leakward scan --verify`: ask each finding's provider whether the key still works.

Stage: application shell, between the scanner's findings and the rotators' read-only `verify`.
Three outcomes, the way trufflehog reports them: live, dead, unknown (a timeout, a 5xx, a 429 or a
proxy's page is unknown, never dead). One request per distinct secret, however many places it
was found. Provider base URLs can be pointed elsewhere (a GitHub Enterprise server, a test fake)
with `LEAKWARD_API_<NAME>` variables, e.g. `LEAKWARD_API_GITHUB=https://ghe.example.com/api/v3`,
the convention `leakward rotate` follows too (docs/providers.md lists them, from the registry).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import httpx

from leakward.rotators.providers.liveness import verify_secret
from leakward.rotators.providers.registry import api_overrides
from leakward.scanner.models import Finding

TIMEOUT_SECONDS = 10.0


def verify_findings(
    findings: Sequence[Finding], environ: Mapping[str, str], client: httpx.Client | None = None
) -> dict[Finding, dict[str, object]]:
    """Per finding: {"liveness": live|dead|unknown, "liveness_reason": …, "identity": …}."""
    urls = api_overrides(environ)  # LEAKWARD_API_TWILIO__API -> "twilio.api"
    own_client = client is None
    http = client or httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False)
    verdicts: dict[tuple[str, str, str | None], dict[str, object]] = {}
    try:
        results: dict[Finding, dict[str, object]] = {}
        for finding in findings:
            key = (finding.provider, finding.secret.reveal(), finding.key_id)
            if key not in verdicts:
                verdict = verify_secret(
                    finding.provider, finding.secret, http, key_id=finding.key_id, base_urls=urls
                )
                verdicts[key] = {
                    "liveness": verdict.liveness.value,
                    "liveness_reason": verdict.reason,
                    "identity": verdict.identity,
                }
            results[finding] = verdicts[key]
        return results
    finally:
        if own_client:
            http.close()
