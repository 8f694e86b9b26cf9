"""How a provider is handed a key: which header and scheme, or HTTP Basic, or a query parameter.

Stage: rotators (providers). Kept as data in facts.py beside the provider's endpoints, so a
provider that renames its header or scheme is a one-line edit. The same facts send the key being
verified and, for providers whose admin key travels the same way, the managing credential.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from leakward.core.secret import Secret


class AuthScheme(enum.Enum):
    HEADER = "header"  # `name: value`, the value a template of {secret}
    BASIC = "basic"  # HTTP Basic; `name` is the user, or "" when the secret is "user:password"
    QUERY = "query"  # `?name=secret` (Google API keys)


@dataclass(frozen=True, slots=True)
class KeyAuth:
    scheme: AuthScheme = AuthScheme.HEADER
    name: str = "Authorization"
    value: str = "Bearer {secret}"
    # Headers every request to the provider carries (an API version, an Accept type).
    fixed_headers: tuple[tuple[str, str], ...] = ()
    # A response header naming who the key belongs to (OpenAI's organisation).
    identity_header: str | None = None

    def headers(self, secret: Secret | None = None) -> dict[str, str]:
        """The fixed headers, plus the key's header when the scheme is HEADER and one is given."""
        headers = dict(self.fixed_headers)
        if secret is not None and self.scheme is AuthScheme.HEADER:
            headers[self.name] = self.value.format(secret=secret.reveal())
        return headers

    def basic(self, secret: Secret) -> tuple[str, str]:
        if self.name:
            return self.name, secret.reveal()
        user, _, password = secret.reveal().partition(":")
        return user, password

    def params(self, secret: Secret) -> dict[str, str]:
        return {self.name: secret.reveal()}


BEARER = KeyAuth()
