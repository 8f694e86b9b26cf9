"""Who may see the dashboard: the operator token, a login session, or a trusted proxy's header.

Stage: inbound (webhooks). The token comes from $LEAKWARD_DASHBOARD_TOKEN. A request proves it
with `Authorization: Bearer TOKEN`, or with the session cookie the login form sets after checking
it (HttpOnly, SameSite=Strict, signed with a key that lives in this process only, so a restart
logs everyone out). Behind a reverse proxy that authenticates people itself, the setting
`serve.dashboard_trusted_header` names the header it sets to the user's name; it is off by
default, since anyone who can reach serve directly could send that header. Tokens, cookies and
CSRF tokens are compared in constant time. With neither token nor header, the dashboard is off.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from starlette.requests import Request

from leakward.core.errors import ConfigError

TOKEN_VARIABLE = "LEAKWARD_DASHBOARD_TOKEN"  # noqa: S105 - the variable's name
COOKIE = "leakward_session"
SESSION_SECONDS = 8 * 3600
MIN_TOKEN_CHARS = 16
_NAME = re.compile(r"[^\w .@+-]")
OFF_MESSAGE = (
    f"the dashboard is off: set {TOKEN_VARIABLE} to a long random value (e.g. the output of "
    "`openssl rand -hex 32`) and restart leakward serve, or set serve.dashboard_trusted_header "
    "behind a reverse proxy that authenticates operators"
)


@dataclass(frozen=True, slots=True)
class Operator:
    name: str  # who the action log says it was
    identity: str  # what the CSRF token is bound to


@dataclass(frozen=True, slots=True)
class DashboardAccess:
    # The operator token is a credential: never in a repr, a log line or a traceback's locals.
    token: bytes | None = field(repr=False)
    trusted_header: str | None = None
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    @property
    def is_on(self) -> bool:
        return bool(self.token) or bool(self.trusted_header)

    def operator(self, request: Request) -> Operator | None:
        """The operator this request comes from, or None when it proves nothing."""
        if self.trusted_header:
            user = request.headers.get(self.trusted_header, "").strip()
            if user:
                name = clean_name(user)
                return Operator(f"{name} (proxy)", f"proxy|{name}")
        if self.is_token(bearer_of(request) or ""):
            return Operator("bearer token", "bearer")
        return self._session(request.cookies.get(COOKIE, ""))

    def is_token(self, given: str) -> bool:
        if not self.token or not given:
            return False
        return hmac.compare_digest(given.encode("utf-8", "replace"), self.token)

    def session_cookie(self, name: str, now: float | None = None) -> str:
        """A signed `name.expiry.signature` value for the login cookie; no token in it."""
        encoded = base64.urlsafe_b64encode(clean_name(name).encode()).decode().rstrip("=")
        body = f"{encoded}.{int((now or time.time()) + SESSION_SECONDS)}"
        return f"{body}.{self._sign('session|' + body)}"

    def csrf_token(self, operator: Operator) -> str:
        return self._sign("csrf|" + operator.identity)

    def is_csrf_valid(self, operator: Operator, given: str) -> bool:
        return hmac.compare_digest(
            given.encode("utf-8", "replace"), self.csrf_token(operator).encode()
        )

    def _session(self, cookie: str) -> Operator | None:
        body, _, signature = cookie.rpartition(".")
        encoded, _, expiry = body.partition(".")
        if not signature or not expiry.isdigit() or int(expiry) < time.time():
            return None
        if not hmac.compare_digest(
            signature.encode("utf-8", "replace"), self._sign("session|" + body).encode()
        ):
            return None
        name = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
        return Operator(name, f"session|{cookie}")

    def _sign(self, text: str) -> str:
        return hmac.new(self.key, text.encode(), hashlib.sha256).hexdigest()


def bearer_of(request: Request) -> str | None:
    """The token of an `Authorization: Bearer` header; None when the request carries none."""
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return given.strip() if scheme.lower() == "bearer" else None


def clean_name(text: str) -> str:
    """A name fit for the action log: printable word characters only, at most 100."""
    return _NAME.sub("", text)[:100] or "operator"


def access_from(environ: Mapping[str, str], trusted_header: str | None) -> DashboardAccess:
    """The dashboard's access rules from the environment; a token too short to resist guessing
    stops serve with what to set instead."""
    token = environ.get(TOKEN_VARIABLE, "")
    if token and len(token) < MIN_TOKEN_CHARS:
        raise ConfigError(
            f"${TOKEN_VARIABLE} is shorter than {MIN_TOKEN_CHARS} characters",
            "use a long random value, e.g. the output of: openssl rand -hex 32",
        )
    return DashboardAccess(token.encode() if token else None, trusted_header or None)
