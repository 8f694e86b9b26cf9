"""Thefts the usage simulator injects: kinds, sizes, and when a thief works.

Stage: benchmarks only (issue #20). A thief adds traffic to a key whose owner keeps working; what
the thief adds depends on the kind (the sizes are multiples of the key's typical hourly requests,
or of its tokens per request and output ratio). Every theft is written to labels.json as
(key, onset, end, kind, size) so detection can be scored within 6 hours of onset.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass

from bench.usage_habits import (
    DAY,
    HOUR,
    MODELS,
    Habit,
    base_rate,
    is_never_hour,
    local_time,
)

# kind -> the three sizes it is injected at (small, medium, large), and what the size multiplies.
SIZES: dict[str, tuple[float, float, float]] = {
    "night": (1.0, 2.0, 5.0),  # extra requests at never-hours, × the key's typical hourly rate
    "modest": (0.2, 0.35, 0.5),  # the same, +20-50%: the hard one
    "expensive": (0.1, 0.3, 1.0),  # extra requests on an expensive model the key never used
    "flood": (3.0, 10.0, 30.0),  # extra requests at any hour, the key's own models
    "tokens": (3.0, 6.0, 12.0),  # +20% requests at that many times the tokens per request
    "ratio": (3.0, 6.0, 12.0),  # +30% requests at that many times the output ratio
}
NEEDS_NEVER_HOURS = ("night", "modest")
# A thief of these kinds hides in the owner's traffic: works only in hours the key works in, so
# only the model, the tokens per request or the output ratio give it away, not the hour.
BLENDS_IN = ("expensive", "tokens", "ratio")


@dataclass(frozen=True, slots=True)
class Theft:
    """One injected theft: the label written beside the pages."""

    provider: str
    key_id: str
    onset: int  # epoch seconds, the first hour the thief works
    end: int  # epoch seconds, exclusive
    kind: str
    size: float
    size_class: str  # small | medium | large
    model: str  # the model the thief uses
    history_days: int  # days the key had been in use before onset
    # Share of the thief's input read from the prompt cache. Caches match exact prompt prefixes
    # (OpenAI's and Anthropic's prompt-caching guides), so the thief never reads the owner's;
    # on OpenAI, which caches long prefixes unasked, a thief repeating its own prompt may hit
    # its own cache, while Anthropic reads a cache only where the request marks cache_control.
    cached_share: float = 0.0

    def as_label(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Extra:
    """What a thief adds in one hour: requests on a model, with their tokens and output ratio."""

    model: str
    requests: float
    tokens_per_request: float
    output_ratio: float
    cached_share: float = 0.0


def plan_theft(
    rng: random.Random, habit: Habit, provider: str, origin: int, window: tuple[int, int], kind: str
) -> Theft | None:
    """A theft of `kind` on `habit`'s key with onset inside `window`, or None if it cannot fit.

    The key has been in use a week at least by onset (`origin` is the simulation's day 0).
    """
    earliest = max(window[0], origin + (habit.first_day + 7) * DAY)
    hours = list(range(earliest, window[1] - 12 * HOUR, HOUR))
    if kind in NEEDS_NEVER_HOURS:
        hours = [t for t in hours if is_never_hour(habit, local_time(habit, t)[0])]
    if kind in BLENDS_IN:
        hours = [t for t in hours if is_working_hour(habit, t)]
    if not hours:
        return None
    onset = rng.choice(hours)
    if kind in NEEDS_NEVER_HOURS:
        # The thief works through the never-hours that follow onset, 2 to 8 of them.
        end = onset + HOUR
        limit = onset + rng.randint(2, 8) * HOUR
        while end < limit and is_never_hour(habit, local_time(habit, end)[0]):
            end += HOUR
    else:
        end = onset + rng.randint(3, 12) * HOUR
    size_index = rng.randrange(3)
    own = max(habit.models, key=lambda pair: pair[1])[0]
    model = rng.choice(MODELS[provider]["expensive"]) if kind == "expensive" else own
    return Theft(
        provider=provider,
        key_id=habit.key_id,
        onset=onset,
        end=end,
        kind=kind,
        size=SIZES[kind][size_index],
        size_class=("small", "medium", "large")[size_index],
        model=model,
        history_days=(onset - origin) // DAY - habit.first_day,
        cached_share=rng.uniform(0.1, 0.6) if provider == "openai" and rng.random() < 0.4 else 0.0,
    )


def is_working_hour(habit: Habit, t: int) -> bool:
    return base_rate(habit, *local_time(habit, t)) > 0


def extra_at(theft: Theft, habit: Habit, typical: float, t: int) -> Extra | None:
    """The thief's traffic in the hour starting at `t`, or None outside the theft."""
    if not theft.onset <= t < theft.end:
        return None
    if theft.kind in BLENDS_IN and not is_working_hour(habit, t):
        return None
    tpr, ratio = habit.tokens_per_request, habit.output_ratio
    if theft.kind in ("night", "modest", "expensive", "flood"):
        return Extra(theft.model, theft.size * typical, tpr, ratio, theft.cached_share)
    if theft.kind == "tokens":
        return Extra(theft.model, 0.2 * typical, tpr * theft.size, ratio, theft.cached_share)
    return Extra(theft.model, 0.3 * typical, tpr, min(ratio * theft.size, 20.0), theft.cached_share)
