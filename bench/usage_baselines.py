"""Reference detectors for the usage benchmark: a static rate limit and the per-key mean/std rule.

Stage: benchmarks only (issue #20). Both read the same `UsageRecord`s as `leakward.usage.model`
and answer the same way (`detect(records, history=…) -> list[Alert]`), judging each bucket only
against what came before it, so one scorer serves all:

- `static_limit`: each key gets a fixed cap when it is set up, `factor` × its busiest bucket in
  the history, and any later bucket above the cap alerts. A key with no history has no cap.
- `mean_std`: the issue's reference. A bucket alerts when its volume (all tokens) exceeds
  mean + k·std of every earlier bucket of the key, empty buckets counted as 0, once the key has
  `min_days` of buckets behind it.

Consecutive alerting buckets of one key merge into one Alert, as the model's do.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from leakward.usage.records import Alert, UsageRecord


@dataclass(frozen=True, slots=True)
class Bucket:
    """All of one key's usage in one bucket, summed over models."""

    start: int
    end: int
    volume: float  # input + cached input + output tokens
    is_judged: bool  # the bucket came in `records`, not `history`


def volume(record: UsageRecord) -> int:
    return record.input_tokens + record.cached_input_tokens + record.output_tokens


def timelines(
    records: Iterable[UsageRecord], history: Iterable[UsageRecord]
) -> dict[tuple[str, str], list[Bucket]]:
    """Per (provider, key): every bucket from its first to its last, empty ones as 0, in order."""
    sums: dict[tuple[str, str], dict[int, list[float]]] = defaultdict(dict)
    width = 0
    for judged, rows in ((False, history), (True, records)):
        for r in rows:
            width = width or r.end - r.start
            entry = sums[(r.provider, r.key_id)].setdefault(r.start, [0.0, 0.0])
            entry[0] += volume(r)
            entry[1] = max(entry[1], float(judged))
    lines: dict[tuple[str, str], list[Bucket]] = {}
    for key, by_start in sums.items():
        first, last = min(by_start), max(by_start)
        lines[key] = [
            Bucket(t, t + width, *_volume_and_judged(by_start.get(t)))
            for t in range(first, last + width, width)
        ]
    return lines


def _volume_and_judged(entry: list[float] | None) -> tuple[float, bool]:
    # An empty bucket between two judged ones is judged too: only the history's gaps are not.
    return (0.0, True) if entry is None else (entry[0], entry[1] > 0)


def merge(key: tuple[str, str], flagged: list[tuple[Bucket, float, str]]) -> Iterator[Alert]:
    """One Alert per run of consecutive flagged buckets, scored by its highest bucket."""
    run: list[tuple[Bucket, float, str]] = []
    for item in [*flagged, None]:
        if item is not None and (not run or run[-1][0].end == item[0].start):
            run.append(item)
            continue
        if run:
            top = max(run, key=lambda entry: entry[1])
            yield Alert(key[0], key[1], run[0][0].start, run[-1][0].end, top[1], top[2])
        run = [item] if item is not None else []


def static_limit(
    records: Iterable[UsageRecord], *, history: Iterable[UsageRecord] = (), factor: float = 2.0
) -> list[Alert]:
    alerts: list[Alert] = []
    for key, line in timelines(records, history).items():
        seen = [b.volume for b in line if not b.is_judged]
        if not seen or max(seen) == 0:
            continue
        cap = factor * max(seen)
        flagged = [
            (b, b.volume / cap, f"{b.volume:,.0f} tokens, above the cap of {cap:,.0f}")
            for b in line
            if b.is_judged and b.volume > cap
        ]
        alerts += merge(key, flagged)
    return alerts


def mean_std(
    records: Iterable[UsageRecord],
    *,
    history: Iterable[UsageRecord] = (),
    k: float = 3.0,
    min_days: float = 7.0,
) -> list[Alert]:
    alerts: list[Alert] = []
    for key, line in timelines(records, history).items():
        mean, square = 0.0, 0.0  # Welford's running mean and sum of squared deviations
        warm = math.ceil(min_days * 86_400 / max(1, line[0].end - line[0].start))
        flagged = []
        for seen, b in enumerate(line):
            std = math.sqrt(square / seen) if seen else 0.0
            if b.is_judged and seen >= warm and b.volume > mean + k * std:
                z = (b.volume - mean) / std if std else math.inf
                flagged.append((b, z, f"{b.volume:,.0f} tokens, {z:.1f} std above its mean"))
            delta = b.volume - mean
            mean += delta / (seen + 1)
            square += delta * (b.volume - mean)
        alerts += merge(key, flagged)
    return alerts
