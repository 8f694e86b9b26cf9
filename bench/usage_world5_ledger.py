"""What one party sent on one key, hour by hour and model by model, before the API sums it.

Stage: benchmark (usage watch, issue #20). Owners and thieves each write their own ledger, so
the labels can say exactly which tokens were stolen; the world adds the ledgers up per bucket,
key and model, as the providers' usage APIs do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bench.usage_world5_base import lognormal_sum


@dataclass(frozen=True, slots=True)
class Shape:
    """A kind of request: mean prompt and completion sizes, the part of the prompt read back from
    the provider's cache, and how heavy the tail of prompt sizes is."""

    prompt: float
    completion: float
    cached: float = 0.0
    spread: float = 0.8


class Ledger:
    """Requests and tokens by (hour, model): [requests, uncached input, cached input, output]."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, str], list[int]] = {}

    def add(self, rng: random.Random, hour: int, model: str, requests: int, shape: Shape) -> None:
        if requests <= 0:
            return
        prompt = lognormal_sum(rng, requests, shape.prompt, shape.spread)
        cached = min(prompt, round(prompt * shape.cached * rng.uniform(0.85, 1.1)))
        output = lognormal_sum(rng, requests, shape.completion, 0.6)
        cell = self.cells.setdefault((hour, model), [0, 0, 0, 0])
        cell[0] += requests
        cell[1] += prompt - cached
        cell[2] += cached
        cell[3] += output

    def by_hour(self, hours: int) -> list[int]:
        """Requests in each of the first `hours` hours, all models together."""
        out = [0] * hours
        for (hour, _), cell in self.cells.items():
            if hour < hours:
                out[hour] += cell[0]
        return out

    def tokens(self) -> int:
        return sum(c[1] + c[2] + c[3] for c in self.cells.values())
