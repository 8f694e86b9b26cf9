"""How far one cell departs from its key's habits, as points of evidence, each with its words.

Stage: application (usage watch), the model's judgement. Each signal gives points (0 when the
cell is on-profile) and a phrase saying what changed; the cell's score is their sum, so two
half-strange signals together (a new hour and a new model) alert where either alone would not.
A signal about the shape of use (hour, weekday, tokens per request, output ratio) is weighed by
how much was used: one stray request at 3 a.m. is an owner testing, a busy hour is not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from leakward.usage.cells import HOUR, Cell
from leakward.usage.prices import PriceTable
from leakward.usage.profile import Figures, Profile, Spread

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# The volume signal starts above this multiple of the key's busy (95th percentile) cells:
# a launch day is a few times busier than usual, a flood far more.
VOLUME_FREE = 3.0
# A cell as costly as this share of the key's median cell counts in full for shape signals.
WEIGHT_FULL_AT = 0.5
SHAPE_FREE_Z = 3.5  # robust z-scores below this are ordinary variation
SHAPE_FLOOR = 0.25  # log2 units: spreads narrower than this are not trusted as exact


@dataclass(frozen=True, slots=True)
class Evidence:
    signal: str  # volume | hours | weekday | models | tokens_per_request | output_ratio
    points: float
    words: str


def evidence(cell: Cell, profile: Profile, figures: Figures, prices: PriceTable) -> list[Evidence]:
    """Every signal that moved for `cell`, strongest first."""
    weight = _weight(cell, figures)
    found = [
        _volume(cell, figures),
        _hours(cell, profile, weight) if cell.grain == HOUR else None,
        _weekday(cell, profile, weight),
        _models(cell, profile, figures, prices),
        _tokens_per_request(cell, figures, weight),
        _output_ratio(cell, figures, weight),
    ]
    return sorted((e for e in found if e and e.points > 0), key=lambda e: -e.points)


def _weight(cell: Cell, figures: Figures) -> float:
    if figures.cost_typical <= 0:
        return 1.0
    return min(1.0, cell.cost / (WEIGHT_FULL_AT * figures.cost_typical))


def _volume(cell: Cell, figures: Figures) -> Evidence | None:
    reference = figures.cost_high_by_hour.get(cell.hour, figures.cost_high)
    reference = max(reference, figures.cost_typical, 1e-6)
    ratio = cell.cost / reference
    points = math.log2(ratio / VOLUME_FREE) if ratio > VOLUME_FREE else 0.0
    return Evidence(
        "volume",
        min(points, 4.0),
        f"{ratio:.1f}× its busy {_grain(cell)}s (${cell.cost:.2f} against ${reference:.2f})",
    )


def _hours(cell: Cell, profile: Profile, weight: float) -> Evidence | None:
    used, days = profile.share_of_days_at(cell.hour)
    surprise = -math.log2((used + 0.2) / (days + 1))
    points = min(max(0.0, surprise - 3.0), 4.0) * weight
    habit = f"never in {days} days" if used == 0 else f"on {used:g} of {days} days"
    return Evidence("hours", points, f"use at {cell.hour:02d}:00 UTC, an hour it worked {habit}")


def _weekday(cell: Cell, profile: Profile, weight: float) -> Evidence | None:
    used, weeks = profile.share_of_weeks_on(cell.weekday, cell.slot // 86400)
    surprise = -math.log2((used + 0.2) / (weeks + 1))
    points = min(max(0.0, surprise - 2.5) / 2, 1.0) * weight
    return Evidence(
        "weekday",
        points,
        f"use on a {WEEKDAYS[cell.weekday]}, a day it worked on {used} of {weeks} weeks",
    )


def _models(cell: Cell, profile: Profile, figures: Figures, prices: PriceTable) -> Evidence | None:
    new = {m: c for m, c in cell.cost_by_model.items() if profile.model_cost.get(m, 0.0) <= 0}
    if not new or cell.cost <= 0:
        return None
    share = sum(new.values()) / cell.cost
    dearest = max(new, key=lambda m: prices.price(cell.provider, m).blended)
    ratio = prices.price(cell.provider, dearest).blended / max(figures.usual_price, 1e-9)
    points = share * (0.8 + max(0.0, math.log2(ratio)))
    price = f", {ratio:.1f}× the price of its usual models" if ratio > 1.5 else ""
    return Evidence(
        "models",
        min(points, 4.0),
        f"{share:.0%} of the cost on models it never used ({', '.join(sorted(new))}){price}",
    )


def _tokens_per_request(cell: Cell, figures: Figures, weight: float) -> Evidence | None:
    if not cell.requests:
        return None
    parts = [
        _shift(cell.prompt_tokens / cell.requests, figures.prompt_per_request, "input"),
        _shift(cell.output_tokens / cell.requests, figures.output_per_request, "output"),
    ]
    moved = [p for p in parts if p is not None]
    if not moved:
        return None
    points, words = max(moved)
    return Evidence("tokens_per_request", points * weight, words)


def _output_ratio(cell: Cell, figures: Figures, weight: float) -> Evidence | None:
    ratio = (cell.output_tokens + 1) / (cell.prompt_tokens + 1)
    moved = _shift(ratio, figures.output_ratio, "output/input ratio")
    if moved is None:
        return None
    points, _ = moved
    usual = 2**figures.output_ratio.centre if figures.output_ratio else 0.0
    return Evidence(
        "output_ratio",
        points * weight,
        f"output/input ratio {ratio:.2f} where it is usually {usual:.2f}",
    )


def _shift(value: float, usual: Spread | None, what: str) -> tuple[float, str] | None:
    if usual is None:
        return None
    z = abs(math.log2(value + 1e-9) - usual.centre) / max(usual.scale, SHAPE_FLOOR)
    if z <= SHAPE_FREE_Z:
        return None
    typical = 2**usual.centre
    return min((z - SHAPE_FREE_Z) / 2, 3.0), (
        f"{value:,.0f} {what} tokens per request where it usually has {typical:,.0f}"
    )


def _grain(cell: Cell) -> str:
    return "hour" if cell.grain == HOUR else "day"
