"""The usage both usage-API fakes serve: planted records, summed into the buckets a query asks.

Stage: tests (usage watch). A test plants `UsageRecord`s (ideally one-minute ones, so every
width sums them exactly); a query names a range, a bucket width and the fields to group by, and
gets every bucket of the range in time order, empty ones included (both APIs list a bucket
with no usage as one with no results), each holding one `Tally` per group. A record counts in
the bucket its start falls in. Buckets are aligned to UTC minutes, hours and days, as both
providers snap them. Only buckets that have begun by the book's clock exist, and the one that
has not ended yet grows as records are planted into it, the way the real APIs revise their
latest bucket. A key id of "" stands for usage made without an API key (the console's), which
both APIs report with a null `api_key_id`.

Widths, their default and maximum page sizes, and the grouping both fakes support are data
below, from OpenAI's `limit` parameter (specs/openai_usage.yaml) and Anthropic's
(specs/anthropic_usage.yaml), which document the same numbers.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from leakward.usage.records import UsageRecord

WIDTH_SECONDS = {"1m": 60, "1h": 3600, "1d": 86400}
DEFAULT_LIMIT = {"1m": 60, "1h": 24, "1d": 7}
MAX_LIMIT = {"1m": 1440, "1h": 168, "1d": 31}
# The fields the fakes can group by; any other documented field is accepted and left null.
GROUPABLE = ("api_key_id", "model")


@dataclass
class Tally:
    """One group's sums in one bucket."""

    api_key_id: str | None
    model: str | None
    requests: int = 0
    input_tokens: int = 0  # uncached
    cached_input_tokens: int = 0
    output_tokens: int = 0


@dataclass(frozen=True)
class Bucket:
    start: int
    end: int
    tallies: tuple[Tally, ...]


@dataclass
class UsageBook:
    """Planted usage of one provider. `clock` is the fake's now (epoch seconds)."""

    clock: Callable[[], float] = time.time
    records: list[UsageRecord] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def plant(self, records: Iterable[UsageRecord]) -> None:
        with self.lock:
            self.records.extend(records)

    def buckets(self, start: int, end: int, width: str, group_by: Iterable[str]) -> list[Bucket]:
        """Every begun bucket overlapping [start, end), aligned to `width`, with its tallies."""
        seconds = WIDTH_SECONDS[width]
        grouped = set(group_by)
        first = start - start % seconds
        last = min(end, int(self.clock()) + 1)  # a bucket exists once it has begun
        with self.lock:
            records = list(self.records)
        sums: dict[int, dict[tuple[str | None, str | None], Tally]] = {}
        for record in records:
            bucket = record.start - record.start % seconds
            key_id = (record.key_id or None) if "api_key_id" in grouped else None
            model = record.model if "model" in grouped else None
            tally = sums.setdefault(bucket, {}).setdefault((key_id, model), Tally(key_id, model))
            tally.requests += record.requests or 0
            tally.input_tokens += record.input_tokens
            tally.cached_input_tokens += record.cached_input_tokens
            tally.output_tokens += record.output_tokens
        return [
            Bucket(at, at + seconds, tuple(_ordered(sums.get(at, {}).values())))
            for at in range(first, last, seconds)
        ]


def _ordered(tallies: Iterable[Tally]) -> list[Tally]:
    return sorted(tallies, key=lambda t: (t.api_key_id or "", t.model or ""))


def page_limit(width: str, asked: str | None) -> int | str:
    """The page size a query gets, or the reason it is refused (out of the documented range)."""
    if asked is None:
        return DEFAULT_LIMIT[width]
    try:
        limit = int(asked)
    except ValueError:
        return f"limit must be an integer, got {asked!r}"
    if not 1 <= limit <= MAX_LIMIT[width]:
        return f"limit must be between 1 and {MAX_LIMIT[width]} for bucket_width={width}"
    return limit


def cursor_for(offset: int, salt: str) -> str:
    """An opaque `next_page`: where the next page starts, in a form clients must not read."""
    return "page_" + base64.urlsafe_b64encode(f"{salt}:{offset}".encode()).decode()


def offset_of(cursor: str, salt: str) -> int | None:
    """The offset a cursor of this query stands for; None for a cursor the fake never gave."""
    try:
        decoded = base64.urlsafe_b64decode(cursor.removeprefix("page_").encode()).decode()
    except ValueError:
        return None
    found_salt, _, offset = decoded.rpartition(":")
    return int(offset) if found_salt == salt and offset.isdigit() else None


@dataclass
class Trouble:
    """Failures planted in a fake's own voice (its documented error bodies and headers), as
    opposed to `FakeServer.fail_next`'s generic ones: `rate_limited` 429s carrying
    `Retry-After`, then `outages` answers of `outage_status`."""

    rate_limited: int = 0
    retry_after: str = "1"
    outages: int = 0
    outage_status: int = 500

    def take(self) -> str | None:
        """'rate_limit', 'outage' or None for the request being served."""
        if self.rate_limited > 0:
            self.rate_limited -= 1
            return "rate_limit"
        if self.outages > 0:
            self.outages -= 1
            return "outage"
        return None
