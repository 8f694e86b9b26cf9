"""docs/providers.md, generated from the provider registry so the page cannot drift from it.

Stage: rotators (providers). Regenerate with
`python -m leakward.rotators.providers.provider_table > docs/providers.md`;
tests/rotators/test_provider_registry.py fails when the page differs from what this renders.
"""

from __future__ import annotations

import sys

from leakward.rotators.providers.registry import PROVIDERS, ApiUrl

_HEAD = """\
# Providers

<!-- Generated from rotators/providers/registry.py by
     `python -m leakward.rotators.providers.provider_table > docs/providers.md`; do not edit. -->

Every provider leakward can verify (`leakward scan --verify`) or rotate (`leakward rotate`, the
webhook receiver, the org sweep). The capability level says how far rotation goes: `full`
(mint, deliver, revoke), `revoke-only` (revoke; a human mints the replacement) or `verify-only`
(a liveness check; the owner rotates by hand).

## Base URLs: `LEAKWARD_API_<NAME>`

Each provider's base URL can be pointed elsewhere (a self-hosted GitLab, GitHub Enterprise
Server, a test fake) with one variable, `LEAKWARD_API_<NAME>`, and a provider's second host with
`LEAKWARD_API_<NAME>__<PART>`; `scan --verify` and `rotate` read the same variables. The names
`rotate` read before (the "old name" column, deprecated) still work for it, read after the new
one, with a warning on stderr naming the new variable. `GITHUB_API_URL` (set by GitHub Actions)
and `AWS_ENDPOINT_URL` (the AWS SDKs' own) are read last, without a warning.

| provider | capability | credential variables | base-URL variable | default base URL | old name |
|---|---|---|---|---|---|
"""


def _code(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names) or "none"


def _url_row(url: ApiUrl) -> tuple[str, str, str]:
    variable = f"`{url.variable}`"
    if url.platform:
        variable += f" (else `{url.platform}`)"
    default = url.default or "the SDK's own endpoint"
    return variable, default, _code(url.deprecated) if url.deprecated else ""


def render() -> str:
    """The whole page, one row per base URL (a provider's second hosts under it)."""
    rows: list[str] = []
    for name in sorted(PROVIDERS):
        entry = PROVIDERS[name]
        for index, url in enumerate(entry.urls):
            variable, default, alias = _url_row(url)
            if index == 0:
                cells = [name, entry.capability.value, _code(entry.credentials)]
            else:
                cells = [f"{name} ({url.key.partition('.')[2]})", "", ""]
            rows.append("| " + " | ".join([*cells, variable, default, alias]) + " |")
    return _HEAD + "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
