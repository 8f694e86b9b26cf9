"""World 13's frame: its season, providers, models and prices, and the records it writes.

Stage: benchmarks only (issue #20). World 13 runs 6 January - 2 March 2025 (56 days, the last 14
judged: 17 February - 2 March). Models and list prices are those on sale then (USD per million
input / output tokens, from the providers' pricing pages of the time); each model is called only
from its release day: o3-mini on 31 January, Claude 3.7 Sonnet on 24 February, GPT-4.5 preview
on 27 February.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

HOUR = 3_600
DAY = 24 * HOUR
FIRST = date(2025, 1, 6)
START = int(datetime(2025, 1, 6, tzinfo=UTC).timestamp())
DAYS = 56
JUDGED_DAYS = 14
PROVIDERS = ("openai", "anthropic")

# Roles an owner or a thief asks for; each provider names the model that filled it then.
MODELS: dict[str, dict[str, str]] = {
    "openai": {
        "cheap": "gpt-4o-mini-2024-07-18",
        "fast": "o1-mini-2024-09-12",
        "main": "gpt-4o-2024-08-06",
        "dear": "o1-2024-12-17",
        "new": "o3-mini-2025-01-31",
        "newest": "gpt-4.5-preview-2025-02-27",
        "legacy": "gpt-3.5-turbo-0125",
    },
    "anthropic": {
        "cheap": "claude-3-haiku-20240307",
        "fast": "claude-3-5-haiku-20241022",
        "main": "claude-3-5-sonnet-20241022",
        "dear": "claude-3-opus-20240229",
        "new": "claude-3-7-sonnet-20250219",
        "newest": "claude-3-7-sonnet-20250219",
        "legacy": "claude-3-sonnet-20240229",
    },
}

PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini-2024-07-18": (0.15, 0.60),
    "o1-mini-2024-09-12": (1.10, 4.40),
    "gpt-4o-2024-08-06": (2.50, 10.00),
    "o1-2024-12-17": (15.00, 60.00),
    "o3-mini-2025-01-31": (1.10, 4.40),
    "gpt-4.5-preview-2025-02-27": (75.00, 150.00),
    "gpt-3.5-turbo-0125": (0.50, 1.50),
    "claude-3-haiku-20240307": (0.25, 1.25),
    "claude-3-5-haiku-20241022": (0.80, 4.00),
    "claude-3-5-sonnet-20241022": (3.00, 15.00),
    "claude-3-opus-20240229": (15.00, 75.00),
    "claude-3-7-sonnet-20250219": (3.00, 15.00),
    "claude-3-sonnet-20240229": (3.00, 15.00),
}

# Release day of each model released inside the season (day index); others predate it.
RELEASED: dict[str, int] = {
    "o3-mini-2025-01-31": (date(2025, 1, 31) - FIRST).days,
    "gpt-4.5-preview-2025-02-27": (date(2025, 2, 27) - FIRST).days,
    "claude-3-7-sonnet-20250219": (date(2025, 2, 24) - FIRST).days,
}

# Output tokens per input token a role's model writes for an ordinary prompt: reasoning models
# bill their hidden reasoning as output.
OUTPUT_WEIGHT = {
    "cheap": 1.0,
    "fast": 2.5,
    "main": 1.0,
    "dear": 3.0,
    "new": 2.0,
    "newest": 1.2,
    "legacy": 0.8,
}


@dataclass(frozen=True, slots=True)
class Record:
    """One key's use of one model in one hour, with the fields the page writer reads."""

    key_id: str
    model: str
    start: int
    requests: int
    input_tokens: int  # uncached
    cached_input_tokens: int
    output_tokens: int

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.cached_input_tokens + self.output_tokens

    @property
    def cost(self) -> float:
        price_in, price_out = PRICES[self.model]
        inputs = self.input_tokens + self.cached_input_tokens / 2
        return (inputs * price_in + self.output_tokens * price_out) / 1e6


def day_of(when: date) -> int:
    return (when - FIRST).days


def local(hour: int, zone: str) -> datetime:
    """Hour index `hour` of the world as a wall-clock time in `zone`."""
    return datetime.fromtimestamp(START + hour * HOUR, ZoneInfo(zone))


def model_of(provider: str, role: str, day: int) -> str:
    """The model a role means on `day`: a role whose model is not out yet falls back to main."""
    name = MODELS[provider][role]
    return name if RELEASED.get(name, 0) <= day else MODELS[provider]["main"]
