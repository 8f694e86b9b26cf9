"""The two values the usage watch passes around: one row of usage, and one alert.

Stage: application (usage watch). Page readers produce `UsageRecord`s whatever the provider's page
format; the model reads only these, so a provider is added by writing its reader. Times are epoch
seconds (UTC): OpenAI writes buckets that way, Anthropic in RFC 3339, and the readers convert.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UsageRecord:
    """Usage of one key, one model, in one bucket [start, end)."""

    provider: str  # "openai" | "anthropic"
    key_id: str  # the provider's public key id (OpenAI `key_…`, Anthropic `apikey_…`)
    start: int  # bucket start, epoch seconds
    end: int  # bucket end, epoch seconds (exclusive)
    model: str | None
    # Requests in the bucket; None where the provider does not count them (Anthropic's report).
    requests: int | None
    input_tokens: int  # uncached input
    output_tokens: int
    cached_input_tokens: int = 0  # cache reads (and writes, where reported), priced apart


@dataclass(frozen=True, slots=True)
class Alert:
    """A key whose use departs from its own habits: the buckets it covers and why, in words."""

    provider: str
    key_id: str
    start: int  # first bucket the alert covers, epoch seconds
    end: int  # end of the last bucket it covers, epoch seconds
    score: float  # higher is more confident; the watch's threshold is a setting
    reason: str  # what changed, e.g. "3.1× its usual tokens at 03:00 UTC, an hour it never ran"
