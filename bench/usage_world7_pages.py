"""World 7's ledger as the pages each provider's usage API returns, field for field.

Stage: benchmark (usage watch, issue #20). Written from the published shapes kept in
tests/contracts/specs/ (openai_usage.yaml: `UsageResponse`, `UsageTimeBucket`,
`UsageCompletionsResult`; anthropic_usage.yaml: `MessagesUsageReport`, `UsageTimeBucket`,
`UsageReportItem`), independently of leakward's reader. The results are its own (its cells carry
cache writes by lifetime and web searches, which `UsageRecord` does not); buckets, cursors, times
and files are `usage_page_writer.py`'s.
Both reports are asked for 1h buckets grouped by API key and model, so every other grouping field
is null; every bucket of the range is listed, empty or not, `limit` buckets a page, with
`has_more` and an opaque `next_page` cursor.

- OpenAI: `input_tokens` counts cached and cache-write tokens too; OpenAI caches prompts on its
  own and bills no cache writes, so writes are reported as uncached input and
  `input_cache_write_tokens` stays 0; text carries all tokens (no audio or images here).
- Anthropic: no request count; cached input splits into `cache_read_input_tokens` and
  `cache_creation` (mostly 5-minute entries, a fifth 1-hour ones); `server_tool_use` counts web
  searches. Times are RFC 3339 in UTC.
- Usage made without an API key (the console, the workbench) has a null `api_key_id`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from bench.usage_page_writer import bucket, cursor, save_pages
from bench.usage_world7_base import HOUR, HOURS, START
from bench.usage_world7_streams import Cell, Ledger

CONSOLE = ""  # the ledger's key for usage without an API key
LIMIT = {"openai": 168, "anthropic": 72}  # 1h buckets: both document a maximum of 168


def openai_result(key_id: str, name: str, cell: Cell) -> dict[str, object]:
    uncached = cell.uncached + cell.cache_write
    return {
        "object": "organization.usage.completions.result",
        "input_tokens": uncached + cell.cache_read,
        "input_cached_tokens": cell.cache_read,
        "input_cache_write_tokens": 0,
        "input_uncached_tokens": uncached,
        "output_tokens": cell.output,
        "input_text_tokens": uncached,
        "output_text_tokens": cell.output,
        "input_cached_text_tokens": cell.cache_read,
        "input_audio_tokens": 0,
        "input_cached_audio_tokens": 0,
        "output_audio_tokens": 0,
        "input_image_tokens": 0,
        "input_cached_image_tokens": 0,
        "output_image_tokens": 0,
        "num_model_requests": cell.requests,
        "project_id": None,
        "user_id": None,
        "api_key_id": key_id or None,
        "model": name,
        "batch": None,
        "service_tier": None,
    }


def anthropic_result(key_id: str, name: str, cell: Cell) -> dict[str, object]:
    long_lived = cell.cache_write // 5
    return {
        "uncached_input_tokens": cell.uncached,
        "cache_creation": {
            "ephemeral_1h_input_tokens": long_lived,
            "ephemeral_5m_input_tokens": cell.cache_write - long_lived,
        },
        "cache_read_input_tokens": cell.cache_read,
        "output_tokens": cell.output,
        "server_tool_use": {"web_search_requests": cell.web_search},
        "api_key_id": key_id or None,
        "workspace_id": None,
        "account_id": None,
        "service_account_id": None,
        "model": name,
        "service_tier": None,
        "context_window": None,
        "inference_geo": None,
    }


def pages(
    provider: str, ledger: Ledger, hours: range = range(HOURS), limit: int | None = None
) -> Iterator[dict[str, object]]:
    """The pages of `hours` (the world's whole range by default), `limit` buckets a page."""
    to_result = openai_result if provider == "openai" else anthropic_result
    by_hour: dict[int, list[tuple[str, str, Cell]]] = {}
    for key_id, kept in ledger.cells.items():
        for hour, models in kept.items():
            for name, cell in models.items():
                if cell.requests:
                    by_hour.setdefault(hour, []).append((key_id, name, cell))
    size = limit or LIMIT[provider]
    for first in range(hours.start, hours.stop, size):
        data = [
            bucket(
                provider,
                START + hour * HOUR,
                START + (hour + 1) * HOUR,
                [to_result(*row) for row in sorted(by_hour.get(hour, []), key=_order)],
            )
            for hour in range(first, min(hours.stop, first + size))
        ]
        more = first + size < hours.stop
        page: dict[str, object] = {"object": "page"} if provider == "openai" else {}
        page |= {
            "data": data,
            "has_more": more,
            "next_page": cursor(provider, START + (first + size) * HOUR) if more else None,
        }
        yield page


def _order(row: tuple[str, str, Cell]) -> tuple[bool, str, str]:
    return (not row[0], row[0], row[1])  # keyless usage last


def save(provider: str, ledger: Ledger, folder: Path) -> list[Path]:
    """One page a file, `world7-PROVIDER-NNN.json`, in page order."""
    return save_pages(pages(provider, ledger), folder, f"world7-{provider}")
