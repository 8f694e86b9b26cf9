"""The exposure chart's layout: bars as long as the windows, open ones running to now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from leakward.registry.views.leaks import LeakView
from leakward.webhooks.dashboard.chart import LEFT, RIGHT, WIDTH, exposure_chart

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def leak(leak_id: int, since: datetime, revoked: datetime | None) -> LeakView:
    return LeakView(
        id=leak_id,
        provider="acme",
        rule_id="acme.key",
        status="open",
        fingerprint="0123456789ab",
        hint="…wxyz",
        key_id=None,
        issued_key_id=None,
        is_public=False,
        where=(),
        first_seen=since,
        last_seen=since,
        times_seen=1,
        exposed_since=since,
        revoked_at=revoked,
        exposure=(revoked or NOW) - since,
        is_exposure_from_sighting=False,
    )


def test_bars_are_as_long_as_their_windows_and_open_ones_reach_now() -> None:
    start = NOW - timedelta(days=10)
    chart = exposure_chart(
        [leak(2, start + timedelta(days=5), None), leak(1, start, start + timedelta(days=1))],
        NOW,
    )
    first, second = chart.bars
    assert (first.leak_id, second.leak_id) == (1, 2)  # oldest window first
    span = WIDTH - LEFT - RIGHT
    assert first.x == LEFT
    assert abs(first.width - span / 10) < 1
    assert abs(second.x + second.width - (LEFT + span)) < 1  # still open: up to now
    assert (first.is_open, second.is_open) == (False, True)
    assert "still exposed" in second.title
    assert chart.ticks[0].label == "2026-11-26"
    assert chart.ticks[-1].label == "2026-12-06"
    assert second.y > first.y
    assert chart.height > chart.axis_y


def test_no_leaks_gives_an_empty_chart() -> None:
    assert exposure_chart([], NOW).bars == ()


def test_only_the_latest_windows_are_drawn_and_the_rest_counted() -> None:
    start = NOW - timedelta(days=30)
    leaks = [leak(i, start + timedelta(days=i), None) for i in range(1, 11)]
    chart = exposure_chart(leaks, NOW, limit=4)
    assert [bar.leak_id for bar in chart.bars] == [7, 8, 9, 10]
    assert chart.hidden == 6
    assert chart.bars[0].x == LEFT  # the axis starts at the first window drawn
