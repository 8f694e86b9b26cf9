"""Records of one key gathered into cells, the unit the model scores: one UTC hour, or one day.

Stage: application (usage watch). A provider reports a key's use per model and bucket, at a
bucket width the caller chose (1m, 1h or 1d). Minute buckets are summed into their hour, so a
key is judged at the same grain whatever width was fetched; day buckets stay days (they carry
no hour of day). The same bucket reported twice (a page read twice, overlapping polls, a later
and more complete report) counts once: the larger report wins, as usage only ever grows while
a provider finishes counting a bucket.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from leakward.usage.prices import PriceTable
from leakward.usage.records import UsageRecord

HOUR = 3600
DAY = 86400


@dataclass(frozen=True, slots=True)
class ModelUse:
    """One model's share of a cell."""

    requests: int | None
    prompt_tokens: int  # uncached and cached input
    output_tokens: int
    cost: float
    cached_tokens: int = 0  # of prompt_tokens, those read from the prompt cache


@dataclass(frozen=True, slots=True)
class Cell:
    """A key's use in one slot: the hour (or day) it falls in, and what it used there."""

    provider: str
    key_id: str
    slot: int  # start of the UTC hour (or day) the cell covers
    grain: int  # HOUR or DAY
    start: int  # first bucket start of the records in it (what an alert reports)
    end: int  # last bucket end
    requests: int | None  # None when the provider counts no requests
    input_tokens: int
    cached_input_tokens: int
    output_tokens: int
    cost: float  # US dollars at list price
    by_model: Mapping[str, ModelUse]

    @property
    def cost_by_model(self) -> dict[str, float]:
        return {model: use.cost for model, use in self.by_model.items()}

    @property
    def prompt_tokens(self) -> int:
        return self.input_tokens + self.cached_input_tokens

    @property
    def day(self) -> int:
        return self.slot // DAY

    @property
    def hour(self) -> int:
        return (self.slot % DAY) // HOUR

    @property
    def weekday(self) -> int:
        """0 Monday … 6 Sunday (1970-01-01, day 0, was a Thursday)."""
        return (self.day + 3) % 7


def unique(records: Iterable[UsageRecord]) -> list[UsageRecord]:
    """One record per (provider, key, model, bucket): the largest of repeated reports."""
    best: dict[tuple[str, str, str | None, int, int], UsageRecord] = {}
    for record in records:
        name = bucket_of(record)
        held = best.get(name)
        if held is None or _size(record) > _size(held):
            best[name] = record
    return list(best.values())


def bucket_of(record: UsageRecord) -> tuple[str, str, str | None, int, int]:
    """What makes two records reports of the same usage."""
    return (record.provider, record.key_id, record.model, record.start, record.end)


def cells_by_key(
    records: Iterable[UsageRecord], prices: PriceTable
) -> dict[tuple[str, str, int], list[Cell]]:
    """(provider, key, grain) -> its cells in time order."""
    grouped: dict[tuple[str, str, int, int], list[UsageRecord]] = defaultdict(list)
    for record in records:
        grain = HOUR if record.end - record.start <= HOUR else DAY
        slot = record.start - record.start % grain
        grouped[(record.provider, record.key_id, grain, slot)].append(record)
    cells: dict[tuple[str, str, int], list[Cell]] = defaultdict(list)
    for (provider, key_id, grain, slot), members in sorted(grouped.items()):
        cells[(provider, key_id, grain)].append(
            _cell(provider, key_id, grain, slot, members, prices)
        )
    return dict(cells)


def _cell(
    provider: str,
    key_id: str,
    grain: int,
    slot: int,
    records: list[UsageRecord],
    prices: PriceTable,
) -> Cell:
    by_model: dict[str, list[UsageRecord]] = defaultdict(list)
    for record in records:
        by_model[record.model or "unknown"].append(record)
    uses = {model: _use(members, prices) for model, members in by_model.items()}
    requests = _requests(records)
    return Cell(
        provider=provider,
        key_id=key_id,
        slot=slot,
        grain=grain,
        start=min(r.start for r in records),
        end=max(r.end for r in records),
        requests=requests,
        input_tokens=sum(r.input_tokens for r in records),
        cached_input_tokens=sum(r.cached_input_tokens for r in records),
        output_tokens=sum(r.output_tokens for r in records),
        cost=sum(use.cost for use in uses.values()),
        by_model=uses,
    )


def _use(records: list[UsageRecord], prices: PriceTable) -> ModelUse:
    return ModelUse(
        requests=_requests(records),
        prompt_tokens=sum(r.input_tokens + r.cached_input_tokens for r in records),
        output_tokens=sum(r.output_tokens for r in records),
        cost=sum(prices.cost(r) for r in records),
        cached_tokens=sum(r.cached_input_tokens for r in records),
    )


def _requests(records: list[UsageRecord]) -> int | None:
    counted = [r.requests for r in records]
    return None if any(n is None for n in counted) else sum(n or 0 for n in counted)


def _size(record: UsageRecord) -> tuple[int, int]:
    tokens = record.input_tokens + record.cached_input_tokens + record.output_tokens
    return tokens, record.requests or 0
