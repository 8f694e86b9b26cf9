"""Reference detectors for the usage benchmark: a static rate limit and the per-key mean/std rule.

Stage: benchmarks only (issue #20). Both read the same `UsageRecord`s as `leakward.usage.model`
and answer the same way (`detect(records, history=…) -> list[Alert]`), judging each bucket only
against what came before it, so one scorer serves all:

- `static_limit`: each key gets a fixed cap when it is set up, `factor` × its busiest bucket in
  the history, and any later bucket above the cap alerts. A key with no history has no cap.
- `mean_std`: the issue's reference. A bucket alerts when its volume (all tokens) exceeds
  mean + k·std of every earlier bucket of the key, empty buckets counted as 0, once the key has
  `min_days` of buckets behind it.
- `isolation_forest` (when scikit-learn is installed): one forest per key, fitted on its history
  buckets (hour of day, weekend, volume, output ratio, tokens per request); a judged bucket
  alerts when its score falls below a threshold (scikit-learn's -0.5 by default). Fitted once
  on the history, not updated.

Consecutive alerting buckets of one key merge into one Alert, as the model's do.
"""

from __future__ import annotations

import importlib
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
    input: float = 0.0  # uncached + cached input tokens
    output: float = 0.0
    requests: float = 0.0  # 0 where the provider does not count them


def volume(record: UsageRecord) -> int:
    return record.input_tokens + record.cached_input_tokens + record.output_tokens


def timelines(
    records: Iterable[UsageRecord], history: Iterable[UsageRecord]
) -> dict[tuple[str, str], list[Bucket]]:
    """Per (provider, key): every bucket from its first to its last, empty ones as 0, in order.

    A bucket is judged from the first bucket of `records` on, empty or not.
    """
    sums: dict[tuple[str, str], dict[int, list[float]]] = defaultdict(dict)
    width, cut = 0, math.inf
    for rows in (history, records):
        for r in rows:
            width = width or r.end - r.start
            if rows is records:
                cut = min(cut, r.start)
            entry = sums[(r.provider, r.key_id)].setdefault(r.start, [0.0] * 4)
            entry[0] += volume(r)
            entry[1] += r.input_tokens + r.cached_input_tokens
            entry[2] += r.output_tokens
            entry[3] += r.requests or 0
    lines: dict[tuple[str, str], list[Bucket]] = {}
    for key, by_start in sums.items():
        lines[key] = [
            Bucket(t, t + width, values[0], t >= cut, *values[1:])
            for t in range(min(by_start), max(by_start) + width, width)
            for values in [by_start.get(t, [0.0] * 4)]
        ]
    return lines


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


def features(b: Bucket) -> list[float]:
    hour = 2 * math.pi * (b.start % 86_400) / 86_400
    weekend = float((b.start // 86_400 + 3) % 7 >= 5)
    ratio = b.output / b.input if b.input else 0.0
    per_request = b.input / b.requests if b.requests else 0.0
    return [
        math.cos(hour),
        math.sin(hour),
        weekend,
        math.log1p(b.volume),
        math.log1p(ratio),
        math.log1p(per_request),
    ]


Scored = dict[tuple[str, str], list[tuple[Bucket, float]]]


def isolation_scores(
    records: Iterable[UsageRecord], *, history: Iterable[UsageRecord] = (), min_days: float = 7.0
) -> Scored:
    """Each judged bucket's isolation score (lower is stranger), per key with enough history."""
    ensemble = importlib.import_module("sklearn.ensemble")
    scored: Scored = {}
    for key, line in timelines(records, history).items():
        seen = [b for b in line if not b.is_judged]
        judged = [b for b in line if b.is_judged]
        if not judged or len(seen) * (line[0].end - line[0].start) < min_days * 86_400:
            continue
        forest = ensemble.IsolationForest(n_estimators=100, random_state=0)
        forest.fit([features(b) for b in seen])
        scores = forest.score_samples([features(b) for b in judged])
        scored[key] = [(b, float(s)) for b, s in zip(judged, scores, strict=True)]
    return scored


def isolation_alerts(scored: Scored, threshold: float = -0.5) -> list[Alert]:
    """Alerts where the score falls below `threshold`; -0.5 is scikit-learn's own cut-off."""
    alerts: list[Alert] = []
    for key, buckets in scored.items():
        flagged = [
            (b, threshold - s, f"{b.volume:,.0f} tokens, isolated (score {s:.2f})")
            for b, s in buckets
            if s < threshold
        ]
        alerts += merge(key, flagged)
    return alerts
