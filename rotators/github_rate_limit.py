"""GitHub's "slow down" answers, read one way for every GitHub client: rotators and stores.

Stage: rotators. GitHub answers an exceeded rate limit with 403 or 429, not only 429
(docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api, "Exceeding the rate
limit"): the primary limit with `x-ratelimit-remaining: 0`, a secondary limit with a message
saying so and sometimes `retry-after`. Read as a plain 403 that is "the token lacks a
permission", a permanent stop for a credential that is fine. The wait GitHub asks for: the
`retry-after` seconds, else until `x-ratelimit-reset` (UTC epoch seconds) when nothing remains,
else at least a minute.
"""

from __future__ import annotations

import time

import httpx

from leakward.rotators.base import TransientError

# Words of GitHub's rate-limit messages ("API rate limit exceeded for …", "You have exceeded a
# secondary rate limit …", and the older "… abuse detection mechanism …"), lowercase.
RATE_LIMIT_WORDS = ("rate limit", "abuse detection")
# "Otherwise, wait for at least one minute before retrying."
DEFAULT_WAIT = 60.0


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    message = body.get("message") if isinstance(body, dict) else None
    return message.lower() if isinstance(message, str) else ""


def _wait(response: httpx.Response, now: float) -> float:
    headers = response.headers
    retry_after = headers.get("retry-after", "").strip()
    if retry_after.isdigit():
        return float(retry_after)
    reset = headers.get("x-ratelimit-reset", "").strip()
    if headers.get("x-ratelimit-remaining") == "0" and reset.isdigit():
        return max(0.0, float(reset) - now)
    return DEFAULT_WAIT


def is_rate_limited(response: httpx.Response) -> bool:
    """A 403 or 429 that GitHub's documentation calls a rate limit, primary or secondary."""
    if response.status_code not in (403, 429):
        return False
    headers = response.headers
    if response.status_code == 429 or headers.get("x-ratelimit-remaining") == "0":
        return True
    if "retry-after" in headers:
        return True
    message = _message(response)
    return any(word in message for word in RATE_LIMIT_WORDS)


def rate_limit_error(
    response: httpx.Response, what: str, now: float | None = None
) -> TransientError | None:
    """A TransientError carrying GitHub's wait when `response` is a rate limit, else None."""
    if not is_rate_limited(response):
        return None
    wait = _wait(response, time.time() if now is None else now)
    return TransientError(
        f"{what}: GitHub's rate limit was reached ({response.status_code}); "
        f"retry in {wait:.0f} seconds",
        wait,
    )
