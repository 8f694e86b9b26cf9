"""The vocabulary world 7's owners are written in: an owner, its days, and daily curves.

Stage: benchmark (usage watch, issue #20). An `Owner` is one key: its kind, home region, streams
and the legitimate events on each day (what the scorer puts beside a flagged clean key-day).
Daily curves are data: local hour -> weight at the busiest hour 1, linear between the points.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from bench.usage_world7_base import DAYS, JUDGED_DAYS, curve, day_of
from bench.usage_world7_streams import Stream

JUDGED = DAYS - JUDGED_DAYS  # the first judged day

CURVES = {
    name: curve(points)
    for name, points in {
        "office": "0:.01 7:.04 9:.8 11:1 12:.55 13:.9 17:.9 18:.4 20:.12 23:.02",
        # Japanese offices stay late; lunch is at noon sharp.
        "jp_office": "0:.01 7:.05 9:.85 11:1 12:.45 13:.95 18:.75 20:.35 22:.08",
        "evening": "0:.35 3:.03 8:.08 12:.3 17:.45 20:1 23:.7",
        # Farmers ask before going to the field and after coming back.
        "dawn_dusk": "0:.02 4:.05 6:1 8:.45 12:.2 17:.35 19:.9 21:.3 23:.04",
        "service": "0:.3 4:.22 9:.8 13:1 17:.85 21:.5",
        # Lessons, then homework after dinner.
        "school": "0:0 7:.05 9:.7 11:1 15:.55 17:.3 19:.85 21:.35 23:.02",
        "nightly": "0:0 1:1 3:1 4:0 23:0",
        "sunday_suite": "0:0 1:1 8:1 9:0 23:0",
        "batch_20": "0:0 19:0 20:1 22:1 23:0",
    }.items()
}


@dataclass(slots=True)
class Owner:
    """One key: its owner's kind, home region, streams and each day's legitimate events."""

    key_id: str
    archetype: str
    region: str
    streams: list[Stream] = field(default_factory=list)
    events: dict[int, list[str]] = field(default_factory=dict)

    def mark(self, name: str, first: int, last: int) -> None:
        for day in range(max(0, first), min(DAYS - 1, last) + 1):
            self.events.setdefault(day, []).append(name)


def d(month: int, day: int) -> int:
    """The world day of a 2026 date."""
    return day_of(date(2026, month, day))


def scale(fn: Callable[[int], float]) -> tuple[float, ...]:
    """A per-day scale from a function of the day."""
    return tuple(max(0.0, fn(day)) for day in range(DAYS))


def growth(rate: float) -> tuple[float, ...]:
    return scale(lambda day: (1 + rate) ** day)
