"""World 7 (bench/usage_world7*.py), the seventh blind usage world of issue #20: one seed is one
world; its pages are what the providers' usage APIs return (checked against the published specs
in tests/contracts/specs/ as a request and its answer, and read back whole by leakward's page
reader); every theft starts in the judged weeks with its own first request."""

from __future__ import annotations

from collections import Counter
from functools import cache

import httpx
import pytest

from bench.usage_page_writer import rfc3339
from bench.usage_world7 import World, build_world, is_clean_day, pages
from bench.usage_world7_base import DAY, DAYS, END, HOUR, JUDGED_DAYS, START
from bench.usage_world7_owners import ROTATED, owners
from bench.usage_world7_pages import pages as pages_of
from bench.usage_world7_thieves import KINDS, SIZES
from leakward.usage.pages import read_page
from tests.contracts.openapi_contract import Contract, Exchange

PROVIDERS = ("openai", "anthropic")


@cache
def world(provider: str) -> World:
    return build_world(provider, 81)


def test_a_seed_is_one_world_and_another_seed_another() -> None:
    again = build_world("openai", 81)
    assert again.ledger == world("openai").ledger
    assert again.thefts == world("openai").thefts
    assert [o.key_id for o in owners("openai", 82)] != [o.key_id for o in again.keys]


def _request(provider: str, hours: range, page: str | None) -> httpx.Request:
    first, end = START + hours.start * HOUR, START + hours.stop * HOUR
    if provider == "openai":
        params: list[tuple[str, str | int | float | bool | None]] = [
            ("start_time", first),
            ("end_time", end),
            ("bucket_width", "1h"),
            ("group_by", "api_key_id"),
            ("group_by", "model"),
            ("limit", 6),
        ]
        url = "https://api.openai.com/v1/organization/usage/completions"
        headers = {"authorization": "Bearer sk-admin-world7"}
    else:
        params = [
            ("starting_at", rfc3339(first)),
            ("ending_at", rfc3339(end)),
            ("bucket_width", "1h"),
            ("group_by[]", "api_key_id"),
            ("group_by[]", "model"),
            ("limit", 6),
        ]
        url = "https://api.anthropic.com/v1/organizations/usage_report/messages"
        headers = {"x-api-key": "sk-ant-admin01-world7", "anthropic-version": "2023-06-01"}
    if page is not None:
        params.append(("page", page))
    return httpx.Request("GET", url, params=params, headers=headers)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_pages_are_the_answers_the_published_specs_describe(provider: str) -> None:
    built = world(provider)
    onset = (min(t.onset for t in built.thefts) - START) // HOUR
    hours = range(onset - 2, onset + 10)  # twelve busy hours around a theft, two pages of six
    made = list(pages_of(provider, built.ledger, hours, 6))
    exchanges, cursor = [], None
    for page in made:
        request = _request(provider, hours, cursor)
        exchanges.append(Exchange(request, httpx.Response(200, json=page, request=request)))
        cursor = page["next_page"] if isinstance(page["next_page"], str) else None
    assert Contract.named(f"{provider}_usage").check(exchanges) == []
    assert len(made) == 2
    assert cursor is None
    buckets = [b for page in made for b in page["data"]]  # type: ignore[attr-defined]
    assert len(buckets) == len(hours)  # every hour is listed, empty or not
    assert sum(len(b["results"]) for b in buckets) > 100


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_key_and_the_console_are_on_the_pages(provider: str) -> None:
    keys = {
        r["api_key_id"]
        for page in pages(world(provider))
        for b in page["data"]  # type: ignore[attr-defined]
        for r in b["results"]
    }
    assert None in keys  # console use without a key
    assert len(keys - {None}) == 80 == len(world(provider).keys)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_leakward_reads_every_token_written(provider: str) -> None:
    built = world(provider)
    judged = range((DAYS - JUDGED_DAYS) * 24, DAYS * 24)
    read: Counter[str] = Counter()
    for page in pages_of(provider, built.ledger, judged):
        for record in read_page(provider, page).records:
            total = record.input_tokens + record.cached_input_tokens + record.output_tokens
            read[record.key_id] += total
    written: Counter[str] = Counter()
    for key_id, hours in built.ledger.cells.items():
        if not key_id:
            continue  # console use is no key's: the reader sets it aside
        for hour, models in hours.items():
            for c in models.values() if hour in judged else ():
                written[key_id] += c.uncached + c.cache_read + c.cache_write + c.output
    assert read == written


@pytest.mark.parametrize("provider", PROVIDERS)
def test_each_theft_starts_in_the_judged_weeks_with_its_first_request(provider: str) -> None:
    built = world(provider)
    judged = START + (DAYS - JUDGED_DAYS) * DAY
    assert Counter((t.kind, t.size) for t in built.thefts) == Counter(
        (k, s) for k in KINDS for s in SIZES
    )
    assert len({t.key_id for t in built.thefts}) == len(built.thefts)
    for theft in built.thefts:
        assert judged <= theft.onset < END - 6 * HOUR
        assert theft.end > theft.onset
        hour = (theft.onset - START) // HOUR
        assert sum(c.requests for c in built.ledger.cells[theft.key_id][hour].values()) > 0
        day = (theft.onset - START) // DAY
        assert is_clean_day(built, theft.key_id, day - 1)
        assert not is_clean_day(built, theft.key_id, day)
        assert not is_clean_day(built, theft.key_id, DAYS - 1)


def test_rotated_keys_are_new_in_the_judged_weeks_and_never_robbed() -> None:
    built = world("anthropic")
    judged_hour = (DAYS - JUDGED_DAYS) * 24
    rotated = [k for k in built.keys if any("rotation" in e for e in k.events.values())]
    assert len(rotated) == 2 * ROTATED  # the old keys and their successors
    firsts = sorted(min(built.ledger.cells[k.key_id]) for k in rotated)
    assert firsts[0] < judged_hour <= firsts[-2]
    assert not {k.key_id for k in rotated} & {t.key_id for t in built.thefts}
