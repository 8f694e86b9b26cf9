"""Shapes of a day, a week and a season that world 6's owners are built from.

Stage: benchmark (usage watch, issue #20). A curve is expected requests per world hour. Owners
combine a daily profile in their local time, a weekly factor, holidays, day factors for their
events, growth, and the provider's outages (requests fail and are not billed; owners who sit
behind a queue send the backlog once the API answers again).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from bench.usage_world6_base import HOURS, Clock, Event, hour_at, is_holiday

# Relative request rates by local hour, read off the kinds of products they stand for.
# fmt: off
OFFICE = (
    0.02, 0.01, 0.01, 0.01, 0.02, 0.04, 0.1, 0.3, 0.75, 1.0, 1.0, 0.95,
    0.7, 0.85, 1.0, 1.0, 0.9, 0.7, 0.4, 0.22, 0.15, 0.1, 0.06, 0.03,
)
EVENING = (
    0.35, 0.22, 0.12, 0.08, 0.06, 0.07, 0.12, 0.25, 0.4, 0.5, 0.55, 0.6,
    0.7, 0.65, 0.6, 0.6, 0.65, 0.75, 0.9, 1.0, 1.0, 0.95, 0.8, 0.55,
)
CALLS = (
    0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.05, 0.5, 0.9, 1.0, 1.0, 0.95,
    0.75, 0.8, 0.95, 1.0, 0.9, 0.8, 0.6, 0.4, 0.1, 0.0, 0.0, 0.0,
)
STUDENTS = (
    0.55, 0.35, 0.15, 0.06, 0.02, 0.01, 0.02, 0.05, 0.12, 0.25, 0.35, 0.4,
    0.35, 0.4, 0.5, 0.55, 0.55, 0.5, 0.55, 0.7, 0.9, 1.0, 0.95, 0.8,
)
FLAT = (
    0.75, 0.7, 0.66, 0.64, 0.64, 0.68, 0.74, 0.82, 0.9, 0.96, 1.0, 1.0,
    1.0, 1.0, 1.0, 0.98, 0.96, 0.94, 0.92, 0.9, 0.88, 0.86, 0.82, 0.78,
)
# fmt: on
WORKDAYS = (1.0, 1.0, 1.0, 1.0, 0.95, 0.12, 0.06)
SHOPPING = (0.9, 0.88, 0.9, 0.92, 0.95, 1.15, 1.2)
EVERY_DAY = (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)

# Provider-wide outages: (first hour, hours, share of requests that still succeed). OpenAI's is
# modelled on its 10 June 2025 incident (hours of elevated errors), Anthropic's on its shorter
# API incidents; one of each falls in the judged weeks.
OUTAGES = {
    "openai": ((hour_at(6, 10, 7), 9, 0.45), (hour_at(7, 1, 14), 3, 0.05)),
    "anthropic": ((hour_at(6, 17, 15), 2, 0.2), (hour_at(7, 6, 9), 3, 0.05)),
}

DayFactor = Callable[[int], float]


def curve(
    clock: Clock,
    region: str,
    profile: Sequence[float],
    week: Sequence[float],
    rate: float,
    growth: float = 0.0,
    day_factor: DayFactor | None = None,
    holiday: float = 0.15,
) -> list[float]:
    """Expected requests per world hour: `rate` at the profile's and week's peak, growing by
    `growth` a day, times the day's factor, times `holiday` on the region's public holidays."""
    hours = []
    for hour in range(HOURS):
        day, local, weekday = clock.local(hour)
        value = rate * profile[local] * week[weekday] * (1 + growth) ** day
        if day_factor is not None:
            value *= day_factor(day)
        if is_holiday(region, day):
            value *= holiday
        hours.append(value)
    return hours


def episodes(
    rng: random.Random, starts: Sequence[int], lengths: Sequence[int], rates: Sequence[float]
) -> list[float]:
    """Blocks of steady work (jobs, sweeps, runs): `rates[i]` requests an hour from `starts[i]`
    for `lengths[i]` hours, with a short ramp up and down."""
    hours = [0.0] * HOURS
    for start, length, rate in zip(starts, lengths, rates, strict=True):
        for offset in range(length):
            if 0 <= start + offset < HOURS:
                ramp = 0.5 if offset in (0, length - 1) and length > 2 else 1.0
                hours[start + offset] += rate * ramp * rng.uniform(0.9, 1.1)
    return hours


def apply_outages(
    provider: str, demand: dict[str, list[float]], is_queued: bool, events: list[Event]
) -> None:
    """Cut each outage's lost requests; a queued owner replays them over the next hours at up to
    three times its usual rate, which the scorer sees as an `outage backlog` event."""
    for first, length, kept in OUTAGES[provider]:
        for hours in demand.values():
            lost = 0.0
            for hour in range(first, min(first + length, HOURS)):
                lost += hours[hour] * (1 - kept)
                hours[hour] *= kept
            if not is_queued or lost <= 0:
                continue
            hour = first + length
            while lost > 1e-6 and hour < HOURS:
                extra = min(lost, 2 * max(hours[hour], lost / 6))
                hours[hour] += extra
                lost -= extra
                hour += 1
        if is_queued:
            events.append(Event("outage backlog", first, first + length + 6))


def scaled(hours: Sequence[float], factor: float) -> list[float]:
    return [value * factor for value in hours]


def migrate(hours: Sequence[float], start: int, days: int, *, is_new: bool) -> list[float]:
    """The share of `hours` on the old (is_new False) or new model of a migration that ramps
    linearly from `start` over `days` (a canary, then everyone)."""
    out = []
    for hour, value in enumerate(hours):
        share = min(max((hour - start) / (days * 24), 0.0), 1.0) if days else float(hour >= start)
        out.append(value * (share if is_new else 1 - share))
    return out
