"""Fake Anthropic usage API: `GET /v1/organizations/usage_report/messages`, with an admin key.

Stage: tests (usage watch). Follows Anthropic's Admin API reference for the Messages usage
report (tests/contracts/specs/anthropic_usage.yaml names the sources): `x-api-key` with an Admin
API key (`sk-ant-admin01-…`) plus `anthropic-version`, `starting_at` required and `ending_at` in
RFC 3339 (buckets that end by `ending_at`; without it, every bucket begun so far),
`bucket_width` 1m/1h/1d (default 1d), `group_by[]` repeated, `limit` with each width's documented
default and maximum, and a page of buckets (`starting_at`, `ending_at`, `results`) with
`has_more` and an opaque `next_page` passed back as `page`. Results carry
`uncached_input_tokens`, `cache_read_input_tokens`, `cache_creation`, `output_tokens` and
`server_tool_use`, and no request count: the report has none. Errors are Anthropic's
`{"type": "error", "error": {…}}`; a rate limit is a 429 `rate_limit_error` with `retry-after`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime

from leakward.usage.records import UsageRecord
from tests.fakes.server import FakeRequest, FakeServer, Reply
from tests.fakes.usage_book import (
    WIDTH_SECONDS,
    Tally,
    Trouble,
    UsageBook,
    cursor_for,
    offset_of,
    page_limit,
)

PATH = "/v1/organizations/usage_report/messages"
# The other fields the report groups by; null in every result here.
_UNGROUPED = (
    "workspace_id",
    "account_id",
    "service_account_id",
    "service_tier",
    "context_window",
    "inference_geo",
)
_OUTAGE_KINDS = {529: "overloaded_error", 504: "timeout_error"}


def _error(status: int, kind: str, message: str) -> Reply:
    return Reply(status, {"type": "error", "error": {"type": kind, "message": message}})


def _invalid(message: str) -> Reply:
    return _error(400, "invalid_request_error", message)


def rfc3339(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _epoch(value: str) -> int:
    """An RFC 3339 time as epoch seconds; ValueError for anything else (or without a zone)."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(value)
    return int(moment.timestamp())


class FakeAnthropicUsage(FakeServer):
    """Plant `UsageRecord`s with `plant`; `trouble` queues 429s and outages."""

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        super().__init__()
        self.book = UsageBook(clock) if clock is not None else UsageBook()
        self.trouble = Trouble()
        self.admin_key = "sk-ant-admin01-" + secrets.token_urlsafe(30)
        self.route("GET", re.escape(PATH), self._usage)

    def plant(self, *records: UsageRecord) -> None:
        self.book.plant(records)

    def _usage(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not request.headers.get("anthropic-version"):
            return _invalid("anthropic-version header is required")
        if request.headers.get("x-api-key") != self.admin_key:
            return _error(401, "authentication_error", "invalid x-api-key")
        trouble = self.trouble.take()
        if trouble == "rate_limit":
            reply = _error(
                429, "rate_limit_error", "Number of requests has exceeded your rate limit"
            )
            reply.headers["retry-after"] = self.trouble.retry_after
            return reply
        if trouble == "outage":
            status = self.trouble.outage_status
            return _error(status, _OUTAGE_KINDS.get(status, "api_error"), "Internal server error")
        return self._page(request)

    def _page(self, request: FakeRequest) -> Reply:
        query = request.query
        width = query.get("bucket_width", "1d")
        if width not in WIDTH_SECONDS:
            return _invalid(f"bucket_width must be one of {', '.join(WIDTH_SECONDS)}")
        try:
            start = _epoch(query["starting_at"])
            end = _epoch(query["ending_at"]) if "ending_at" in query else None
        except (KeyError, ValueError):
            return _invalid("starting_at is required; times are RFC 3339 with a time zone")
        limit = page_limit(width, query.get("limit"))
        if isinstance(limit, str):
            return _invalid(limit)
        group_by = request.query_all.get("group_by[]", []) + request.query_all.get("group_by", [])
        horizon = end if end is not None else int(self.book.clock()) + WIDTH_SECONDS[width]
        buckets = [
            bucket
            for bucket in self.book.buckets(start, horizon, width, group_by)
            if end is None or bucket.end <= end  # "time buckets that end before ending_at"
        ]
        salt = hashlib.sha256(f"{start}/{end}/{width}/{sorted(group_by)}".encode()).hexdigest()
        offset = 0
        if "page" in query:
            found = offset_of(query["page"], salt[:12])
            if found is None:
                return _invalid("Invalid page token.")
            offset = found
        shown = buckets[offset : offset + limit]
        more = offset + limit < len(buckets)
        return Reply(
            200,
            {
                "data": [
                    {
                        "starting_at": rfc3339(bucket.start),
                        "ending_at": rfc3339(bucket.end),
                        "results": [_result(tally) for tally in bucket.tallies],
                    }
                    for bucket in shown
                ],
                "has_more": more,
                "next_page": cursor_for(offset + limit, salt[:12]) if more else None,
            },
        )


def _result(tally: Tally) -> dict[str, object]:
    return {
        "uncached_input_tokens": tally.input_tokens,
        "cache_creation": {"ephemeral_1h_input_tokens": 0, "ephemeral_5m_input_tokens": 0},
        "cache_read_input_tokens": tally.cached_input_tokens,
        "output_tokens": tally.output_tokens,
        "server_tool_use": {"web_search_requests": 0},
        "api_key_id": tally.api_key_id,
        "model": tally.model,
        **dict.fromkeys(_UNGROUPED),
    }
