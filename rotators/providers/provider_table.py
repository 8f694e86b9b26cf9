"""docs/providers.md, generated from the provider registry and facts so the page cannot drift.

Stage: rotators (providers). Regenerate with
`python -m leakward.rotators.providers.provider_table > docs/providers.md`;
tests/rotators/test_provider_registry.py fails when the page differs from what this renders.
"""

from __future__ import annotations

import json
import sys

from leakward.rotators.base import Liveness
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.liveness_rules import LivenessRule
from leakward.rotators.providers.registry import PROVIDERS, ApiUrl

_HEAD = """\
# Providers

<!-- Generated from rotators/providers/registry.py and facts.py by
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


_DEAD_HEAD = """
## Verify: when a key is called dead

What each provider's verify answer must be for `scan --verify` (and rotation) to call a key dead,
from its liveness rules (rotators/providers/liveness_facts.py); anything no rule reads is
`unknown`, never dead.

| provider | dead when |
|---|---|
"""


def _statuses(rule: LivenessRule) -> str:
    status = rule.status
    if isinstance(status, int):
        return str(status)
    if isinstance(status, range):
        return "any status" if len(status) > 100 else f"{status.start}-{status.stop - 1}"
    return "/".join(str(code) for code in status)


def _dead_when(rule: LivenessRule) -> str:
    text = _statuses(rule)
    if rule.field is None:
        return text
    where = " or ".join(rule.field.paths)
    if rule.equals:
        values = ", ".join(f"`{json.dumps(value)}`" for value in rule.equals)
        return f"{text} with `{where}` {values}"
    if rule.contains:
        words = " or ".join(f'"{word}"' for word in rule.contains)
        return f"{text} with `{where}` containing {words}"
    return f"{text} with any other `{where}`"


def _dead_rows() -> list[str]:
    rows = []
    for name in sorted(FACTS):
        dead = [_dead_when(rule) for rule in FACTS[name].liveness if rule.verdict is Liveness.DEAD]
        if dead:
            rows.append(f"| {name} | {'; '.join(dead)} |")
    return rows


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
    return _HEAD + "\n".join(rows) + "\n" + _DEAD_HEAD + "\n".join(_dead_rows()) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
