"""Listing an organisation's repositories through the GitHub REST API, rate limits included.

Stage: application shell (org sweep). `GET /orgs/{org}/repos` is paginated with `Link` headers
(docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api). We follow `next`
ourselves through PyGithub's requester instead of iterating a PaginatedList, so a rate-limited
page is retried in place and no repository is lost or listed twice. Rate limits follow
docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api: `Retry-After` first;
else, with `X-RateLimit-Remaining: 0`, wait until `X-RateLimit-Reset`; else (a secondary limit
without headers) wait at least a minute, doubling. PyGithub's own retry is switched off because
it sleeps where tests cannot see it; `sleep` and `clock` are injectable here instead.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from github import Auth, Github, GithubRetry

from leakward.core.errors import LeakwardError

DEFAULT_API = "https://api.github.com"
PER_PAGE = 100
MAX_WAITS = 10  # per request; beyond that GitHub is telling us to come back much later
_MAX_BACKOFF = 15 * 60.0
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')

Sleep = Callable[[float], None]
Clock = Callable[[], float]


class ListingError(LeakwardError):
    """The organisation's repositories could not be listed at all."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class RepoRef:
    """One repository as the listing shows it: enough to clone it and name it in a report."""

    full_name: str
    clone_url: str
    is_public: bool
    pushed_at: str | None = None
    is_archived: bool = False


@dataclass(frozen=True, slots=True)
class RepoStatus:
    """What the API says of a repository whose clone failed: gone, renamed, or still there."""

    state: str  # "deleted", "renamed", "present" or "unknown"
    new_name: str | None = None


def github_api(
    token: str | None,
    base_url: str = DEFAULT_API,
    interval: float | None = 0.25,
    *,
    retry: GithubRetry | None = None,
) -> Github:
    """A client spacing its requests `interval` seconds apart as PyGithub does by default,
    which GitHub asks of clients that make many requests; None for none (a local fake or a
    proxy). Without `retry` it has none of PyGithub's hidden retries (`RateLimitedApi` does the
    waiting); code that goes through PyGithub's own objects passes `limit_retry()`."""
    return Github(
        auth=Auth.Token(token) if token else None,
        base_url=base_url.rstrip("/"),
        retry=retry,
        per_page=PER_PAGE,
        seconds_between_requests=interval,
    )


def limit_retry() -> GithubRetry:
    """PyGithub's retry, bounded like `RateLimitedApi`: `Retry-After` (403 or 429), the primary
    reset, a minute for a secondary limit without headers; a plain 403 is not retried."""
    return GithubRetry(total=MAX_WAITS, secondary_rate_wait=60.0, max_rate_limit_wait=_MAX_BACKOFF)


class RateLimitedApi:
    """GET requests that wait out primary and secondary rate limits, then resume."""

    def __init__(self, github: Github, sleep: Sleep = time.sleep, clock: Clock = time.time) -> None:
        self._requester = github.requester
        self._sleep = sleep
        self._clock = clock
        self.waited: list[float] = []  # every wait, in order, for reports and tests

    def get(self, url: str) -> tuple[int, dict[str, str], str]:
        """Status, lower-cased headers and body of `url`, after any rate-limit waits."""
        for attempt in range(MAX_WAITS + 1):
            status, raw_headers, body = self._requester.requestJson("GET", url)
            headers = {str(k).lower(): str(v) for k, v in raw_headers.items()}
            wait = limit_wait(status, headers, body, self._clock(), attempt)
            if wait is None:
                self._pause_if_spent(headers)
                return status, headers, body
            if attempt < MAX_WAITS:
                self.waited.append(wait)
                self._sleep(wait)
        raise ListingError(
            f"GitHub kept answering {url} with rate limits after {MAX_WAITS} waits",
            hint="run the sweep later, or with a token that has a higher limit (GITHUB_TOKEN)",
        )

    def _pause_if_spent(self, headers: Mapping[str, str]) -> None:
        # A spent primary limit makes the next request fail; waiting now costs the same.
        if headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers:
            wait = _until_reset(headers, self._clock())
            self.waited.append(wait)
            self._sleep(wait)


def limit_wait(
    status: int, headers: Mapping[str, str], body: str, now: float, attempt: int
) -> float | None:
    """Seconds to wait before repeating a request, or None when the answer is not a rate limit."""
    if status not in (403, 429):
        return None
    retry_after = headers.get("retry-after", "")
    if retry_after.strip().isdigit():
        return max(1.0, float(retry_after))
    if headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers:
        return _until_reset(headers, now)
    if status == 429 or "rate limit" in body.lower():
        return min(_MAX_BACKOFF, 60.0 * 2.0**attempt)
    return None  # a plain 403: forbidden, not throttled


def _until_reset(headers: Mapping[str, str], now: float) -> float:
    try:
        reset = float(headers["x-ratelimit-reset"])
    except ValueError:
        return 60.0
    return min(_MAX_BACKOFF * 4, max(1.0, reset - now + 1.0))


def list_org_repositories(api: RateLimitedApi, org: str) -> Iterator[RepoRef]:
    """Every repository of `org`, page by page, in the API's order."""
    url: str | None = f"/orgs/{org}/repos?per_page={PER_PAGE}&type=all"
    while url is not None:
        status, headers, body = api.get(url)
        if status != 200:
            raise ListingError(*_listing_refusal(org, status))
        for item in _json_list(body, org):
            ref = _repo_ref(item)
            if ref is not None:
                yield ref
        found = _NEXT.search(headers.get("link", ""))
        url = found.group(1) if found else None


def repository_status(api: RateLimitedApi, full_name: str) -> RepoStatus:
    """Why a listed repository cannot be cloned: GitHub answers 404 for a deleted one and 301
    (which PyGithub follows) for a renamed or transferred one."""
    try:
        status, _, body = api.get(f"/repos/{full_name}")
    except (ListingError, OSError, RuntimeError):
        return RepoStatus("unknown")
    if status in (404, 410):
        return RepoStatus("deleted")
    if status != 200:
        return RepoStatus("unknown")
    try:
        current = json.loads(body).get("full_name")
    except (ValueError, AttributeError):
        return RepoStatus("unknown")
    if isinstance(current, str) and current.lower() != full_name.lower():
        return RepoStatus("renamed", current)
    return RepoStatus("present")


def _listing_refusal(org: str, status: int) -> tuple[str, str]:
    if status == 404:
        return f"GitHub has no organisation {org!r} (HTTP 404)", "check the --org name"
    if status in (401, 403):
        return (
            f"GitHub refused to list the repositories of {org!r} (HTTP {status})",
            "set GITHUB_TOKEN to a token that can read the organisation's repositories",
        )
    return f"GitHub answered HTTP {status} listing {org!r}", "try again later"


def _json_list(body: str, org: str) -> list[dict[str, object]]:
    try:
        items = json.loads(body)
    except ValueError:
        items = None
    if not isinstance(items, list):
        raise ListingError(
            f"GitHub's repository listing for {org!r} was not a JSON list",
            hint="check GITHUB_API_URL points at the GitHub REST API (…/api/v3 on GHES)",
        )
    return [item for item in items if isinstance(item, dict)]


def _repo_ref(item: Mapping[str, object]) -> RepoRef | None:
    name, url = item.get("full_name"), item.get("clone_url")
    if not isinstance(name, str) or not isinstance(url, str):
        return None
    pushed = item.get("pushed_at")
    return RepoRef(
        full_name=name,
        clone_url=url,
        is_public=item.get("private") is False,
        pushed_at=pushed if isinstance(pushed, str) else None,
        is_archived=item.get("archived") is True,
    )
