"""What a span of a key's hours shows against the key's history, in words a reviewer can check.

Stage: benchmarks only (issue #20). World 12's own check that each theft is visible in its first
6 h, and that most honest key-days are not, by plain measures on what the pages carry (hourly
tokens per key and model; requests on OpenAI's only), with no model of habits:

- `new_model`: a model the key never used in its history;
- `hour_record`: an hour with more tokens than that hour of the day ever had;
- `window_record`: more tokens in the span's busiest 6 h than any 6 h of the history;
- `new_hour`: tokens at an hour of the day the history never used;
- `output_ratio`: the span's output per input token outside the history's hourly range;
- `request_size`: the span's tokens per request outside the history's hourly range (OpenAI).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from bench.usage_world12_base import DAYS, HOUR, JUDGED_DAYS, START, Record

HISTORY_HOURS = (DAYS - JUDGED_DAYS) * 24
SIGNS = ("new_model", "hour_record", "window_record", "new_hour", "output_ratio", "request_size")


@dataclass(slots=True)
class Hour:
    tokens: int = 0
    input: int = 0
    output: int = 0
    requests: int = 0
    models: set[str] = field(default_factory=set)

    def add(self, record: Record) -> None:
        self.tokens += record.tokens
        self.input += record.input_tokens + record.cached_input_tokens
        self.output += record.output_tokens
        self.requests += record.requests
        self.models.add(record.model)


def hours_by_key(records: Iterable[Record]) -> dict[str, list[Hour]]:
    series: dict[str, list[Hour]] = defaultdict(lambda: [Hour() for _ in range(DAYS * 24)])
    for record in records:
        series[record.key_id][(record.start - START) // HOUR].add(record)
    return series


def _range(values: list[float]) -> tuple[float, float]:
    return (min(values), max(values)) if values else (0.0, 0.0)


@dataclass(frozen=True, slots=True)
class History:
    """The measures of a key's history hours (before the judged days) the signs compare with."""

    models: frozenset[str]
    by_hour: tuple[int, ...]  # the most tokens each hour of the day had
    window: int  # the most tokens any 6 h had
    ratio: tuple[float, float]  # output per input token, over hours of 1,000 tokens or more
    size: tuple[float, float]  # tokens per request, over the same hours

    @classmethod
    def of(cls, hours: list[Hour]) -> History:
        past = hours[:HISTORY_HOURS]
        tokens = [h.tokens for h in past]
        running = sum(tokens[:6])
        window = running
        for i in range(6, len(tokens)):
            running += tokens[i] - tokens[i - 6]
            window = max(window, running)
        busy = [h for h in past if h.tokens >= 1000]
        return cls(
            frozenset().union(*(h.models for h in past)),
            tuple(max(tokens[i::24]) for i in range(24)),
            window,
            _range([h.output / max(h.input, 1) for h in busy]),
            _range([h.tokens / max(h.requests, 1) for h in busy]),
        )


def signs(
    history: History, hours: list[Hour], first: int, end: int, has_requests: bool
) -> set[str]:
    """The signs hours [first, end) show against the key's history."""
    span = hours[first:end]
    found: set[str] = set()
    if any(h.models - history.models for h in span):
        found.add("new_model")
    if any(h.tokens > history.by_hour[(first + i) % 24] for i, h in enumerate(span)):
        found.add("hour_record")
    if any(h.tokens and not history.by_hour[(first + i) % 24] for i, h in enumerate(span)):
        found.add("new_hour")
    spans = [sum(h.tokens for h in span[i : i + 6]) for i in range(max(1, len(span) - 5))]
    if max(spans) > history.window:
        found.add("window_record")
    taken = [h for h in span if h.tokens]
    if not taken:
        return found
    ratio = sum(h.output for h in taken) / max(sum(h.input for h in taken), 1)
    if not history.ratio[0] <= ratio <= history.ratio[1]:
        found.add("output_ratio")
    size = sum(h.tokens for h in taken) / max(sum(h.requests for h in taken), 1)
    if has_requests and not history.size[0] <= size <= history.size[1]:
        found.add("request_size")
    return found
