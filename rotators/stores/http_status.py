"""What a secret store's or notifier's HTTP answer means: done, try again later, or stop.

Stage: rotators (delivery). Messages name the store, the status and what to do, never a URL's
query or a body (a store may echo what it was sent).
"""

from __future__ import annotations

import email.utils
import time

import httpx

from leakward.rotators.base import PermanentError, TransientError

RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def check(response: httpx.Response, what: str, hint: str) -> httpx.Response:
    """Return a 2xx response; raise TransientError or PermanentError (with `hint`) otherwise."""
    status = response.status_code
    if 200 <= status < 300:
        return response
    is_rate_limited = status == 403 and response.headers.get("x-ratelimit-remaining") == "0"
    if status in RETRYABLE or is_rate_limited:
        raise TransientError(f"{what}: HTTP {status}", retry_after=retry_after(response))
    raise PermanentError(f"{what}: HTTP {status}; {hint}")


def send(client: httpx.Client, request: httpx.Request, what: str, hint: str) -> httpx.Response:
    """Send, turning timeouts and connection failures into TransientError."""
    try:
        response = client.send(request)
    except httpx.TransportError as error:
        raise TransientError(f"{what}: {type(error).__name__}") from None
    return check(response, what, hint)
