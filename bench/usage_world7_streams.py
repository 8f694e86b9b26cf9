"""Streams of requests, and how one becomes hourly usage per model.

Stage: benchmark (usage watch, issue #20). Everything that spends a key's tokens in world 7 is a
`Stream`: one service or team of an owner, an owner's new colleague or new service, and each
thief. A stream has a region's local hours (weekday and weekend curves, a holiday factor), a rate
at its busiest hour, a per-day scale (growth, seasons, launches, ramps; a migration is two
streams whose scales cross), hour-long bursts (incidents), a model mix, and request sizes:
lognormal prompt tokens, an output ratio, and the share of the prompt read back from the
provider's prompt cache. Requests per hour are Poisson around a rate that wanders from day to day
and hour to hour (gamma noise), so quiet keys are spiky and busy ones are smooth, as real ones are.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from bench.usage_world7_base import DAYS, HOUR, HOURS, START, local_grid

FLAT = (1.0,) * 24


@dataclass(frozen=True, slots=True)
class Stream:
    """One source of requests on one key."""

    region: str
    rate: float  # requests in an hour of weight 1 at scale 1
    models: tuple[tuple[str, float], ...]  # (model, share of requests)
    prompt: float  # mean prompt tokens per request (cached ones included)
    ratio: float  # output tokens per prompt token
    weekday: tuple[float, ...] = FLAT
    weekend: tuple[float, ...] | None = None  # None: the weekday curve
    holiday: float = 1.0  # factor on a public holiday (which follows the weekend curve)
    spread: float = 0.8  # lognormal sigma of prompt tokens per request
    cached: float = 0.0  # share of the prompt read from the prompt cache
    start: int = START  # first second it runs (a minute inside an hour counts in part)
    end: int = START + DAYS * 24 * HOUR
    scale: tuple[float, ...] = (1.0,) * DAYS  # per local day
    bursts: tuple[tuple[int, int, float], ...] = ()  # (first, end epoch s, factor)
    steadiness: float = 6.0  # gamma shape of hour-to-hour noise: higher is smoother
    web_search: float = 0.0  # Anthropic server-side web searches per request


@dataclass(slots=True)
class Cell:
    """One key's usage of one model in one hour."""

    requests: int = 0
    uncached: int = 0
    cache_read: int = 0
    cache_write: int = 0
    output: int = 0
    web_search: int = 0


@dataclass(slots=True)
class Ledger:
    """Hourly cells per (key, model); hour index -> model -> cell."""

    cells: dict[str, dict[int, dict[str, Cell]]] = field(default_factory=dict)

    def cell(self, key_id: str, hour: int, model: str) -> Cell:
        return self.cells.setdefault(key_id, {}).setdefault(hour, {}).setdefault(model, Cell())

    def merge(self, other: Ledger) -> None:
        for key_id, hours in other.cells.items():
            for hour, models in hours.items():
                for name, cell in models.items():
                    mine = self.cell(key_id, hour, name)
                    mine.requests += cell.requests
                    mine.uncached += cell.uncached
                    mine.cache_read += cell.cache_read
                    mine.cache_write += cell.cache_write
                    mine.output += cell.output
                    mine.web_search += cell.web_search

    def requests(self, key_id: str) -> list[int]:
        hours = self.cells.get(key_id, {})
        return [sum(c.requests for c in hours.get(h, {}).values()) for h in range(HOURS)]


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam < 30:
        count, total = 0, rng.expovariate(1.0)
        while total < lam:
            count += 1
            total += rng.expovariate(1.0)
        return count
    return max(0, round(rng.gauss(lam, math.sqrt(lam))))


def _split(
    rng: random.Random, count: int, shares: list[tuple[str, float]]
) -> Iterator[tuple[str, int]]:
    """Requests divided among models: one draw a request when few, proportions when many."""
    total = sum(s for _, s in shares)
    if count <= 40:
        tally: dict[str, int] = {}
        for _ in range(count):
            name = _pick(rng, shares, total)
            tally[name] = tally.get(name, 0) + 1
        yield from tally.items()
        return
    left = count
    for index, (name, share) in enumerate(shares):
        part = (
            left
            if index == len(shares) - 1
            else min(left, round(count * share / total * rng.uniform(0.92, 1.08)))
        )
        left -= part
        if part:
            yield name, part


def _pick(rng: random.Random, shares: list[tuple[str, float]], total: float) -> str:
    pick = rng.random() * total
    for name, share in shares:
        pick -= share
        if pick <= 0:
            return name
    return shares[-1][0]


def _tokens(rng: random.Random, count: int, mean: float, sigma: float) -> int:
    """Total of `count` lognormal request sizes with mean `mean`."""
    mu = math.log(mean) - sigma * sigma / 2
    if count <= 30:
        return sum(max(1, round(rng.lognormvariate(mu, sigma))) for _ in range(count))
    spread = math.sqrt(math.exp(sigma * sigma) - 1) / math.sqrt(count)
    return max(count, round(count * mean * max(0.2, rng.gauss(1.0, spread))))


def render(stream: Stream, key_id: str, ledger: Ledger, rng: random.Random) -> None:
    """Add the stream's hourly usage to the ledger."""
    grid = local_grid(stream.region)
    weekend = stream.weekend or stream.weekday
    day_noise = [rng.lognormvariate(0.0, 0.12) for _ in range(DAYS + 2)]
    first = max(0, (stream.start - START) // HOUR)
    last = min(HOURS, -(-(stream.end - START) // HOUR))
    for hour in range(first, last):
        local_hour, is_weekend, is_holiday, local_day = grid[hour]
        opens = START + hour * HOUR
        part = (min(opens + HOUR, stream.end) - max(opens, stream.start)) / HOUR
        weight = (weekend if is_weekend or is_holiday else stream.weekday)[local_hour]
        if is_holiday:
            weight *= stream.holiday
        day = min(DAYS - 1, max(0, local_day))
        lam = stream.rate * weight * stream.scale[day] * day_noise[day + 1] * part
        for first_s, end_s, factor in stream.bursts:
            if first_s < opens + HOUR and end_s > opens:
                lam *= factor
        if lam <= 0:
            continue
        lam *= rng.gammavariate(stream.steadiness, 1 / stream.steadiness)
        count = poisson(rng, lam)
        if not count:
            continue
        for name, part_count in _split(rng, count, list(stream.models)):
            _add(stream, ledger.cell(key_id, hour, name), part_count, rng)


def _add(stream: Stream, cell: Cell, count: int, rng: random.Random) -> None:
    prompt = _tokens(rng, count, stream.prompt, stream.spread)
    read = (
        round(prompt * min(0.98, max(0.0, rng.gauss(stream.cached, 0.05)))) if stream.cached else 0
    )
    # Whatever is read back was written once first; most entries are read several times.
    write = round(read * rng.uniform(0.08, 0.2)) if read else 0
    cell.requests += count
    cell.cache_read += read
    cell.cache_write += write
    cell.uncached += max(0, prompt - read - write)
    cell.output += max(count, round(prompt * stream.ratio * rng.lognormvariate(0.0, 0.25)))
    if stream.web_search:
        cell.web_search += poisson(rng, count * stream.web_search)
