"""Writes usage records as the providers' usage APIs page them, field for field.

Stage: benchmarks only (issue #20). This is a second writer of the two formats, written from the
published specs and independent of leakward's reader, so the benchmark also checks that reader:

- OpenAI `GET /v1/organization/usage/completions?group_by=api_key_id&group_by=model`: a `page`
  of `bucket`s with epoch-second `start_time`/`end_time`, `results` of
  `organization.usage.completions.result` where `input_tokens` includes the cached tokens and
  `num_model_requests` counts requests; ungrouped dimensions are null. Source: openai/openai-openapi
  openapi.yaml at f85dbe223d40e1a31cba812ab2d755c7e98a92a3 (2026-08-21), `UsageResponse`,
  `UsageTimeBucket`, `UsageCompletionsResult` and the operation's example.
- Anthropic `GET /v1/organizations/usage_report/messages?group_by[]=api_key_id&group_by[]=model`:
  `data` buckets with RFC 3339 `starting_at`/`ending_at`, `results` with `uncached_input_tokens`,
  `cache_creation` {`ephemeral_1h_input_tokens`, `ephemeral_5m_input_tokens`},
  `cache_read_input_tokens`, `output_tokens`, `server_tool_use`, no request count. Source:
  https://platform.claude.com/docs/en/api/admin-api/usage-cost/get-messages-usage-report
  (read 2026-12-06), its query parameters and response example; the `page` cursor example
  (`page_MjAyNS0wNS0xNFQwMDowMDowMFo=`) from the same page on anthropic-claude-docs.mintlify.app.

Both page by buckets: `limit` buckets a page (1d: default 7, max 31; 1h: 24, max 168; 1m: 60,
max 1440), `has_more` and an opaque `next_page` cursor. Every bucket in range is written, empty or
not, as both APIs do.
"""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from leakward.usage.records import UsageRecord

WIDTH_SECONDS = {"1m": 60, "1h": 3_600, "1d": 86_400}
DEFAULT_LIMIT = {"1m": 60, "1h": 24, "1d": 7}
MAX_LIMIT = {"1m": 1_440, "1h": 168, "1d": 31}


@dataclass(frozen=True, slots=True)
class Split:
    """How a record's cached input divides, which only Anthropic reports apart."""

    cache_read: int
    cache_write_5m: int
    cache_write_1h: int


def rfc3339(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cursor(provider: str, t: int) -> str:
    """An opaque cursor shaped like each API's: Anthropic's documented example encodes the next
    bucket's RFC 3339 start, OpenAI's encodes binary timestamps."""
    raw = rfc3339(t).encode() if provider == "anthropic" else t.to_bytes(8, "big") * 2
    return "page_" + base64.b64encode(raw).decode()


def split_cached(record: UsageRecord) -> Split:
    """Most cached input is read back, a tenth is written (5-minute and 1-hour entries)."""
    write = record.cached_input_tokens // 10
    return Split(record.cached_input_tokens - write, write - write // 4, write // 4)


def openai_result(record: UsageRecord) -> dict[str, object]:
    cached = record.cached_input_tokens
    return {
        "object": "organization.usage.completions.result",
        "input_tokens": record.input_tokens + cached,
        "input_cached_tokens": cached,
        "input_cache_write_tokens": 0,
        "input_uncached_tokens": record.input_tokens,
        "output_tokens": record.output_tokens,
        "input_text_tokens": record.input_tokens,
        "output_text_tokens": record.output_tokens,
        "input_cached_text_tokens": cached,
        "input_audio_tokens": 0,
        "input_cached_audio_tokens": 0,
        "output_audio_tokens": 0,
        "input_image_tokens": 0,
        "input_cached_image_tokens": 0,
        "output_image_tokens": 0,
        "num_model_requests": record.requests or 0,
        "project_id": None,
        "user_id": None,
        "api_key_id": record.key_id or None,
        "model": record.model,
        "batch": None,
        "service_tier": None,
    }


def anthropic_result(record: UsageRecord) -> dict[str, object]:
    split = split_cached(record)
    return {
        "api_key_id": record.key_id or None,
        "workspace_id": None,
        "model": record.model,
        "service_tier": None,
        "context_window": None,
        "uncached_input_tokens": record.input_tokens,
        "cache_creation": {
            "ephemeral_1h_input_tokens": split.cache_write_1h,
            "ephemeral_5m_input_tokens": split.cache_write_5m,
        },
        "cache_read_input_tokens": split.cache_read,
        "output_tokens": record.output_tokens,
        "server_tool_use": {"web_search_requests": 0},
    }


def bucket(provider: str, start: int, end: int, results: list[dict[str, object]]) -> object:
    if provider == "openai":
        return {"object": "bucket", "start_time": start, "end_time": end, "results": results}
    return {"starting_at": rfc3339(start), "ending_at": rfc3339(end), "results": results}


def write_pages(
    provider: str,
    records: Iterable[UsageRecord],
    span: tuple[int, int],
    width: str,
    limit: int | None = None,
) -> list[dict[str, object]]:
    """The pages the provider's API returns for `span` at `width`, `limit` buckets a page.

    A record with an empty `key_id` is usage not made with an API key (the console, the
    playground): it is written with a null `api_key_id`, as the APIs do.
    """
    step = WIDTH_SECONDS[width]
    size = min(limit or DEFAULT_LIMIT[width], MAX_LIMIT[width])
    to_result = openai_result if provider == "openai" else anthropic_result
    by_start: dict[int, list[UsageRecord]] = defaultdict(list)
    for record in records:
        by_start[record.start].append(record)
    starts = list(range(span[0], span[1], step))
    pages: list[dict[str, object]] = []
    for first in range(0, len(starts), size):
        chunk = starts[first : first + size]
        data = [
            bucket(
                provider,
                start,
                start + step,
                [to_result(r) for r in sorted(by_start[start], key=order)],
            )
            for start in chunk
        ]
        more = first + size < len(starts)
        page: dict[str, object] = {"object": "page"} if provider == "openai" else {}
        page |= {
            "data": data,
            "has_more": more,
            "next_page": cursor(provider, starts[first + size]) if more else None,
        }
        pages.append(page)
    return pages


def order(record: UsageRecord) -> tuple[str, str]:
    return (record.key_id, record.model or "")


def save_pages(pages: Iterable[dict[str, object]], folder: Path, stem: str) -> list[Path]:
    """Each page in its own JSON file, `STEM-NNN.json` in `folder` (created), in page order: the
    files `leakward usage analyze` is given."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for index, page in enumerate(pages):
        files.append(folder / f"{stem}-{index:03d}.json")
        files[-1].write_text(json.dumps(page), encoding="utf-8")
    return files
