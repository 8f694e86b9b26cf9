"""The page readers: providers' usage pages in, `UsageRecord`s out; anything else, a clear error."""

from __future__ import annotations

import copy
import json

import pytest

from leakward.core.errors import EXIT_USAGE, UsageError
from leakward.usage.pages import UsagePage, UsagePageError, parse_page, read_page
from leakward.usage.records import UsageRecord
from tests.usage.page_examples import ANTHROPIC_EXAMPLE, OPENAI_GROUPED, OPENAI_SPEC_EXAMPLE


def test_the_openai_spec_example_is_read_and_its_keyless_result_counted() -> None:
    page = read_page("openai", OPENAI_SPEC_EXAMPLE)
    assert page == UsagePage(
        records=(), has_more=True, next_page="page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=", unattributed=1
    )


def test_an_openai_page_grouped_by_key_and_model_gives_one_record_per_result() -> None:
    page = read_page("openai", OPENAI_GROUPED)
    assert page.records == (
        UsageRecord(
            provider="openai",
            key_id="key_abc123def456ghi7",
            start=1788771600,
            end=1788775200,
            model="gpt-4o-mini-2024-07-18",
            requests=14,
            input_tokens=10000,  # input_tokens counts the cached ones too
            output_tokens=3000,
            cached_input_tokens=2000,
        ),
        UsageRecord(
            "openai", "key_abc123def456ghi7", 1788771600, 1788775200, "o3-2025-04-16", 2, 5000, 9000
        ),
    )
    assert page.unattributed == 1
    assert (page.has_more, page.next_page) == (False, None)


def test_an_anthropic_page_is_read_with_rfc3339_times_and_no_request_counts() -> None:
    page = read_page("anthropic", ANTHROPIC_EXAMPLE)
    assert page.records == (
        UsageRecord(
            provider="anthropic",
            key_id="apikey_01Rj2N8SVvo6BePZj99NhmiT",
            start=1788775200,  # 2026-09-07T10:00:00Z
            end=1788778800,
            model="claude-sonnet-4-20250514",
            requests=None,
            input_tokens=1500,
            output_tokens=900,
            cached_input_tokens=200 + 1000 + 500,  # reads and both cache writes
        ),
    )
    assert page.unattributed == 1
    assert page.next_page == "page_MjAyNS0wNS0xNFQwMDowMDowMFo="


def test_an_empty_cursor_is_no_cursor() -> None:
    document = {**OPENAI_GROUPED, "next_page": ""}
    assert read_page("openai", document).next_page is None


def test_json_text_is_parsed_and_broken_json_is_a_page_error() -> None:
    assert parse_page("openai", json.dumps(OPENAI_GROUPED)).records
    with pytest.raises(UsagePageError, match=r"not JSON .*line 1"):
        parse_page("openai", '{"object": "page", "data": [')


@pytest.mark.parametrize(
    ("provider", "document", "says"),
    [
        ("anthropic", OPENAI_GROUPED, "is an OpenAI usage page"),
        ("openai", ANTHROPIC_EXAMPLE, "is an Anthropic usage page"),
        ("openai", [1, 2], "is a JSON list"),
        ("openai", {"error": {"message": "invalid key"}}, "is a JSON object with keys error"),
    ],
)
def test_another_format_says_what_was_expected_and_what_it_is(
    provider: str, document: object, says: str
) -> None:
    with pytest.raises(UsagePageError) as caught:
        read_page(provider, document)
    message = str(caught.value)
    assert "expected" in message
    assert says in message
    assert caught.value.exit_code == EXIT_USAGE
    assert isinstance(caught.value, UsageError)


def test_a_page_of_another_usage_endpoint_is_refused() -> None:
    document = copy.deepcopy(OPENAI_GROUPED)
    document["data"][0]["results"][0]["object"] = "organization.usage.embeddings.result"
    with pytest.raises(UsagePageError, match=r"not a completions result") as caught:
        read_page("openai", document)
    assert "/v1/organization/usage/completions" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("output_tokens", -3, "expected a count"),
        ("num_model_requests", True, "expected a count"),
        ("input_tokens", "1000", "expected a count"),
        ("input_cached_tokens", 999_999, "exceeds input_tokens"),
        ("api_key_id", 42, "expected a string or null"),
    ],
)
def test_a_malformed_result_names_its_place_and_field(field: str, value: object, says: str) -> None:
    document = copy.deepcopy(OPENAI_GROUPED)
    document["data"][0]["results"][1][field] = value
    with pytest.raises(UsagePageError, match=says) as caught:
        read_page("openai", document)
    assert "data[0].results[1]" in str(caught.value)


def test_a_bucket_that_ends_before_it_starts_is_refused() -> None:
    document = copy.deepcopy(ANTHROPIC_EXAMPLE)
    document["data"][0]["ending_at"] = "2026-09-07T09:00:00Z"
    with pytest.raises(UsagePageError, match=r"ends .* before it starts"):
        read_page("anthropic", document)


def test_a_time_without_a_zone_is_refused() -> None:
    document = copy.deepcopy(ANTHROPIC_EXAMPLE)
    document["data"][0]["starting_at"] = "2026-09-07T10:00:00"
    with pytest.raises(UsagePageError, match="names no time zone"):
        read_page("anthropic", document)


def test_a_bucket_from_the_future_is_clock_skew() -> None:
    start = OPENAI_GROUPED["data"][0]["start_time"]
    assert read_page("openai", OPENAI_GROUPED, now=start).records
    with pytest.raises(UsagePageError, match="after this machine's clock") as caught:
        read_page("openai", OPENAI_GROUPED, now=start - 3600)
    assert "clock" in (caught.value.hint or "")


def test_an_unknown_provider_is_a_usage_error() -> None:
    with pytest.raises(UsagePageError, match="unknown usage provider 'azure'"):
        read_page("azure", OPENAI_GROUPED)
