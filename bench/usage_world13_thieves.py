"""World 13's thieves: ten kinds of stolen-key use at three sizes, and when each begins.

Stage: benchmarks only (issue #20). Kinds follow what the LLMjacking reports of early 2025
describe (Sysdig, Permiso, Entro; Microsoft's Storm-2139 of February 2025), sized against the
robbed key's ordinary day (the median of its history days with use): a quarter, one and four of
it, 200k tokens a day at least. Each theft begins with its first request in the judged weeks and
runs to the season's end. Hour weights are in the owner's local time unless a kind says where
its thief lives.

- `graveyard_shift`: the owner's own model at 00:00-06:00 owner time, every night.
- `premium_swap`: the dearest model (o1, Claude 3 Opus) in the owner's working hours.
- `cascade_flood`: the cheap model round the clock, heaviest in its first hours.
- `dead_hours_trickle`: the owner's model only at hours of the day the key never worked.
- `slow_creeper`: the owner's model round the clock, a third of its size on day one, x1.6 a day.
- `virgin_raid`: a spare key issued and never used, found in a repository and used at once.
- `reasoning_burner`: short prompts and very long answers on a reasoning model.
- `context_stuffer`: 90k-token documents in, a few tokens out, fourteen hours a day.
- `release_rider`: the season's newest model from its first days (GPT-4.5, Claude 3.7 Sonnet).
- `subtitle_mill`: an old model translating subtitles twenty hours a day from Jakarta.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bench.usage_world13_base import DAYS, JUDGED_DAYS, MODELS, RELEASED

KINDS = (
    "graveyard_shift",
    "premium_swap",
    "cascade_flood",
    "dead_hours_trickle",
    "slow_creeper",
    "virgin_raid",
    "reasoning_burner",
    "context_stuffer",
    "release_rider",
    "subtitle_mill",
)
SIZES = ("small", "medium", "large")
SCALE = {"small": 0.25, "medium": 1.0, "large": 4.0}
FLOOR = 200_000  # tokens a day: below this no one bothers to steal
SPARE_DAY = 1_000_000  # the ordinary day a spare key's thief is sized against


@dataclass(frozen=True, slots=True)
class Style:
    """How a kind's requests look: its model role, prompt, answer and cached share."""

    role: str  # "owner" for the key's own main model
    prompt: int  # input tokens a request; 0 for the owner's own
    ratio: float  # output per input token; 0 for the owner's own
    cached: float
    zone: str | None = None  # where the thief's clock runs, when not the owner's


STYLES: dict[str, Style] = {
    "graveyard_shift": Style("owner", 0, 0.0, 0.2),
    "premium_swap": Style("dear", 2_500, 2.5, 0.1),
    "cascade_flood": Style("cheap", 1_500, 1.0, 0.0),
    "dead_hours_trickle": Style("owner", 0, 0.0, 0.2),
    "slow_creeper": Style("owner", 0, 0.0, 0.2),
    "virgin_raid": Style("main", 1_800, 0.8, 0.1),
    "reasoning_burner": Style("reasoning", 300, 12.0, 0.0),
    "context_stuffer": Style("owner", 90_000, 0.004, 0.5),
    "release_rider": Style("newest", 1_200, 1.5, 0.1),
    "subtitle_mill": Style("legacy", 800, 1.2, 0.0, zone="Asia/Jakarta"),
}


@dataclass(frozen=True, slots=True)
class Theft:
    key_id: str
    kind: str
    size: str
    onset: int  # epoch seconds of the first stolen request
    daily: int  # tokens a day the thief takes


def weight(kind: str, local_hour: int, hours_in: int, dead: frozenset[int]) -> float:
    """A kind's share of its day in one hour (its days sum to about 1); `hours_in` counts hours
    since onset and `dead` holds the hours of the day the key never worked."""
    if kind == "graveyard_shift":
        return 1 / 6 if local_hour < 6 else 0.0
    if kind == "premium_swap":
        return 1 / 10 if 9 <= local_hour < 19 else 0.0
    if kind == "cascade_flood":
        return 3 / 24 if hours_in < 6 else 1 / 32
    if kind == "dead_hours_trickle":
        return 1 / len(dead) if local_hour in dead else 0.0
    if kind == "context_stuffer":
        return 1 / 14 if hours_in % 24 < 14 else 0.0
    if kind == "subtitle_mill":
        return 1 / 20 if not 2 <= local_hour < 6 else 0.0
    return 1 / 24


def growth(kind: str, days_in: float) -> float:
    return 0.33 * 1.6**days_in if kind == "slow_creeper" else 1.0


def role_model(provider: str, role: str, owner_model: str, day: int) -> str:
    """The model a theft's role means on `day`."""
    if role == "owner":
        return owner_model
    if role == "reasoning":  # the newest reasoning model out that day
        new = MODELS[provider]["new"]
        return new if RELEASED.get(new, 0) <= day else MODELS[provider]["dear"]
    return MODELS[provider][role]


def onset_day(kind: str, provider: str, rng: random.Random) -> int:
    """A judged day for the theft to begin on, not the last (so its 6 h fit in the season);
    a release rider waits for the newest model."""
    first = DAYS - JUDGED_DAYS
    if kind == "release_rider":
        first = max(first, RELEASED[MODELS[provider]["newest"]])
    return rng.randrange(first, DAYS - 1)


def first_hour(kind: str, rng: random.Random, dead: frozenset[int]) -> int | None:
    """The owner-local hour of day a kind starts at, or None for any hour."""
    if kind == "graveyard_shift":
        return 0
    if kind == "premium_swap":
        return rng.randrange(9, 12)
    if kind == "dead_hours_trickle":
        return rng.choice(sorted(dead))
    return None
