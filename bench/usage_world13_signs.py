"""Signs a stretch of a key's hours differs from its history, named, to check world 13 itself.

Stage: benchmarks only (issue #20). Not a detector: the world's test uses it to show each theft
kind leaves a trace in its first 6 h that anyone could see from the pages (so a miss is the
model's, not a world that hid its thefts), and that most clean key-days leave none. Signs, each
against the key's own history days: no history at all, a model the key never used, an hour of
the day (owner time) it never worked, an hour above that hour of the day's highest, 6 h above
any 6 h, or an output ratio or request size beyond any hour's with at least ten requests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bench.usage_world13_base import DAYS, HOUR, JUDGED_DAYS, START, Record, local

HISTORY = (DAYS - JUDGED_DAYS) * 24


@dataclass(frozen=True, slots=True)
class Hour:
    tokens: int = 0
    output: int = 0
    requests: int = 0
    models: frozenset[str] = frozenset()


def hours_by_key(records: Iterable[Record]) -> dict[str, list[Hour]]:
    cells: dict[str, dict[int, list[Record]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        cells[record.key_id][(record.start - START) // HOUR].append(record)
    series = {}
    for key_id, by_hour in cells.items():
        hours = [Hour()] * (DAYS * 24)
        for hour, held in by_hour.items():
            hours[hour] = Hour(
                sum(r.tokens for r in held),
                sum(r.output_tokens for r in held),
                sum(r.requests for r in held),
                frozenset(r.model for r in held),
            )
        series[key_id] = hours
    return series


@dataclass(frozen=True, slots=True)
class History:
    models: frozenset[str]
    peak_by_hour: tuple[int, ...]  # highest tokens at each hour of the world's UTC day
    peak_6h: int
    ratio: float  # highest output/input ratio of a busy hour
    request: float  # largest tokens a request of a busy hour

    @classmethod
    def of(cls, hours: Sequence[Hour]) -> History:
        past = hours[:HISTORY]
        busy = [h for h in past if h.requests >= 10]
        return cls(
            frozenset(m for h in past for m in h.models),
            tuple(max(h.tokens for h in past[o::24]) for o in range(24)),
            max(sum(h.tokens for h in past[i : i + 6]) for i in range(HISTORY - 5)),
            max(((h.output / max(h.tokens - h.output, 1)) for h in busy), default=0.0),
            max((h.tokens / h.requests for h in busy), default=0.0),
        )


def signs(
    history: History, hours: Sequence[Hour], first: int, last: int, zone: str, counts: bool
) -> set[str]:
    """The signs hours [first, last) show; `counts` when the provider reports requests."""
    found = set()
    if not history.models:
        return {"new key"} if any(h.tokens for h in hours[first:last]) else set()
    used = {local(i, zone).hour for i in range(HISTORY) if hours[i].tokens}
    for index in range(first, min(last, len(hours))):
        hour = hours[index]
        if not hour.tokens:
            continue
        if hour.models - history.models:
            found.add("new model")
        if local(index, zone).hour not in used:
            found.add("never-used hour")
        if hour.tokens > history.peak_by_hour[index % 24]:
            found.add("hour above history")
        if counts and hour.requests >= 10:
            if hour.output / max(hour.tokens - hour.output, 1) > history.ratio:
                found.add("output ratio")
            if hour.tokens / hour.requests > history.request:
                found.add("request size")
    if sum(h.tokens for h in hours[first:last]) > history.peak_6h and last - first <= 6:
        found.add("6 h above history")
    return found
