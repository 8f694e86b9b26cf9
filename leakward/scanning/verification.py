"""`leakward scan --verify`: ask each finding's provider whether the key still works.

Stage: application shell, between the scanner's findings and the rotators' read-only `verify`.
Three outcomes, the way trufflehog reports them: live, dead, unknown (a timeout, a 5xx, a 429 or a
proxy's page is unknown, never dead). One request per distinct secret, however many places it
was found. Provider base URLs can be pointed elsewhere (a GitHub Enterprise server, a test fake)
with `LEAKWARD_API_<NAME>` variables, e.g. `LEAKWARD_API_GITHUB=https://ghe.example.com/api/v3`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import httpx

from leakward.rotators.providers.liveness import verify_secret
from leakward.scanner.models import Finding

_PREFIX = "LEAKWARD_API_"
TIMEOUT_SECONDS = 10.0


def base_urls(environ: Mapping[str, str]) -> dict[str, str]:
    """`LEAKWARD_API_GITHUB` -> `github`; `LEAKWARD_API_TWILIO__API` -> `twilio.api`."""
    return {
        name[len(_PREFIX) :].lower().replace("__", "."): value
        for name, value in environ.items()
        if name.startswith(_PREFIX) and value
    }


def verify_findings(
    findings: Sequence[Finding], environ: Mapping[str, str], client: httpx.Client | None = None
) -> dict[Finding, dict[str, object]]:
    """Per finding: {"liveness": live|dead|unknown, "liveness_reason": …, "identity": …}."""
    urls = base_urls(environ)
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
