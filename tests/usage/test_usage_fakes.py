"""The fake usage APIs serve what was planted: summed per width and group, every bucket listed,
paged within the documented limits, the latest bucket growing, and read back by `read_page`
into the records planted.

Stage: tests (usage watch). The round trips go through the real clients and the real page
reader, so a fake that drifted from what the reader expects (OpenAI's `input_tokens` counting
cached tokens too, Anthropic's lack of request counts) fails here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.usage.clients import AnthropicUsageClient, OpenAIUsageClient, rfc3339
from leakward.usage.pages import read_page
from leakward.usage.records import UsageRecord
from tests.fakes.anthropic_usage import PATH as ANTHROPIC_PATH
from tests.fakes.anthropic_usage import FakeAnthropicUsage
from tests.fakes.openai_usage import PATH as OPENAI_PATH
from tests.fakes.openai_usage import FakeOpenAIUsage

T0 = 1_733_011_200  # 2024-12-01T00:00:00Z
HOUR = 3600


class Clock:
    """The fakes' now, moved by hand."""

    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> float:
        return float(self.now)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(5.0)) as client:
        yield client


def _usage(provider: str, key: str, at: int, model: str, tokens: int) -> UsageRecord:
    requests = tokens // 100 if provider == "openai" else None
    return UsageRecord(
        provider, key, at, at + 60, model, requests, tokens, tokens // 4, tokens // 8
    )


def _planted(provider: str) -> list[UsageRecord]:
    """Two keys, two models, a night's minutes here and there, and usage of no key."""
    key = "key_abc" if provider == "openai" else "apikey_abc"
    other = "key_def" if provider == "openai" else "apikey_def"
    return [_usage(provider, key, T0 + 60 * m, "model-a", 800 + m) for m in range(0, 180, 9)] + [
        _usage(provider, other, T0 + 60 * m, "model-b", 300 + m) for m in range(5, 150, 31)
    ]


def _client(
    provider: str, fake: FakeOpenAIUsage | FakeAnthropicUsage, http: httpx.Client
) -> OpenAIUsageClient | AnthropicUsageClient:
    cls = OpenAIUsageClient if provider == "openai" else AnthropicUsageClient
    return cls(http, Secret(fake.admin_key), fake.url)


def _fake(provider: str, clock: Clock | None = None) -> FakeOpenAIUsage | FakeAnthropicUsage:
    cls = FakeOpenAIUsage if provider == "openai" else FakeAnthropicUsage
    return cls(clock) if clock is not None else cls()


def _read(provider: str, pages: list[object]) -> list[UsageRecord]:
    return [record for page in pages for record in read_page(provider, page).records]


def _totals(records: list[UsageRecord]) -> Counter[tuple[str, str | None]]:
    sums: Counter[tuple[str, str | None]] = Counter()
    for record in records:
        sums[record.key_id, record.model] += record.input_tokens + 1000 * record.output_tokens
    return sums


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_planted_minutes_come_back_as_the_same_records(provider: str, http: httpx.Client) -> None:
    planted = _planted(provider)
    fake = _fake(provider)
    with fake:
        fake.plant(*planted, _usage(provider, "", T0 + 120, "model-a", 5000))  # no key: skipped
        pages = list(_client(provider, fake, http).pages(T0, T0 + 3 * HOUR, "1m"))
    assert sorted(_read(provider, pages), key=lambda r: (r.start, r.key_id)) == sorted(
        planted, key=lambda r: (r.start, r.key_id)
    )
    assert sum(read_page(provider, page).unattributed for page in pages) == 1


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize("width", ["1h", "1d"])
def test_wider_buckets_sum_the_minutes_per_key_and_model(
    provider: str, width: str, http: httpx.Client
) -> None:
    planted = _planted(provider)
    fake = _fake(provider)
    with fake:
        fake.plant(*planted)
        pages = list(_client(provider, fake, http).pages(T0, T0 + 2 * 86_400, width))
    read = _read(provider, pages)
    assert _totals(read) == _totals(planted)
    assert len(read) == (6 if width == "1h" else 2)  # key_abc: 3 hours; key_def: 3 hours
    assert {r.end - r.start for r in read} == {HOUR if width == "1h" else 86_400}


def test_every_bucket_is_listed_and_ungrouped_fields_are_null(http: httpx.Client) -> None:
    fake = FakeOpenAIUsage()
    with fake:
        fake.plant(*_planted("openai"))
        answer = http.get(
            fake.url + OPENAI_PATH,
            params={"start_time": T0, "end_time": T0 + 5 * HOUR, "bucket_width": "1h"},
            headers={"Authorization": f"Bearer {fake.admin_key}"},
        ).json()
        by_model = http.get(  # the openai SDK's array form
            fake.url + OPENAI_PATH,
            params={"start_time": T0, "end_time": T0 + HOUR, "group_by[]": "model"},
            headers={"Authorization": f"Bearer {fake.admin_key}"},
        ).json()
    assert [len(b["results"]) for b in answer["data"]] == [1, 1, 1, 0, 0]  # no group: one tally
    assert answer["data"][0]["results"][0]["api_key_id"] is None
    assert answer["data"][0]["results"][0]["model"] is None
    first_hour = by_model["data"][0]["results"]
    assert [(r["api_key_id"], r["model"]) for r in first_hour] == [
        (None, "model-a"),
        (None, "model-b"),
    ]


@pytest.mark.parametrize(
    ("width", "default", "maximum"), [("1m", 60, 1440), ("1h", 24, 168), ("1d", 7, 31)]
)
def test_each_width_pages_by_its_documented_default_and_refuses_past_its_maximum(
    width: str, default: int, maximum: int, http: httpx.Client
) -> None:
    fake = FakeAnthropicUsage()
    with fake:
        headers = {"x-api-key": fake.admin_key, "anthropic-version": "2023-06-01"}
        asked = {"starting_at": rfc3339(T0), "ending_at": rfc3339(T0 + 40 * 86_400)}
        url = fake.url + ANTHROPIC_PATH
        first = http.get(url, params={**asked, "bucket_width": width}, headers=headers).json()
        over = http.get(
            url, params={**asked, "bucket_width": width, "limit": maximum + 1}, headers=headers
        )
        second = http.get(
            url,
            params={**asked, "bucket_width": width, "page": first["next_page"]},
            headers=headers,
        ).json()
        foreign = http.get(
            url, params={"starting_at": rfc3339(T0), "page": first["next_page"]}, headers=headers
        )
    assert len(first["data"]) == default
    assert first["has_more"] is True
    assert second["data"][0]["starting_at"] == first["data"][-1]["ending_at"]
    assert over.status_code == 400
    assert foreign.status_code == 400  # a cursor belongs to the query that gave it


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_the_current_bucket_grows_as_usage_arrives(provider: str, http: httpx.Client) -> None:
    clock = Clock(T0 + 30 * 60)  # half past midnight
    key = "key_abc" if provider == "openai" else "apikey_abc"
    fake = _fake(provider, clock)
    with fake:
        client = _client(provider, fake, http)
        fake.plant(_usage(provider, key, T0 + 600, "model-a", 1000))
        # The watch asks up to now, mid-bucket: both clients read the bucket under way.
        before = _read(provider, list(client.pages(T0, clock.now + 1, "1h")))
        fake.plant(_usage(provider, key, T0 + 1200, "model-a", 500))
        fake.plant(_usage(provider, key, T0 + HOUR + 60, "model-a", 700))  # not yet: the future
        after = _read(provider, list(client.pages(T0, clock.now + 1, "1h")))
        clock.now = T0 + HOUR + 120
        later = _read(provider, list(client.pages(T0, clock.now + 1, "1h")))
    assert [r.input_tokens for r in before] == [1000]
    assert [r.input_tokens for r in after] == [1500]  # the same bucket, revised
    assert [r.input_tokens for r in later] == [1500, 700]


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_only_the_admin_key_is_let_in(provider: str, http: httpx.Client) -> None:
    fake = _fake(provider)
    with fake:
        if provider == "openai":
            answer = http.get(
                fake.url + OPENAI_PATH,
                params={"start_time": T0},
                headers={"Authorization": "Bearer sk-proj-" + "a" * 40},
            )
            no_version = None
        else:
            answer = http.get(
                fake.url + ANTHROPIC_PATH,
                params={"starting_at": rfc3339(T0)},
                headers={"x-api-key": "sk-ant-api03-x", "anthropic-version": "2023-06-01"},
            )
            no_version = http.get(
                fake.url + ANTHROPIC_PATH,
                params={"starting_at": rfc3339(T0)},
                headers={"x-api-key": fake.admin_key},
            )
    assert answer.status_code == 401
    assert no_version is None or no_version.status_code == 400
