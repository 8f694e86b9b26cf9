"""Usage pages as the providers publish them, kept as data for the page readers' tests.

OPENAI_SPEC_EXAMPLE: the response example of `GET /organization/usage/completions` (x-oaiMeta
examples.response) in openai/openai-openapi, openapi.yaml, commit
f85dbe223d40e1a31cba812ab2d755c7e98a92a3 (2026-08-21), read 2026-12-06. Field for field as
published (its api_key_id is null: that example was not grouped by key).

OPENAI_GROUPED: the same example's shape, as `group_by=api_key_id,model` answers it (the schema
`UsageCompletionsResult` in the same file: api_key_id and model become strings), two hours at
bucket_width=1h; values invented.

ANTHROPIC_EXAMPLE: the shape of `GET /v1/organizations/usage_report/messages` from the Admin API
reference (platform.claude.com/docs/en/api/admin/usage_report/retrieve_messages, read
2026-12-06: data[] of starting_at/ending_at (RFC 3339) and results[] with uncached_input_tokens,
cache_creation{ephemeral_1h_input_tokens, ephemeral_5m_input_tokens}, cache_read_input_tokens,
output_tokens, server_tool_use{web_search_requests}, api_key_id, workspace_id, model,
service_tier, context_window; has_more, next_page); the key and workspace ids are the
reference's own examples, the counts invented.
"""

from __future__ import annotations

from typing import Any

OPENAI_SPEC_EXAMPLE: dict[str, Any] = {
    "object": "page",
    "data": [
        {
            "object": "bucket",
            "start_time": 1730419200,
            "end_time": 1730505600,
            "results": [
                {
                    "object": "organization.usage.completions.result",
                    "input_tokens": 1000,
                    "input_cached_tokens": 400,
                    "input_cache_write_tokens": 100,
                    "input_uncached_tokens": 500,
                    "output_tokens": 500,
                    "input_text_tokens": 400,
                    "output_text_tokens": 400,
                    "input_cached_text_tokens": 300,
                    "input_audio_tokens": 50,
                    "input_cached_audio_tokens": 50,
                    "output_audio_tokens": 50,
                    "input_image_tokens": 50,
                    "input_cached_image_tokens": 50,
                    "output_image_tokens": 50,
                    "num_model_requests": 5,
                    "project_id": None,
                    "user_id": None,
                    "api_key_id": None,
                    "model": None,
                    "batch": None,
                    "service_tier": None,
                }
            ],
        }
    ],
    "has_more": True,
    "next_page": "page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=",
}


def _openai_result(
    key: str | None, model: str, tokens: int, cached: int, out: int, n: int
) -> dict[str, Any]:
    return {
        "object": "organization.usage.completions.result",
        "input_tokens": tokens,
        "input_cached_tokens": cached,
        "output_tokens": out,
        "input_audio_tokens": 0,
        "output_audio_tokens": 0,
        "num_model_requests": n,
        "project_id": None,
        "user_id": None,
        "api_key_id": key,
        "model": model,
        "batch": None,
        "service_tier": None,
    }


OPENAI_GROUPED: dict[str, Any] = {
    "object": "page",
    "data": [
        {
            "object": "bucket",
            "start_time": 1788771600,
            "end_time": 1788775200,
            "results": [
                _openai_result(
                    "key_abc123def456ghi7", "gpt-4o-mini-2024-07-18", 12000, 2000, 3000, 14
                ),
                _openai_result("key_abc123def456ghi7", "o3-2025-04-16", 5000, 0, 9000, 2),
                _openai_result(None, "gpt-4o-2024-08-06", 800, 0, 400, 1),
            ],
        },
        {
            "object": "bucket",
            "start_time": 1788775200,
            "end_time": 1788778800,
            "results": [],
        },
    ],
    "has_more": False,
    "next_page": None,
}


def _anthropic_result(key: str | None, model: str, uncached: int, out: int) -> dict[str, Any]:
    return {
        "uncached_input_tokens": uncached,
        "cache_creation": {"ephemeral_1h_input_tokens": 1000, "ephemeral_5m_input_tokens": 500},
        "cache_read_input_tokens": 200,
        "output_tokens": out,
        "server_tool_use": {"web_search_requests": 0},
        "api_key_id": key,
        "workspace_id": "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ",
        "model": model,
        "service_tier": "standard",
        "context_window": "0-200k",
    }


ANTHROPIC_EXAMPLE: dict[str, Any] = {
    "data": [
        {
            "starting_at": "2026-09-07T10:00:00Z",
            "ending_at": "2026-09-07T11:00:00Z",
            "results": [
                _anthropic_result(
                    "apikey_01Rj2N8SVvo6BePZj99NhmiT", "claude-sonnet-4-20250514", 1500, 900
                ),
                _anthropic_result(None, "claude-sonnet-4-20250514", 100, 50),
            ],
        }
    ],
    "has_more": True,
    "next_page": "page_MjAyNS0wNS0xNFQwMDowMDowMFo=",
}
