"""Fake OpenAI usage API: `GET /v1/organization/usage/completions`, read with an admin key.

Stage: tests (usage watch). Follows OpenAI's OpenAPI document (github.com/openai/openai-openapi,
the operation kept in tests/contracts/specs/openai_usage.yaml): Bearer auth with an Admin API key
(`sk-admin-…`; anything else is a 401 `invalid_api_key`), `start_time` required and `end_time`
exclusive in epoch seconds, `bucket_width` 1m/1h/1d (default 1d), `group_by` as a repeated
parameter (or `group_by[]`, as OpenAI's SDKs send arrays), `limit` with each width's documented
default and maximum, a `UsageResponse` page (`object: page`, buckets with `start_time`/`end_time`,
`has_more`, an opaque `next_page` passed back as `page`). Each result is an
`organization.usage.completions.result` whose `input_tokens` includes cached tokens, as the
document says; the planted record's uncached input is `input_uncached_tokens`. Rate limits are
429 with `Retry-After` (the document's `TooManyRequests`) and an `ErrorResponse` body; an outage
answers an `ErrorResponse` 5xx.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable

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

PATH = "/v1/organization/usage/completions"
# The other fields OpenAI groups by; null in every result here (the fake plants none of them).
_UNGROUPED = ("project_id", "user_id", "batch", "service_tier")


def _error(status: int, message: str, code: str | None, kind: str) -> Reply:
    return Reply(status, {"error": {"message": message, "type": kind, "param": None, "code": code}})


def _invalid(message: str) -> Reply:
    return _error(400, message, None, "invalid_request_error")


class FakeOpenAIUsage(FakeServer):
    """Plant `UsageRecord`s with `plant`; `trouble` queues 429s and outages."""

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        super().__init__()
        self.book = UsageBook(clock) if clock is not None else UsageBook()
        self.trouble = Trouble()
        self.admin_key = "sk-admin-" + secrets.token_urlsafe(24)
        self.route("GET", re.escape(PATH), self._usage)

    def plant(self, *records: UsageRecord) -> None:
        self.book.plant(records)

    def _usage(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if request.bearer() != self.admin_key:
            return _error(
                401, "Incorrect API key provided.", "invalid_api_key", "invalid_request_error"
            )
        trouble = self.trouble.take()
        if trouble == "rate_limit":
            reply = _error(
                429, "Rate limit reached for requests.", "rate_limit_exceeded", "requests"
            )
            reply.headers["retry-after"] = self.trouble.retry_after
            return reply
        if trouble == "outage":
            status = self.trouble.outage_status
            return _error(
                status,
                "The server had an error while processing your request.",
                None,
                "server_error",
            )
        return self._page(request)

    def _page(self, request: FakeRequest) -> Reply:
        query = request.query
        width = query.get("bucket_width", "1d")
        if width not in WIDTH_SECONDS:
            return _invalid(f"bucket_width must be one of {', '.join(WIDTH_SECONDS)}")
        try:
            start = int(query["start_time"])
            end = int(query.get("end_time", self.book.clock() + 1))
        except (KeyError, ValueError):
            return _invalid("start_time is required and times are integer Unix seconds")
        limit = page_limit(width, query.get("limit"))
        if isinstance(limit, str):
            return _invalid(limit)
        # The spec's form (`group_by=a&group_by=b`) or the openai SDK's (`group_by[]=a`).
        group_by = request.query_all.get("group_by", []) + request.query_all.get("group_by[]", [])
        buckets = self.book.buckets(start, end, width, group_by)
        salt = hashlib.sha256(f"{start}/{end}/{width}/{sorted(group_by)}".encode()).hexdigest()[:12]
        offset = 0
        if "page" in query:
            found = offset_of(query["page"], salt)
            if found is None:
                return _invalid("Invalid page cursor.")
            offset = found
        shown = buckets[offset : offset + limit]
        more = offset + limit < len(buckets)
        return Reply(
            200,
            {
                "object": "page",
                "data": [
                    {
                        "object": "bucket",
                        "start_time": bucket.start,
                        "end_time": bucket.end,
                        "results": [_result(tally) for tally in bucket.tallies],
                    }
                    for bucket in shown
                ],
                "has_more": more,
                "next_page": cursor_for(offset + limit, salt) if more else None,
            },
        )


def _result(tally: Tally) -> dict[str, object]:
    return {
        "object": "organization.usage.completions.result",
        "input_tokens": tally.input_tokens + tally.cached_input_tokens,
        "input_cached_tokens": tally.cached_input_tokens,
        "input_uncached_tokens": tally.input_tokens,
        "output_tokens": tally.output_tokens,
        "input_audio_tokens": 0,
        "output_audio_tokens": 0,
        "num_model_requests": tally.requests,
        "api_key_id": tally.api_key_id,
        "model": tally.model,
        **dict.fromkeys(_UNGROUPED),
    }
