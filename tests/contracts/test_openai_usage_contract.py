"""OpenAI usage: the client's requests and the fake's answers fit OpenAI's published spec
(`GET /organization/usage/completions`, trimmed into specs/openai_usage.yaml).

Each bucket width is driven across three pages (more buckets than the documented maximum
`limit` holds, twice over), so `page`/`next_page` and the last page's null cursor are checked,
and so are the fake's refusal of a wrong key and its rate-limit and outage answers.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from leakward.core.secret import Secret
from leakward.usage.clients import PAGE_LIMITS, OpenAIUsageClient, UsageFetchError
from leakward.usage.records import UsageRecord
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.openai_usage import FakeOpenAIUsage
from tests.fakes.usage_book import WIDTH_SECONDS

CONTRACT = Contract.named("openai_usage")
T0 = 1_733_011_200  # 2024-12-01T00:00:00Z: long past, so every bucket asked for has begun


def _record(key: str, at: int, model: str = "gpt-4o-mini") -> UsageRecord:
    return UsageRecord("openai", key, at, at + 60, model, 3, 1200, 300, 200)


@pytest.fixture
def fake() -> Iterator[FakeOpenAIUsage]:
    server = FakeOpenAIUsage()
    with server:
        yield server


@pytest.mark.parametrize("width", ["1m", "1h", "1d"])
def test_three_pages_of_each_width_fit_the_spec(fake: FakeOpenAIUsage, width: str) -> None:
    span = (2 * PAGE_LIMITS[width] + 5) * WIDTH_SECONDS[width]
    fake.plant(
        _record("key_abc", T0),
        _record("key_abc", T0 + span // 2, "o3"),
        _record("key_def", T0 + span - 60),
        _record("", T0 + span // 3),  # console usage: no API key
    )
    traffic = Traffic()
    client = OpenAIUsageClient(traffic.client(timeout=10.0), Secret(fake.admin_key), fake.url)
    pages = list(client.pages(T0, T0 + span, width))
    assert len(pages) == 3
    assert_conforms(CONTRACT, traffic)
    buckets = [bucket for page in pages for bucket in page["data"]]  # type: ignore[index]
    assert len(buckets) == span // WIDTH_SECONDS[width]  # empty buckets are listed too
    assert [e.request.url.params.get_list("group_by") for e in traffic.exchanges] == [
        ["api_key_id", "model"]
    ] * 3


def test_refusals_rate_limits_and_outages_fit_the_spec(fake: FakeOpenAIUsage) -> None:
    traffic = Traffic()
    refused = OpenAIUsageClient(traffic.client(), Secret("sk-admin-wrong"), fake.url)
    with pytest.raises(UsageFetchError):
        list(refused.pages(T0, T0 + 3600, "1h"))
    fake.trouble.rate_limited = 2
    fake.trouble.outages = 1
    client = OpenAIUsageClient(
        traffic.client(), Secret(fake.admin_key), fake.url, sleep=lambda _: None
    )
    with pytest.raises(UsageFetchError):
        list(client.pages(T0, T0 + 3600, "1h"))
    statuses = [e.response.status_code for e in traffic.exchanges]
    assert statuses == [401, 429, 429, 500]
    assert_conforms(CONTRACT, traffic)
