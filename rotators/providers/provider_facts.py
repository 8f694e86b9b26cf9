"""The shape of a provider's facts: base URL, endpoints, key cap, console, how a key is sent, how a
verify answer is read, and where each fact came from (the tables are facts.py and its parts).

Stage: rotators (providers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from leakward.core.secret import Secret
from leakward.rotators.base import Capability
from leakward.rotators.providers.key_auth import BEARER, KeyAuth
from leakward.rotators.providers.liveness_rules import LivenessRule


@dataclass(frozen=True, slots=True)
class ProviderFacts:
    name: str
    capability: Capability
    base_url: str
    console_url: str  # where a human mints or revokes by hand
    endpoints: dict[str, str] = field(default_factory=dict, hash=False)
    key_cap: int | None = None
    references: tuple[str, ...] = ()
    key_auth: KeyAuth = BEARER
    liveness: tuple[LivenessRule, ...] = ()
    probe_keeps: tuple[int, ...] = ()
    verify_by_prefix: tuple[tuple[str, str], ...] = ()  # (key prefix, endpoint name)

    def verify_endpoint(self, secret: Secret, usual: str) -> str:
        """The endpoint a key is verified on: the first `verify_by_prefix` entry whose prefix
        the key starts with (admin keys go to an admin endpoint), else `usual`."""
        value = secret.reveal()
        return next(
            (name for prefix, name in self.verify_by_prefix if value.startswith(prefix)), usual
        )

    def url(self, base: str, endpoint: str, /, *, keep: str = "", **parts: str) -> str:
        """`base` + the named endpoint, its `{placeholders}` filled with quoted `parts`.

        Parts are quoted whole, so an id can never add a path segment; `keep` lists characters
        left as they are (Google resource names carry their own slashes). The leading arguments
        are positional-only: parts may be called `name` (Google's resource names) or `base`.
        """
        quoted = {key: quote(value, safe=keep) for key, value in parts.items()}
        return base + self.endpoints[endpoint].format(**quoted)
