"""Listing an org's repositories: Link pagination, primary and secondary rate limits, refusals."""

from __future__ import annotations

import time

import pytest

from leakward.sweep.github_org import (
    ListingError,
    RateLimitedApi,
    github_api,
    limit_wait,
    list_org_repositories,
)
from tests.sweep.fake_org import FakeOrgGitHub


def _api(fake: FakeOrgGitHub, sleeps: list[float], now: float = 1_000.0) -> RateLimitedApi:
    return RateLimitedApi(github_api(None, fake.url), sleep=sleeps.append, clock=lambda: now)


def _names(fake: FakeOrgGitHub, count: int) -> list[str]:
    for index in range(count):
        fake.add_repo(f"repo-{index:02d}", f"/nowhere/repo-{index:02d}")
    return [f"acme/repo-{index:02d}" for index in range(count)]


def test_every_page_is_followed_through_link_headers(fake_org: FakeOrgGitHub) -> None:
    expected = _names(fake_org, 7)
    sleeps: list[float] = []
    listed = [ref.full_name for ref in list_org_repositories(_api(fake_org, sleeps), "acme")]
    assert listed == expected
    assert fake_org.listing_pages() == [1, 2, 3, 4]
    assert sleeps == []


def test_secondary_limits_mid_listing_back_off_and_lose_nothing(fake_org: FakeOrgGitHub) -> None:
    expected = _names(fake_org, 7)
    sleeps: list[float] = []

    def throttle(page: int) -> None:
        if page == 2:  # after page 2, the next two listing requests are throttled
            fake_org.fail_next("/orgs/acme/repos", status=403, retry_after="7")
            fake_org.fail_next("/orgs/acme/repos", status=429, retry_after="3")

    fake_org.after_page = throttle
    listed = [ref.full_name for ref in list_org_repositories(_api(fake_org, sleeps), "acme")]
    assert listed == expected  # none lost, none twice
    assert sleeps == [7.0, 3.0]
    assert fake_org.listing_pages() == [1, 2, 3, 3, 3, 4]


def test_spent_primary_limit_waits_until_the_reset(fake_org: FakeOrgGitHub) -> None:
    expected = _names(fake_org, 3)
    fake_org.primary_limited = 1
    sleeps: list[float] = []
    now = time.time()
    listed = [r.full_name for r in list_org_repositories(_api(fake_org, sleeps, now), "acme")]
    assert listed == expected
    # The fake's reset is 30 s after it answered; we wait until then plus a second.
    assert len(sleeps) == 1
    assert 29.0 <= sleeps[0] <= 33.0


def test_secondary_limit_without_headers_backs_off_doubling() -> None:
    body = '{"message": "You have exceeded a secondary rate limit"}'
    assert limit_wait(403, {}, body, 0.0, 0) == 60.0
    assert limit_wait(403, {}, body, 0.0, 2) == 240.0
    assert limit_wait(403, {}, '{"message": "Forbidden"}', 0.0, 0) is None
    assert limit_wait(500, {"retry-after": "5"}, "", 0.0, 0) is None


def test_endless_rate_limits_stop_with_advice(fake_org: FakeOrgGitHub) -> None:
    _names(fake_org, 1)
    fake_org.fail_next("/orgs/acme/repos", times=50, status=429, retry_after="1")
    sleeps: list[float] = []
    with pytest.raises(ListingError, match="rate limits") as caught:
        list(list_org_repositories(_api(fake_org, sleeps), "acme"))
    assert "GITHUB_TOKEN" in str(caught.value)
    assert len(sleeps) == 10


def test_unknown_org_is_a_clear_error(fake_org: FakeOrgGitHub) -> None:
    with pytest.raises(ListingError, match="no organisation 'nope'") as caught:
        list(list_org_repositories(_api(fake_org, []), "nope"))
    assert caught.value.exit_code == 2


def test_a_listing_that_is_not_json_names_the_api_url(fake_org: FakeOrgGitHub) -> None:
    fake_org.fail_next("/orgs/acme/repos", status=200, html=True)
    with pytest.raises(ListingError, match="not a JSON list"):
        list(list_org_repositories(_api(fake_org, []), "acme"))
