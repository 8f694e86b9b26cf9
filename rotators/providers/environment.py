"""Building rotators from the environment, for `leakward rotate` (leakward/cli/rotate.py).

Stage: rotators. Each rotator's `from_environment(environ)` reads its admin credential, its base
URL from `LEAKWARD_API_<NAME>` through the registry (registry.url_for: so a test or a self-hosted
instance can point it elsewhere), and gets an HTTP client with bounded timeouts; nothing is read
or connected at import.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from leakward.core.secret import Secret

# Providers answer in well under this; a hung connection must not stall a rotation step.
TIMEOUT = httpx.Timeout(20.0, connect=5.0)


def http_client() -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT, headers={"User-Agent": "leakward-rotator"})


def secret_from(environ: Mapping[str, str], name: str) -> Secret | None:
    value = environ.get(name)
    return Secret(value) if value else None
