"""Anthropic usage: the client's requests and the fake's answers fit the Messages usage report
as Anthropic documents it (specs/anthropic_usage.yaml, hand-written; its header names the
sources).

Each bucket width is driven across three pages, so `page`/`next_page` and the last page's null
cursor are checked, and so are the fake's refusal of a wrong key and its rate-limit and outage
answers (`rate_limit_error` with `retry-after`, `api_error`, `overloaded_error`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from leakward.core.secret import Secret
from leakward.usage.clients import PAGE_LIMITS, AnthropicUsageClient, UsageFetchError
from leakward.usage.records import UsageRecord
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.anthropic_usage import FakeAnthropicUsage
from tests.fakes.usage_book import WIDTH_SECONDS

CONTRACT = Contract.named("anthropic_usage")
T0 = 1_733_011_200  # 2024-12-01T00:00:00Z: long past, so every bucket asked for has begun
KEY = "apikey_01Rj2N8SVvo6BePZj99NhmiT"


def _record(key: str, at: int, model: str = "claude-sonnet-4-5") -> UsageRecord:
    return UsageRecord("anthropic", key, at, at + 60, model, None, 1500, 500, 200)


@pytest.fixture
def fake() -> Iterator[FakeAnthropicUsage]:
    server = FakeAnthropicUsage()
    with server:
        yield server


@pytest.mark.parametrize("width", ["1m", "1h", "1d"])
def test_three_pages_of_each_width_fit_the_spec(fake: FakeAnthropicUsage, width: str) -> None:
    span = (2 * PAGE_LIMITS[width] + 5) * WIDTH_SECONDS[width]
    fake.plant(
        _record(KEY, T0),
        _record(KEY, T0 + span // 2, "claude-opus-4-1"),
        _record("apikey_02", T0 + span - 60),
        _record("", T0 + span // 3),  # console usage: no API key
    )
    traffic = Traffic()
    client = AnthropicUsageClient(traffic.client(timeout=10.0), Secret(fake.admin_key), fake.url)
    pages = list(client.pages(T0, T0 + span, width))
    assert len(pages) == 3
    assert_conforms(CONTRACT, traffic)
    buckets = [bucket for page in pages for bucket in page["data"]]  # type: ignore[index]
    assert len(buckets) == span // WIDTH_SECONDS[width]  # empty buckets are listed too
    assert buckets[0]["starting_at"] == "2024-12-01T00:00:00Z"


@pytest.mark.parametrize("status", [500, 529])
def test_refusals_rate_limits_and_outages_fit_the_spec(
    fake: FakeAnthropicUsage, status: int
) -> None:
    traffic = Traffic()
    refused = AnthropicUsageClient(traffic.client(), Secret("sk-ant-admin01-wrong"), fake.url)
    with pytest.raises(UsageFetchError):
        list(refused.pages(T0, T0 + 3600, "1h"))
    fake.trouble.rate_limited = 2
    fake.trouble.outages = 1
    fake.trouble.outage_status = status
    client = AnthropicUsageClient(
        traffic.client(), Secret(fake.admin_key), fake.url, sleep=lambda _: None
    )
    with pytest.raises(UsageFetchError):
        list(client.pages(T0, T0 + 3600, "1h"))
    assert [e.response.status_code for e in traffic.exchanges] == [401, 429, 429, status]
    assert_conforms(CONTRACT, traffic)
