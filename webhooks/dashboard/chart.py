"""The exposure chart: each leak's window as a bar on a time axis, laid out for inline SVG.

Stage: inbound (webhooks, dashboard). Pure layout: from the leaks view to coordinates, computed
on the server, so the page needs no script and no CDN. A window still open runs to `as_of` and
is drawn as such; the template draws the bars (autoescaped labels).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from leakward.registry.views.leaks import LeakView, format_duration

WIDTH, LEFT, RIGHT, TOP, ROW, AXIS = 900, 170, 20, 10, 26, 30
TICKS = 5
LIMIT = 100  # bars; a thousand would make a page 26,000 pixels tall


@dataclass(frozen=True, slots=True)
class Bar:
    leak_id: int
    label: str
    title: str  # the tooltip: when, how long, still exposed or not
    x: float
    y: float
    width: float
    is_open: bool


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    axis_y: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    hidden: int = 0  # older windows not drawn


def exposure_chart(
    leaks: Sequence[LeakView], as_of: datetime, limit: int = LIMIT, total: int | None = None
) -> Chart:
    """Bars for the `limit` latest windows of `leaks` (oldest first), from the earliest start
    shown to `as_of`; `hidden` counts the older ones left out, of `total` leaks where the
    caller read only the latest ones."""
    ordered = sorted(leaks, key=lambda leak: (leak.exposed_since, leak.id))[-limit:]
    start = min((leak.exposed_since for leak in ordered), default=as_of - timedelta(days=1))
    span = max((as_of - start).total_seconds(), 3600.0)
    scale = (WIDTH - LEFT - RIGHT) / span

    def x_of(moment: datetime) -> float:
        return round(LEFT + (moment - start).total_seconds() * scale, 1)

    bars = []
    for row, leak in enumerate(ordered):
        end = leak.revoked_at or as_of
        state = "still exposed" if leak.is_exposed else f"revoked {leak.revoked_at:%Y-%m-%d %H:%M}"
        bars.append(
            Bar(
                leak_id=leak.id,
                label=f"leak {leak.id} {leak.hint or leak.provider or ''}".strip(),
                title=f"exposed from {leak.exposed_since:%Y-%m-%d %H:%M} UTC for "
                f"{format_duration(leak.exposure)}, {state}",
                x=x_of(leak.exposed_since),
                y=TOP + row * ROW,
                width=max(x_of(end) - x_of(leak.exposed_since), 2.0),
                is_open=leak.is_exposed,
            )
        )
    axis_y = TOP + len(bars) * ROW + 4
    ticks = tuple(
        Tick(x_of(moment), f"{moment:%Y-%m-%d}")
        for moment in (start + timedelta(seconds=span * i / (TICKS - 1)) for i in range(TICKS))
    )
    hidden = (len(leaks) if total is None else total) - len(bars)
    return Chart(WIDTH, int(axis_y + AXIS), axis_y, tuple(bars), ticks, hidden)
