"""What a provider's HTTP answer means for a liveness check or a state change.

Stage: rotators. Every HTTP rotator goes through `probe` (read-only verify: failures become an
UNKNOWN verdict, never DEAD; what the provider's own answer means is read by its liveness rules,
liveness_rules.py) or `call` (a state change: failures become TransientError or
PermanentError). Messages name the status and what was attempted, never a URL (Google puts the
key in the query string) or a body (some providers echo what they were sent).
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping, Sequence

import httpx

from leakward.rotators.base import Liveness, PermanentError, TransientError, Verdict

# Statuses that say "try again later" rather than anything about the credential.
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})

JsonBody = Mapping[str, object] | Sequence[object] | None
Auth = tuple[str, str] | None
# A provider's own reading of "slow down" (GitHub's rate limits come as 403): the error to
# raise, or None. Given the response and what was attempted.
SlowDown = Callable[[httpx.Response, str], TransientError | None]


def retry_after(response: httpx.Response) -> float | None:
    """Seconds from a Retry-After header (delta or HTTP date), None when absent or unreadable."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def is_html(response: httpx.Response) -> bool:
    """A provider API never answers HTML: that is a proxy, a captive portal or a WAF page."""
    return "text/html" in response.headers.get("content-type", "").lower()


def _send(
    client: httpx.Client,
    method: str,
    url: str,
    headers: Mapping[str, str] | None,
    params: Mapping[str, str] | None,
    json: JsonBody,
    data: Mapping[str, str] | None,
    auth: Auth,
    multipart: Mapping[str, str] | None = None,
) -> httpx.Response:
    # A (None, value) part is a plain form field: multipart/form-data without any file.
    files = {name: (None, value) for name, value in multipart.items()} if multipart else None
    return client.request(
        method,
        url,
        headers=dict(headers or {}),
        params=dict(params) if params else None,
        json=json,
        data=dict(data) if data else None,
        files=files,
        auth=auth,
    )


def probe(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    json: JsonBody = None,
    data: Mapping[str, str] | None = None,
    auth: Auth = None,
    keep: Sequence[int] = (),
    multipart: Mapping[str, str] | None = None,
) -> httpx.Response | Verdict:
    """Send a liveness request: the response when it says something about the key, else UNKNOWN.

    `keep` lists statuses the caller reads itself (OpenAI's 429 may mean "quota exhausted").
    `multipart` sends form fields as multipart/form-data (PyPI's documented upload form).
    """
    try:
        response = _send(client, method, url, headers, params, json, data, auth, multipart)
    except httpx.TimeoutException:
        return Verdict(Liveness.UNKNOWN, "the provider did not answer in time")
    except httpx.TransportError as exc:
        # The exception text may carry the URL (and so a key in its query): keep the type only.
        return Verdict(Liveness.UNKNOWN, f"could not reach the provider ({type(exc).__name__})")
    status = response.status_code
    if status in keep and not is_html(response):
        return response
    if status in RETRYABLE_STATUSES or status >= 500:
        reason = f"the provider answered {status}; try again later"
        return Verdict(Liveness.UNKNOWN, reason, retry_after=retry_after(response))
    if is_html(response):
        return Verdict(Liveness.UNKNOWN, f"an HTML page answered ({status}), not the provider API")
    return response


def call(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    what: str,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    json: JsonBody = None,
    data: Mapping[str, str] | None = None,
    auth: Auth = None,
    admin_hint: str = "check the admin credential in the settings",
    passthrough: Sequence[int] = (),
    slow_down: SlowDown | None = None,
) -> httpx.Response:
    """Send a state-changing or admin request; raise on anything a caller cannot act on.

    Returns 2xx and the 4xx statuses other than 401/403 (404 often means "already gone", 409/422
    "already done" or a cap), so each rotator decides what those mean for its provider;
    `passthrough` returns 401/403 too, where they describe the target rather than the caller.
    `slow_down` reads the provider's rate-limit answer before anything else.
    """
    try:
        response = _send(client, method, url, headers, params, json, data, auth)
    except httpx.TimeoutException as exc:
        raise TransientError(f"{what}: the provider did not answer in time") from exc
    except httpx.TransportError as exc:
        raise TransientError(
            f"{what}: could not reach the provider ({type(exc).__name__})"
        ) from exc
    status = response.status_code
    limited = slow_down(response, what) if slow_down is not None else None
    if limited is not None:
        raise limited
    if status in RETRYABLE_STATUSES or status >= 500:
        raise TransientError(f"{what}: the provider answered {status}", retry_after(response))
    if is_html(response):
        raise TransientError(f"{what}: an HTML page answered ({status}), not the provider API")
    if status in passthrough:
        return response  # the caller gives this status a meaning (a 401 for a dead token …)
    if status == 401:
        raise PermanentError(f"{what}: the credential was rejected (401); {admin_hint}")
    if status == 403:
        raise PermanentError(f"{what}: forbidden (403); the credential lacks a permission")
    return response


def expect(response: httpx.Response, what: str, *statuses: int) -> httpx.Response:
    """Fail permanently on a status the caller did not plan for (a 4xx retrying will not fix)."""
    if response.status_code not in statuses:
        raise PermanentError(f"{what}: unexpected answer {response.status_code}")
    return response


def json_object(response: httpx.Response, what: str) -> Mapping[str, object]:
    """The body as a JSON object; a garbled body is a transient fault (a proxy, a truncation)."""
    try:
        body = response.json()
    except ValueError as exc:
        raise TransientError(f"{what}: the answer was not JSON") from exc
    if not isinstance(body, dict):
        raise TransientError(f"{what}: the answer was not a JSON object")
    return body


def field(body: Mapping[str, object], name: str, what: str) -> str:
    """A required string-ish field (ids may be numbers): missing means the API changed."""
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PermanentError(f"{what}: the answer has no {name!r}")
    return str(value)


def optional_field(body: Mapping[str, object], name: str) -> str | None:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value)


def text_field(body: Mapping[str, object], name: str) -> str | None:
    """A field that must be non-empty text when present: None for a missing, empty or
    non-string value (unlike `optional_field`, a number is not an id here)."""
    value = body.get(name)
    return value if isinstance(value, str) and value else None


def objects(
    body: Mapping[str, object] | Sequence[object], key: str | None
) -> list[dict[str, object]]:
    """The list of JSON objects under `key` (or the body itself when it is a list)."""
    items = body.get(key) if key is not None and isinstance(body, Mapping) else body
    if not isinstance(items, list):
        return []
    return [item for item in items if isinstance(item, dict)]


def json_list(response: httpx.Response, what: str) -> list[dict[str, object]]:
    """A JSON array of objects (GitLab and GitHub list endpoints answer bare arrays)."""
    try:
        body = response.json()
    except ValueError as exc:
        raise TransientError(f"{what}: the answer was not JSON") from exc
    if not isinstance(body, list):
        raise TransientError(f"{what}: the answer was not a JSON array")
    return [item for item in body if isinstance(item, dict)]
