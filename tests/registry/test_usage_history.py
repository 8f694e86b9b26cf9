"""The usage watch's tables: buckets upserted, history read in order, cursors, alert episodes.

Every test runs on SQLite and on PostgreSQL (tests/registry/conftest.py).
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from leakward.core.errors import UsageError
from leakward.registry import Registry
from leakward.registry.schema import downgrade, upgrade
from leakward.registry.usage import save_buckets, save_cursor
from leakward.registry.usage_alerts import dismiss_alert, record_alert
from leakward.usage.records import UsageRecord

HOUR = 3600
T0 = 1_790_000_000 - 1_790_000_000 % HOUR  # an hour boundary in 2026


def bucket(
    hour: int, tokens: int, *, key: str = "key_a", model: str | None = "gpt-4o"
) -> UsageRecord:
    start = T0 + hour * HOUR
    return UsageRecord("openai", key, start, start + HOUR, model, 3, tokens, tokens // 2, 0)


def test_a_revised_bucket_replaces_its_counts(registry: Registry) -> None:
    usage = registry.usage
    with usage.transaction() as connection:
        save_buckets(connection, [bucket(0, 100), bucket(1, 200)])
    with usage.transaction() as connection:
        save_buckets(connection, [bucket(1, 250)])  # the provider revised the last bucket

    stored = usage.history("openai", ["key_a"], since=T0, before=T0 + 10 * HOUR)

    assert [(b.start, b.input_tokens) for b in stored] == [(T0, 100), (T0 + HOUR, 250)]
    assert usage.count("openai") == 2


def test_history_is_per_key_per_provider_and_bounded_by_time(registry: Registry) -> None:

    records = [bucket(h, 10 * h) for h in range(5)] + [bucket(2, 7, key="key_b")]
    anthropic = UsageRecord("anthropic", "key_a", T0, T0 + HOUR, None, None, 1, 1, 5)
    with registry.usage.transaction() as connection:
        save_buckets(connection, [*records, anthropic])

    a = registry.usage.history("openai", ["key_a"], since=T0 + HOUR, before=T0 + 4 * HOUR)
    both = registry.usage.history("openai", ["key_a", "key_b"], since=T0, before=T0 + 9 * HOUR)
    other = registry.usage.history("anthropic", ["key_a"], since=T0, before=T0 + HOUR * 9)

    assert [b.start for b in a] == [T0 + h * HOUR for h in (1, 2, 3)]
    assert len(both) == 6
    assert other[0].model is None
    assert other[0].requests is None
    assert other[0].cached_input_tokens == 5


def test_a_bucket_without_a_model_is_one_row_when_written_twice(registry: Registry) -> None:

    with registry.usage.transaction() as connection:
        save_buckets(connection, [bucket(0, 5, model=None)])
    with registry.usage.transaction() as connection:
        save_buckets(connection, [bucket(0, 9, model=None)])

    assert registry.usage.count() == 1


def test_prune_forgets_buckets_older_than_the_window(registry: Registry) -> None:

    with registry.usage.transaction() as connection:
        save_buckets(connection, [bucket(h, 1) for h in range(10)])

    gone = registry.usage.prune(T0 + 4 * HOUR)

    assert gone == 4
    kept = registry.usage.history("openai", ["key_a"], since=0, before=T0 + 99 * HOUR)
    assert kept[0].start == T0 + 4 * HOUR


def test_the_cursor_starts_empty_and_never_moves_back(registry: Registry) -> None:

    assert registry.usage.cursor("openai") is None
    with registry.usage.transaction() as connection:
        save_cursor(connection, "openai", T0 + 5 * HOUR, read_from=T0)
    with registry.usage.transaction() as connection:
        # a slower poll finishing late
        save_cursor(connection, "openai", T0 + 2 * HOUR, read_from=T0 - HOUR)
    with registry.usage.transaction() as connection:
        save_cursor(connection, "openai", T0 + 6 * HOUR, read_from=T0 + 4 * HOUR)

    assert registry.usage.cursor("openai") == T0 + 6 * HOUR
    assert registry.usage.read_since("openai") == T0 - HOUR  # the earliest read, kept
    assert registry.usage.cursor("anthropic") is None
    assert registry.usage.read_since("anthropic") is None


def test_an_episode_seen_again_extends_one_alert(registry: Registry) -> None:

    with registry.usage.transaction() as connection:
        first = record_alert(
            connection,
            provider="openai",
            key_id="key_a",
            start=T0,
            end=T0 + HOUR,
            score=5.0,
            reason="volume 4× usual",
        )
    with registry.usage.transaction() as connection:
        again = record_alert(
            connection,
            provider="openai",
            key_id="key_a",
            start=T0 + HOUR,  # the next poll sees the following hour too
            end=T0 + 3 * HOUR,
            score=9.0,
            reason="volume 9× usual at 03:00",
        )
    with registry.usage.transaction() as connection:
        later = record_alert(
            connection,
            provider="openai",
            key_id="key_a",
            start=T0 + 10 * HOUR,
            end=T0 + 11 * HOUR,
            score=3.0,
            reason="another night",
        )

    assert first.is_new
    assert not again.is_new
    assert again.alert.id == first.alert.id
    assert (again.alert.start, again.alert.end) == (T0, T0 + 3 * HOUR)
    assert again.alert.reason == "volume 9× usual at 03:00"
    assert later.is_new
    assert [a.start for a in registry.usage.alerts()] == [T0, T0 + 10 * HOUR]


def test_a_lower_score_keeps_the_stronger_reason(registry: Registry) -> None:

    for score, reason in ((8.0, "strong"), (2.0, "weak")):
        with registry.usage.transaction() as connection:
            record_alert(
                connection,
                provider="openai",
                key_id="key_a",
                start=T0,
                end=T0 + HOUR,
                score=score,
                reason=reason,
            )

    (alert,) = registry.usage.alerts()
    assert (alert.score, alert.reason) == (8.0, "strong")


def test_alert_states_are_checked_and_filtered(registry: Registry) -> None:

    with registry.usage.transaction() as connection:
        made = record_alert(
            connection,
            provider="openai",
            key_id="key_a",
            start=T0,
            end=T0 + HOUR,
            score=8.0,
            reason="r",
        )

    marked = registry.usage.mark(made.alert.id, "handed-off", rotation_id=42)

    assert (marked.state, marked.rotation_id, marked.leak_id) == ("handed-off", 42, None)
    assert registry.usage.alerts(state="open") == []
    assert len(registry.usage.alerts(state="handed-off")) == 1
    with pytest.raises(UsageError, match="unknown usage alert state"):
        registry.usage.mark(made.alert.id, "closed")


def test_the_usage_migration_goes_down_and_up(db_url: str) -> None:
    with Registry.open(db_url, pepper=b"p" * 32) as registry:
        engine = registry.engine
        downgrade(engine, "0013_usage_watch")
        columns = {column["name"] for column in inspect(engine).get_columns("usage_alerts")}
        assert "claimed_until" not in columns
        downgrade(engine, "0012_operator_actions")
        assert "usage_buckets" not in inspect(engine).get_table_names()
        upgrade(engine)
        tables = set(inspect(engine).get_table_names())
        columns = {column["name"] for column in inspect(engine).get_columns("usage_alerts")}
    assert {"usage_buckets", "usage_cursors", "usage_alerts"} <= tables
    assert "claimed_until" in columns


def test_a_bucket_given_twice_in_one_write_keeps_the_later_counts(registry: Registry) -> None:
    # Two pages may carry the same bucket; PostgreSQL refuses one statement updating a row twice.
    with registry.usage.transaction() as connection:
        written = save_buckets(connection, [bucket(0, 100), bucket(0, 120), bucket(1, 5)])

    stored = registry.usage.history("openai", ["key_a"], since=T0, before=T0 + 9 * HOUR)
    assert written == 2
    assert [b.input_tokens for b in stored] == [120, 5]


def test_a_thousand_buckets_and_more_are_written_in_batches(registry: Registry) -> None:
    records = [bucket(h, h + 1, key=f"key_{h % 3}") for h in range(2500)]
    with registry.usage.transaction() as connection:
        assert save_buckets(connection, records) == 2500

    assert registry.usage.count("openai") == 2500


def _an_alert(registry: Registry) -> int:
    with registry.usage.transaction() as connection:
        made = record_alert(
            connection,
            provider="openai",
            key_id="key_a",
            start=T0,
            end=T0 + HOUR,
            score=8.0,
            reason="r",
        )
    return made.alert.id


def _claim_together(registries: tuple[Registry, Registry], alert_id: int) -> tuple[bool, bool]:
    barrier = threading.Barrier(2)
    results = [False, False]

    def claim(index: int) -> None:
        barrier.wait()
        results[index] = registries[index].usage.claim(alert_id, now=T0, lease_seconds=600)

    threads = [threading.Thread(target=claim, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results[0], results[1]


def test_of_two_watchers_claiming_one_alert_at_once_exactly_one_wins(db_url: str) -> None:
    # Two registries on one database, as two processes would hold; each claims from its own
    # thread, released together by a barrier, many times over.
    with (
        Registry.open(db_url, pepper=b"p" * 32) as first,
        Registry.open(db_url, pepper=b"p" * 32) as second,
    ):
        alert_id = _an_alert(first)
        wins = []
        for _ in range(20):
            first.usage.release(alert_id)
            wins.append(_claim_together((first, second), alert_id))
    assert all(a != b for a, b in wins), wins


def test_a_claim_holds_until_its_lease_runs_out_and_never_takes_a_closed_alert(
    registry: Registry,
) -> None:
    alert_id = _an_alert(registry)

    assert registry.usage.claim(alert_id, now=T0, lease_seconds=600)
    assert not registry.usage.claim(alert_id, now=T0 + 599, lease_seconds=600)
    assert registry.usage.claim(alert_id, now=T0 + 600, lease_seconds=600)  # its holder died
    registry.usage.mark(alert_id, "handed-off")
    registry.usage.release(alert_id)
    assert not registry.usage.claim(alert_id, now=T0 + 9999, lease_seconds=600)


def test_a_dismissal_the_action_log_cannot_record_is_not_made(registry: Registry) -> None:
    alert_id = _an_alert(registry)
    with registry.engine.begin() as connection:
        connection.execute(text("DROP TABLE operator_actions"))

    with pytest.raises(SQLAlchemyError):
        dismiss_alert(registry.engine, alert_id, actor="ops@example.com", channel="cli")

    (alert,) = registry.usage.alerts()
    assert alert.state == "open"  # unlogged, so undone
