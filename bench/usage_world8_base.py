"""World 8's frame: its period, its models, its values and the draws every part of it shares.

Stage: benchmark (usage watch, issue #20). World 8 runs from Monday 14 September to Sunday
25 October 2026 (42 days, the last 14 judged): the northern autumn term, Chuseok and China's
Golden Week, Japan's Silver Week, Yom Kippur and Sukkot, the third quarter's close, 12 October's
holidays across the Americas and Japan, and clocks moving in New Zealand, Australia and Europe.
Its random draws are seeded per world, provider and key from a stable digest (never `hash()`),
so a world is the same on every run and a key's usage does not change when another key is added.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass, field

HOUR = 3_600
DAY = 24 * HOUR
START = 1_789_344_000  # 2026-09-14T00:00:00Z, a Monday
DAYS = 42
JUDGED_DAYS = 14
HOURS = DAYS * 24
END = START + DAYS * DAY
PROVIDERS = ("openai", "anthropic")

# The models each provider's keys call, by the role they play for an owner. "dearest" is the
# priciest per token (eval runs and model-switching thieves go there); "old" and "new" are the
# two sides of a staged migration.
MODELS: dict[str, dict[str, str]] = {
    "openai": {
        "cheap": "gpt-4.1-nano-2025-04-14",
        "small": "gpt-4o-mini-2024-07-18",
        "mid": "gpt-4.1-mini-2025-04-14",
        "old": "gpt-4o-2024-08-06",
        "new": "gpt-5-mini-2025-08-07",
        "large": "gpt-5-2025-08-07",
        "reason": "o4-mini-2025-04-16",
        "dearest": "o3-pro-2025-06-10",
    },
    "anthropic": {
        "cheap": "claude-3-5-haiku-20241022",
        "small": "claude-haiku-4-5-20251001",
        "mid": "claude-sonnet-4-5-20250929",
        "old": "claude-sonnet-4-20250514",
        "new": "claude-sonnet-4-5-20250929",
        "large": "claude-opus-4-5-20251101",
        "reason": "claude-sonnet-4-5-20250929",
        "dearest": "claude-opus-4-1-20250805",
    },
}


@dataclass(frozen=True, slots=True)
class Key:
    """One API key of the organisation: whose it is and what it is for."""

    key_id: str
    archetype: str
    team: str
    tz: str  # the owner's zoneinfo name: its hours are local ones
    country: str  # whose holidays the owner keeps (ISO 3166-1 alpha-2, or a 3166-2 state)
    first_day: int  # first day the key may be used (a rotated-in key starts late)
    last_day: int  # day after the last one it is used (a retired key stops early)
    is_robbable: bool  # retired, rotated-out and console usage is never stolen here


@dataclass(frozen=True, slots=True)
class Theft:
    """A thief's use of one key: kind, size and the start of its first request's bucket."""

    key_id: str
    kind: str
    size: str
    onset: int  # epoch seconds: the first bucket holding one of the thief's requests
    model: str  # the model the thief mostly calls


# A cell is one hour of one key on one model: [requests, uncached input, cached input, output].
Cells = dict[tuple[int, str], list[int]]


@dataclass(frozen=True, slots=True)
class World:
    seed: int
    provider: str
    keys: tuple[Key, ...]
    thefts: tuple[Theft, ...]
    owner: dict[str, Cells]  # key_id -> the owner's own cells
    stolen: dict[str, Cells]  # key_id -> the thief's cells (robbed keys only)
    console: Cells  # usage with no API key (console, workbench)
    events: dict[tuple[str, int], tuple[str, ...]] = field(default_factory=dict)


def rng(seed: int, *parts: object) -> random.Random:
    """A generator of its own for (seed, parts), stable across runs and Python builds."""
    text = "|".join(str(p) for p in (seed, *parts))
    return random.Random(int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big"))


def poisson(r: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam < 30:  # Knuth's product of uniforms: exact, and cheap for small means
        limit, n, p = math.exp(-lam), 0, r.random()
        while p > limit:
            n += 1
            p *= r.random()
        return n
    return max(0, round(r.gauss(lam, math.sqrt(lam))))


def heavy_sum(r: random.Random, n: int, mean: float, sigma: float, cap: int) -> int:
    """Tokens of `n` requests whose sizes are log-normal (mean `mean`, log-spread `sigma`) with a
    Pareto tail of whale requests (a pasted contract, a long transcript), each capped at the
    context window `cap`."""
    if n <= 0:
        return 0
    mu = math.log(mean) - sigma * sigma / 2
    if n <= 12:
        total = sum(min(cap, r.lognormvariate(mu, sigma)) for _ in range(n))
    else:
        cv2 = math.exp(sigma * sigma) - 1  # squared coefficient of variation of one request
        total = r.gammavariate(n / cv2, mean * cv2)
    for _ in range(poisson(r, n * 0.004)):
        total += min(cap, mean * 3 * r.paretovariate(1.4))
    return max(n, round(total))


def key_id(r: random.Random, provider: str) -> str:
    """An id shaped like the provider's: OpenAI's `key_` and 16 characters, Anthropic's
    `apikey_01` and 22 base58 characters."""
    if provider == "openai":
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        return "key_" + "".join(r.choice(alphabet) for _ in range(16))
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    return "apikey_01" + "".join(r.choice(alphabet) for _ in range(22))


def add(cells: Cells, hour: int, model: str, values: tuple[int, int, int, int]) -> None:
    cell = cells.setdefault((hour, model), [0, 0, 0, 0])
    for i, value in enumerate(values):
        cell[i] += value
