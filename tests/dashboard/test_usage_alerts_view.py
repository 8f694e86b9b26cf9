"""The usage alerts view on SQLite and PostgreSQL: newest episode first, one page at a time read
by the database, narrowed by state and provider, with each known key's owner and the status of
the rotation an alert started."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from leakward.registry import NewKey, Owner, Registry
from leakward.registry.usage_alerts import dismiss_alert, mark_alert, record_alert
from leakward.registry.views.paging import Window
from leakward.registry.views.usage_alerts import count_usage_alerts, list_usage_alert_views
from tests.registry.conftest import _isolated_environment, db_url, postgres_url

__all__ = ["_isolated_environment", "db_url", "postgres_url"]

PEPPER = b"usage-alerts-view-pepper-0123456789"
T0 = 1_796_000_000 - 1_796_000_000 % 3600  # an hour's start
HOUR = 3600


@pytest.fixture
def registry(db_url: str) -> Iterator[Registry]:
    with Registry.open(db_url, pepper=PEPPER) as opened:
        yield opened


def add_alerts(registry: Registry, count: int, *, key_id: str, provider: str = "openai") -> None:
    """`count` episodes of one key, a day apart, the latest at T0."""
    with registry.usage.transaction() as connection:
        for day in range(count):
            start = T0 - day * 24 * HOUR
            record_alert(
                connection,
                provider=provider,
                key_id=key_id,
                start=start,
                end=start + 2 * HOUR,
                score=1.0 + day / 100,
                reason=f"episode {day}",
            )


def test_pages_come_newest_first_without_overlap(registry: Registry) -> None:
    add_alerts(registry, 150, key_id="key_Many")

    first = list_usage_alert_views(registry, window=Window(1))
    second = list_usage_alert_views(registry, window=Window(2))
    third = list_usage_alert_views(registry, window=Window(3))

    assert len(first) == 101  # one past the page: another page follows
    assert len(second) == 50
    assert third == []
    starts = [view.start for view in first[:100] + second]
    assert starts == sorted(starts, reverse=True)
    assert len({view.id for view in first[:100] + second}) == 150
    assert first[0].reason == "episode 0"
    assert first[0].start.tzinfo is not None
    assert int(first[0].start.timestamp()) == T0
    assert int(first[0].end.timestamp()) == T0 + 2 * HOUR


def test_state_provider_owner_and_count(registry: Registry) -> None:
    registry.add_key(NewKey(provider="openai", owner=Owner("a@example.test"), key_id="key_Known"))
    # The same public id at another provider is another key: its owner must not leak across.
    add_alerts(registry, 3, key_id="key_Known")
    add_alerts(registry, 2, key_id="key_Known", provider="anthropic")
    newest, second, _ = list_usage_alert_views(registry, provider="openai")
    with registry.usage.transaction() as connection:
        mark_alert(connection, newest.id, "handed-off")
    dismissed = dismiss_alert(registry.engine, second.id, actor="t", channel="cli")

    openai = list_usage_alert_views(registry, provider="openai")
    anthropic = list_usage_alert_views(registry, provider="anthropic")
    opened = list_usage_alert_views(registry, state="open")

    assert {view.owner for view in openai} == {"a@example.test"}
    assert {view.owner for view in anthropic} == {None}
    assert [view.state for view in openai] == ["handed-off", "dismissed", "open"]
    assert dismissed.state == "dismissed"
    assert len(opened) == 3
    assert {view.rotation_id for view in openai} == {None}
    assert count_usage_alerts(registry, state="open") == 3
    assert count_usage_alerts(registry) == 5
