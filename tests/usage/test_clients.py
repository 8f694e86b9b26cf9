"""The usage clients against the fake usage APIs: paging, rate limits, outages, refusals, and
which providers the environment configures.

Stage: tests (usage watch). Real HTTP on 127.0.0.1 throughout; the only thing handed in is the
clients' `sleep`, so a test of a 60-second `Retry-After` records the wait instead of taking it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from leakward.core.errors import UsageError
from leakward.core.secret import Secret
from leakward.usage.clients import (
    AnthropicUsageClient,
    OpenAIUsageClient,
    UsageFetchError,
    usage_clients,
)
from leakward.usage.records import UsageRecord
from tests.fakes.anthropic_usage import FakeAnthropicUsage
from tests.fakes.openai_usage import PATH as OPENAI_PATH
from tests.fakes.openai_usage import FakeOpenAIUsage
from tests.fakes.server import FakeRequest, FakeServer, Reply
from tests.usage.usage_fakes import *  # noqa: F403 (pytest finds fixtures by name)

T0 = 1_733_011_200  # 2024-12-01T00:00:00Z
DAY = 86_400


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(5.0)) as client:
        yield client


def _openai(
    fake: FakeOpenAIUsage, http: httpx.Client, waits: list[float] | None = None, **kw: float
) -> OpenAIUsageClient:
    sleep = waits.append if waits is not None else (lambda _: None)
    return OpenAIUsageClient(http, Secret(fake.admin_key), fake.url, sleep=sleep, **kw)


def _minutes(provider: str, key: str, start: int, count: int) -> list[UsageRecord]:
    requests = 2 if provider == "openai" else None
    return [
        UsageRecord(provider, key, at, at + 60, "m-1", requests, 100, 40, 10)
        for at in range(start, start + count * 60, 60)
    ]


def _bucket_count(pages: list[object]) -> int:
    return sum(len(page["data"]) for page in pages if isinstance(page, dict))


# --- rate limits ------------------------------------------------------------------------------


def test_rate_limits_are_waited_out_for_as_long_as_retry_after_asks(
    fake_openai_usage: FakeOpenAIUsage, http: httpx.Client
) -> None:
    fake_openai_usage.plant(*_minutes("openai", "key_a", T0, 30))
    fake_openai_usage.trouble.rate_limited = 2
    fake_openai_usage.trouble.retry_after = "7"
    waits: list[float] = []
    pages = list(_openai(fake_openai_usage, http, waits).pages(T0, T0 + 3600, "1m"))
    assert waits == [7.0, 7.0]
    assert _bucket_count(pages) == 60
    assert len(fake_openai_usage.requests) == 3


def test_a_rate_limit_past_the_bound_gives_up_with_a_clear_error(
    fake_anthropic_usage: FakeAnthropicUsage, http: httpx.Client
) -> None:
    fake_anthropic_usage.trouble.rate_limited = 5
    fake_anthropic_usage.trouble.retry_after = "50"
    waits: list[float] = []
    client = AnthropicUsageClient(
        http, Secret(fake_anthropic_usage.admin_key), fake_anthropic_usage.url, sleep=waits.append
    )
    with pytest.raises(UsageFetchError, match="anthropic usage API is rate limiting") as caught:
        list(client.pages(T0, T0 + 3600, "1h"))
    assert waits == [50.0, 50.0]  # a third wait would pass the 120 s bound
    assert "next time" in str(caught.value.hint)


def test_endless_429s_asking_no_wait_still_end(
    fake_openai_usage: FakeOpenAIUsage, http: httpx.Client
) -> None:
    fake_openai_usage.trouble.rate_limited = 50
    fake_openai_usage.trouble.retry_after = "0"
    with pytest.raises(UsageFetchError, match="8 answers of 429 in a row"):
        list(_openai(fake_openai_usage, http).pages(T0, T0 + 3600, "1h"))
    assert len(fake_openai_usage.requests) == 8


def test_a_429_without_retry_after_waits_a_default_pause(
    fake_openai_usage: FakeOpenAIUsage, http: httpx.Client
) -> None:
    fake_openai_usage.fail_next(OPENAI_PATH, status=429)
    waits: list[float] = []
    pages = list(_openai(fake_openai_usage, http, waits).pages(T0, T0 + 3600, "1h"))
    assert waits == [5.0]
    assert _bucket_count(pages) == 1


# --- outages: a clear error, and nothing skipped --------------------------------------------


def test_an_outage_mid_walk_stops_there_and_the_range_reads_whole_next_time(
    fake_openai_usage: FakeOpenAIUsage, http: httpx.Client
) -> None:
    fake_openai_usage.plant(*_minutes("openai", "key_a", T0, 24 * 60))
    fake_openai_usage.fail_next(OPENAI_PATH, status=503, skip=1)  # the second page fails
    client = _openai(fake_openai_usage, http)
    seen: list[object] = []
    with pytest.raises(UsageFetchError) as caught:
        seen.extend(client.pages(T0, T0 + 3 * DAY, "1m"))
    assert str(caught.value).startswith("openai usage API failed (HTTP 503)")
    assert "nothing was skipped" in str(caught.value.hint)
    assert len(seen) == 1  # the first page was handed on; no page after the failure was asked
    assert len(fake_openai_usage.requests) == 2
    again = list(client.pages(T0, T0 + 3 * DAY, "1m"))
    assert _bucket_count(again) == 3 * 24 * 60


def test_an_unreachable_api_names_the_provider_and_what_to_check(http: httpx.Client) -> None:
    with FakeServer() as closed:
        url = closed.url  # the port is free again once the server stops
    client = AnthropicUsageClient(http, Secret("sk-ant-admin01-" + "x" * 40), url)
    with pytest.raises(UsageFetchError, match=r"anthropic usage API at .* could not be reached"):
        list(client.pages(T0, T0 + 3600, "1h"))


def test_a_hung_api_times_out_into_the_same_error(fake_openai_usage: FakeOpenAIUsage) -> None:
    fake_openai_usage.fail_next(OPENAI_PATH, hang=3.0)
    with (
        httpx.Client(timeout=httpx.Timeout(0.3)) as quick,
        pytest.raises(UsageFetchError, match=r"could not be reached \(timed out\)"),
    ):
        list(_openai(fake_openai_usage, quick).pages(T0, T0 + 3600, "1h"))


# --- refusals: never the key ------------------------------------------------------------------


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_a_refused_admin_key_is_named_but_never_shown(
    provider: str,
    fake_openai_usage: FakeOpenAIUsage,
    fake_anthropic_usage: FakeAnthropicUsage,
    http: httpx.Client,
) -> None:
    wrong = Secret("sk-admin-" + "Zq8" * 16)
    fake = fake_openai_usage if provider == "openai" else fake_anthropic_usage
    cls = OpenAIUsageClient if provider == "openai" else AnthropicUsageClient
    with pytest.raises(UsageFetchError) as caught:
        list(cls(http, wrong, fake.url).pages(T0, T0 + 3600, "1h"))
    said = f"{caught.value}\n{caught.value!r}\n{caught.value.hint}"
    assert f"{provider} refused the admin key (HTTP 401)" in said
    assert f"{provider.upper()}_ADMIN_KEY" in said
    assert wrong.reveal() not in said
    assert "Zq8Zq8" not in said


class _Echo(FakeServer):
    """An API that quotes the credential back in a 400, as some gateways do."""

    def __init__(self) -> None:
        super().__init__()
        self.route("GET", re.escape(OPENAI_PATH), self._echo)

    def _echo(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        said = f"bad request from {request.headers.get('authorization')}"
        return Reply(400, {"error": {"message": said, "type": "invalid_request_error"}})


def test_a_provider_message_that_quotes_the_key_is_scrubbed(http: httpx.Client) -> None:
    key = Secret("sk-admin-" + "Q7w" * 16)
    with _Echo() as echo:
        client = OpenAIUsageClient(http, key, echo.url)
        with pytest.raises(UsageFetchError, match="rejected the request") as caught:
            list(client.pages(T0, T0 + 3600, "1h"))
    assert key.reveal() not in str(caught.value)
    assert key.redacted() in str(caught.value)


# --- paging the client will not follow blindly ------------------------------------------------


class _BrokenPaging(FakeServer):
    """Says there is more, with `cursor` as the next page: None, or the same cursor forever."""

    def __init__(self, cursor: str | None) -> None:
        super().__init__()
        self.cursor = cursor
        self.route("GET", re.escape(OPENAI_PATH), self._page)

    def _page(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        page = {"object": "page", "data": [], "has_more": True, "next_page": self.cursor}
        return Reply(200, page)


@pytest.mark.parametrize(("cursor", "said"), [(None, "gave no next_page"), ("p1", "twice")])
def test_broken_paging_is_an_error_not_an_endless_walk(
    cursor: str | None, said: str, http: httpx.Client
) -> None:
    with _BrokenPaging(cursor) as broken:
        client = OpenAIUsageClient(http, Secret("sk-admin-x"), broken.url)
        with pytest.raises(UsageFetchError, match=said):
            list(client.pages(T0, T0 + 3600, "1h"))
        assert len(broken.requests) <= 2


def test_an_unknown_bucket_width_is_a_usage_error(http: httpx.Client) -> None:
    client = OpenAIUsageClient(http, Secret("sk-admin-x"), "http://127.0.0.1:9")
    with pytest.raises(UsageError, match="unknown bucket width '5m'"):
        list(client.pages(T0, T0 + 3600, "5m"))


# --- which providers the environment configures ----------------------------------------------


def test_usage_clients_follow_the_admin_keys_and_base_urls_set(
    fake_openai_usage: FakeOpenAIUsage,
    fake_anthropic_usage: FakeAnthropicUsage,
    http: httpx.Client,
) -> None:
    assert usage_clients({}, http) == []
    only_openai = usage_clients({"OPENAI_ADMIN_KEY": "sk-admin-x"}, http)
    assert [c.provider for c in only_openai] == ["openai"]
    assert isinstance(only_openai[0], OpenAIUsageClient)
    fake_openai_usage.plant(*_minutes("openai", "key_a", T0, 5))
    fake_anthropic_usage.plant(*_minutes("anthropic", "apikey_a", T0, 5))
    environ = {
        "OPENAI_ADMIN_KEY": fake_openai_usage.admin_key,
        "ANTHROPIC_ADMIN_KEY": fake_anthropic_usage.admin_key,
        "LEAKWARD_API_OPENAI": fake_openai_usage.url,
        "LEAKWARD_API_ANTHROPIC": fake_anthropic_usage.url,
    }
    both = usage_clients(environ, http)
    assert [c.provider for c in both] == ["openai", "anthropic"]
    for client in both:  # each reaches its own fake, with its own key
        (page,) = client.pages(T0, T0 + 3600, "1h")
        assert page["data"][0]["results"]  # type: ignore[index]
