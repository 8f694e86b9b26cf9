"""Clients of the providers' usage APIs: each yields the raw JSON pages of a time range.

Stage: application (usage watch). OpenAI's `GET /v1/organization/usage/completions` and
Anthropic's `GET /v1/organizations/usage_report/messages`, both read with an Admin API key,
grouped by API key and model. A client follows `next_page` to the end, waits out a 429 for as
long as `Retry-After` asks (within a bound), and otherwise stops with a `UsageFetchError` that
names the provider and what to do: a page it could not fetch is never silently skipped, so the
watch asks for the same range again next time. Pages are handed on unread; `pages.read_page`
turns them into `UsageRecord`s.
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import ClassVar, Protocol

import httpx

from leakward.core.errors import EXIT_INCOMPLETE, LeakwardError, UsageError
from leakward.core.secret import Secret
from leakward.rotators.providers.http import retry_after
from leakward.rotators.providers.registry import api_variable, url_for

# The bucket widths both APIs accept and the most buckets a page may hold for each (OpenAI's
# `limit` and Anthropic's `limit` document the same maxima: 1440 minutes, 168 hours, 31 days).
PAGE_LIMITS: Mapping[str, int] = {"1m": 1440, "1h": 168, "1d": 31}
WIDTH_SECONDS: Mapping[str, int] = {"1m": 60, "1h": 3600, "1d": 86400}
ADMIN_KEY_VARIABLES: Mapping[str, str] = {
    "openai": "OPENAI_ADMIN_KEY",
    "anthropic": "ANTHROPIC_ADMIN_KEY",
}
ANTHROPIC_VERSION = "2023-06-01"
# How long one fetch may spend waiting out 429s in all: past this the poll gives up and the
# next poll asks again, rather than holding the watch's loop hostage to one provider.
MAX_RATE_LIMIT_WAIT = 120.0
# And at most this many 429s per page, however short the waits asked (a `Retry-After: 0` loop).
MAX_RATE_LIMITED_TRIES = 8
_DEFAULT_RETRY_AFTER = 5.0  # a 429 without a usable Retry-After header

Query = tuple[tuple[str, str], ...]  # repeated names (`group_by`) keep their order


class UsageFetchError(LeakwardError):
    """A usage API could not be read: unreachable, failing, refusing the admin key or rate
    limiting past the bound. Nothing was read from the failed page on."""

    exit_code = EXIT_INCOMPLETE


class UsageClient(Protocol):
    """One provider's usage API, read with its admin key."""

    provider: str

    def pages(self, start: int, end: int, bucket_width: str) -> Iterator[object]:
        """Each raw JSON page of the buckets that begin in [start, end) (epoch seconds), in
        order; the last may be the bucket still under way, which the provider revises."""
        ...


class _UsageApi(ABC):
    """What both providers share: the paging loop, rate-limit waits and error wording."""

    provider: str  # set by each subclass; an instance attribute, as `UsageClient` reads it
    path: ClassVar[str]
    admin_key_hint: ClassVar[str]

    def __init__(
        self,
        http: httpx.Client,
        admin_key: Secret,
        base_url: str,
        *,
        sleep: Callable[[float], None] = time.sleep,
        max_wait: float = MAX_RATE_LIMIT_WAIT,
    ) -> None:
        self._http = http
        self._admin_key = admin_key
        self._base = base_url.rstrip("/")
        self._sleep = sleep
        self._max_wait = max_wait

    def pages(self, start: int, end: int, bucket_width: str) -> Iterator[object]:
        if bucket_width not in PAGE_LIMITS:
            raise UsageError(
                f"unknown bucket width {bucket_width!r}",
                hint=f"use one of {', '.join(PAGE_LIMITS)}",
            )
        if end <= start:
            return
        seen: set[str] = set()
        cursor: str | None = None
        while True:
            document = self._fetch(self._query(start, end, bucket_width, cursor))
            yield document
            if not _has_more(document):
                return
            cursor = _next_page(document)
            if cursor is None:
                raise UsageFetchError(
                    f"{self.provider} usage API said it has more pages but gave no next_page",
                    hint="the provider's paging is broken; report it and retry later",
                )
            if cursor in seen:
                raise UsageFetchError(
                    f"{self.provider} usage API returned the same next_page twice",
                    hint="the provider's paging is broken; report it and retry later",
                )
            seen.add(cursor)

    # --- per provider -------------------------------------------------------------------
    @abstractmethod
    def _query(self, start: int, end: int, width: str, cursor: str | None) -> Query: ...

    @abstractmethod
    def _headers(self) -> dict[str, str]: ...

    # --- one page -----------------------------------------------------------------------
    def _fetch(self, query: Query) -> object:
        waited = 0.0
        for _ in range(MAX_RATE_LIMITED_TRIES):
            response = self._send(query)
            if response.status_code != 429:
                return self._document(response)
            asked = retry_after(response)
            delay = _DEFAULT_RETRY_AFTER if asked is None else asked
            if waited + delay > self._max_wait:
                raise UsageFetchError(
                    f"{self.provider} usage API is rate limiting (asked to wait {delay:g}s after"
                    f" {waited:g}s of waiting)",
                    hint="poll less often or with a wider bucket; the range is fetched again"
                    " next time",
                )
            self._sleep(delay)
            waited += delay
        raise UsageFetchError(
            f"{self.provider} usage API is rate limiting ({MAX_RATE_LIMITED_TRIES} answers of"
            f" 429 in a row)",
            hint="poll less often or with a wider bucket; the range is fetched again next time",
        )

    def _send(self, query: Query) -> httpx.Response:
        url = self._base + self.path
        try:
            return self._http.get(url, params=query, headers=self._headers())
        except httpx.TimeoutException as exc:
            raise self._unreachable(url, "timed out") from exc
        except httpx.TransportError as exc:
            raise self._unreachable(url, type(exc).__name__) from exc

    def _unreachable(self, url: str, what: str) -> UsageFetchError:
        return UsageFetchError(
            f"{self.provider} usage API at {url} could not be reached ({what})",
            hint=f"check the network and {api_variable(self.provider)}; nothing was skipped,"
            " the range is fetched again next time",
        )

    def _document(self, response: httpx.Response) -> object:
        status = response.status_code
        if status in (401, 403):
            raise UsageFetchError(
                f"{self.provider} refused the admin key (HTTP {status})",
                hint=self.admin_key_hint,
            )
        if status >= 500:
            raise UsageFetchError(
                f"{self.provider} usage API failed (HTTP {status})",
                hint="a provider outage; nothing was skipped, the range is fetched again next time",
            )
        if status != 200:
            raise UsageFetchError(
                f"{self.provider} usage API rejected the request (HTTP {status}):"
                f" {self._scrub(_error_message(response))}",
                hint="this is a leakward bug if it persists; please report it",
            )
        try:
            return json.loads(response.content)
        except ValueError as exc:
            raise UsageFetchError(
                f"{self.provider} usage API answered HTTP 200 with a body that is not JSON",
                hint=f"check that {api_variable(self.provider)} points at the provider's API",
            ) from exc

    def _scrub(self, text: str) -> str:
        """Provider messages are shown to the user; the admin key must never be among them."""
        return text.replace(self._admin_key.reveal(), self._admin_key.redacted())


class OpenAIUsageClient(_UsageApi):
    """`GET /v1/organization/usage/completions`, epoch-second range, Bearer admin key."""

    provider = "openai"
    path = "/v1/organization/usage/completions"
    admin_key_hint = (
        "set OPENAI_ADMIN_KEY to an OpenAI Admin API key (sk-admin-…) of this organization"
    )

    def _query(self, start: int, end: int, width: str, cursor: str | None) -> Query:
        query: Query = (
            ("start_time", str(start)),
            ("end_time", str(end)),
            ("bucket_width", width),
            ("group_by", "api_key_id"),
            ("group_by", "model"),
            ("limit", str(PAGE_LIMITS[width])),
        )
        return (*query, ("page", cursor)) if cursor else query

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._admin_key.reveal()}"}


class AnthropicUsageClient(_UsageApi):
    """`GET /v1/organizations/usage_report/messages`, RFC 3339 range, `x-api-key` admin key."""

    provider = "anthropic"
    path = "/v1/organizations/usage_report/messages"
    admin_key_hint = (
        "set ANTHROPIC_ADMIN_KEY to an Anthropic Admin API key (sk-ant-admin01-…) of this"
        " organization"
    )

    def _query(self, start: int, end: int, width: str, cursor: str | None) -> Query:
        query: Query = (
            ("starting_at", rfc3339(start)),
            # The report lists buckets that *end* by `ending_at`; rounded up to the width, the
            # range means what OpenAI's `end_time` means, buckets that *begin* before `end`,
            # so the bucket still under way is read (and re-read, revised, on the next poll).
            ("ending_at", rfc3339(-(-end // WIDTH_SECONDS[width]) * WIDTH_SECONDS[width])),
            ("bucket_width", width),
            ("group_by[]", "api_key_id"),
            ("group_by[]", "model"),
            ("limit", str(PAGE_LIMITS[width])),
        )
        return (*query, ("page", cursor)) if cursor else query

    def _headers(self) -> dict[str, str]:
        return {"x-api-key": self._admin_key.reveal(), "anthropic-version": ANTHROPIC_VERSION}


_CLIENTS: Mapping[str, type[_UsageApi]] = {
    "openai": OpenAIUsageClient,
    "anthropic": AnthropicUsageClient,
}


def usage_clients(environ: Mapping[str, str], http: httpx.Client) -> list[UsageClient]:
    """A client for each provider whose admin key the environment sets, at the base URL
    `LEAKWARD_API_<NAME>` (or the rotators' default) names."""
    clients: list[UsageClient] = []
    for provider, variable in ADMIN_KEY_VARIABLES.items():
        value = environ.get(variable)
        if value:
            cls = _CLIENTS[provider]
            clients.append(cls(http, Secret(value), url_for(environ, provider)))
    return clients


def rfc3339(epoch: int) -> str:
    """Epoch seconds as Anthropic writes times: `2026-12-06T13:00:00Z`."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _has_more(document: object) -> bool:
    """Whether a page after `document` exists. A page of another format ends the walk: the
    reader, not the client, judges a page's format (and says what it expected)."""
    return isinstance(document, dict) and document.get("has_more") is True


def _next_page(document: object) -> str | None:
    cursor = document.get("next_page") if isinstance(document, dict) else None
    return cursor if isinstance(cursor, str) and cursor else None


def _error_message(response: httpx.Response) -> str:
    """The provider's own words for an error: both write `{"error": {"message": …}}`."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    return str(message) if message else response.text[:200]
