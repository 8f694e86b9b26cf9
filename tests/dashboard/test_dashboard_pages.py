"""Long lists in a real `leakward serve`: 100 rows a page, links to the pages beside it (a status
filter kept), and a page number that is not one answered 400 with what is allowed."""

from __future__ import annotations

import re

import httpx

from leakward.registry import Registry
from tests.dashboard.conftest import TOKEN, Served
from tests.dashboard.test_views import add_leaks
from tests.dashboard.world import PEPPER

BEARER = {"Authorization": f"Bearer {TOKEN}"}


def rows(html: str, prefix: str) -> list[str]:
    return re.findall(rf'<tr id="{prefix}-(\d+)">', html)


def test_long_lists_come_a_page_at_a_time(dashboard: Served) -> None:
    with Registry.open(dashboard.db_url, pepper=PEPPER) as registry:
        add_leaks(registry, 147)  # 150 leaks with the world's 3
    with httpx.Client(base_url=dashboard.base, timeout=30, headers=BEARER) as client:
        first, second = client.get("/leaks"), client.get("/leaks?page=2")
        beyond = client.get("/leaks?page=3")
        failed = client.get("/rotations?status=failed")
        wrong = [client.get(f"/leaks?page={p}") for p in ("0", "-1", "x", "1.5")]
    assert (len(rows(first.text, "leak")), len(rows(second.text, "leak"))) == (100, 50)
    assert not set(rows(first.text, "leak")) & set(rows(second.text, "leak"))
    assert 'rel="next" href="?page=2"' in first.text
    assert 'rel="prev"' not in first.text
    assert 'rel="prev" href="?page=1"' in second.text
    assert 'rel="next"' not in second.text
    assert rows(beyond.text, "leak") == []
    assert "No leaks recorded." in beyond.text
    assert len(rows(failed.text, "rotation")) == 1
    assert "page 1" in failed.text
    assert [page.status_code for page in wrong] == [400] * 4
    assert "page must be a whole number from 1" in wrong[0].text
