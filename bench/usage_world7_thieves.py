"""World 7's thieves: eight kinds after published LLMjacking reports, each at three sizes.

Stage: benchmark (usage watch, issue #20). Sysdig's LLMjacking reports (2024-2025) describe
stolen AI keys first validated by checker scripts (a one-token request, repeated as the key is
resold), then sold through reverse proxies to role-play communities around the clock on the
dearest models with long contexts; Permiso and Entro describe floods that run until the key is
throttled, and slow quiet use. Each kind here is one or more `Stream`s (or a few fixed pings)
added on top of the owner's own usage from a minute of onset in the judged weeks:

- `key_check`: checker pings (one output token) at onset, re-checked by buyers over two days;
  medium adds a small role-play drip six hours later, large a proxy one to three hours later.
- `resale_proxy`: a share of a proxy's pool: day and night on top and mid models, long prompts.
- `flood`: thousands of short requests an hour for one to four hours.
- `slow_drain`: a flat trickle at a fraction of the key's own mean rate, on its own model.
- `echo`: a copy of the owner's own streams (regions, hours, models, sizes) at a fraction of
  their rate; it cannot know the owner's holidays, seasons or launches, so it keeps working then.
- `off_hours`: the owner's model and prompt sizes, only at the hours the owner never works.
- `agent_squat`: a coding agent on US Pacific working hours with long cached contexts.
- `tier_swap`: the owner's hours and request sizes on the provider's dearest model.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from bench.usage_world7_base import DAYS, END, HOUR, JUDGED_DAYS, at, curve, model
from bench.usage_world7_owners import Owner
from bench.usage_world7_streams import Ledger, Stream

KINDS = (
    "key_check",
    "resale_proxy",
    "flood",
    "slow_drain",
    "echo",
    "off_hours",
    "agent_squat",
    "tier_swap",
)
SIZES = ("small", "medium", "large")
_STEP = {"small": 0, "medium": 1, "large": 2}
PROXY_HOURS = curve("0:.9 4:.6 9:.3 14:.6 19:.9 22:1")  # UTC: the Americas' and Europe's evenings
AGENT_HOURS = curve("0:0 8:.1 9:1 12:.7 13:1 18:.6 20:.05")  # US Pacific


@dataclass(frozen=True, slots=True)
class Theft:
    key_id: str
    kind: str
    size: str
    onset: int  # epoch seconds of the thief's first request
    end: int


@dataclass(frozen=True, slots=True)
class Profile:
    """What the owner's history shows: mean and busy (90th percentile) requests an hour."""

    mean: float
    busy: float


def profile(ledger: Ledger, key_id: str) -> Profile:
    history = ledger.requests(key_id)[: (DAYS - JUDGED_DAYS) * 24]
    ordered = sorted(history)
    return Profile(
        max(0.5, sum(history) / len(history)), max(2.0, float(ordered[int(0.9 * len(ordered))]))
    )


def plan(
    kind: str, size: str, owner: Owner, seen: Profile, provider: str, onset: int, rng: random.Random
) -> tuple[list[Stream], list[tuple[int, int, str]], int]:
    """The thief's streams, its fixed pings (epoch s, requests, model) and when it stops."""
    step = _STEP[size]
    home = owner.streams[0]
    if kind == "key_check":
        pings = [(onset, rng.randint(1, 4), model(provider, "nano"))]
        # Buyers re-check the key over the next two days (within the world's range).
        rechecks = [onset + rng.randint(2 * HOUR, 48 * HOUR) for _ in range(rng.randint(2, 5))]
        pings += [(t, rng.randint(1, 3), model(provider, "mini")) for t in rechecks if t < END - 60]
        if step == 0:
            return [], pings, max(t for t, _, _ in pings) + 60
        later = onset + (6 * HOUR if step == 1 else rng.randint(HOUR, 3 * HOUR))
        rate = rng.uniform(8, 25) if step == 1 else rng.uniform(150, 500)
        end = later + rng.randint(24, 72) * HOUR
        return [_proxy(provider, rate, later, end)], pings, end
    if kind == "resale_proxy":
        end = onset + rng.randint(48, 120) * HOUR
        return [_proxy(provider, (6, 40, 250)[step] * rng.uniform(0.7, 1.3), onset, end)], [], end
    if kind == "flood":
        end = onset + rng.randint(1, 4) * HOUR
        rate = (400, 2500, 9000)[step] * rng.uniform(0.8, 1.2)
        mini = ((model(provider, "mini"), 1.0),)
        return [Stream("utc", rate, mini, 700, 0.6, steadiness=30, start=onset, end=end)], [], END
    if kind == "slow_drain":
        rate = max(seen.mean * (0.1, 0.25, 0.6)[step], (1, 2, 5)[step])
        prompt = home.prompt
        return [Stream("utc", rate, home.models[:1], prompt, home.ratio, start=onset)], [], END
    if kind == "echo":
        # A fraction of the owner's rate, but never below what is worth stealing a key for.
        share = max((0.25, 0.5, 1.0)[step], (1, 3, 8)[step] / home.rate)
        copies = [
            replace(
                s,
                rate=s.rate * share,
                holiday=1.0,
                scale=(1.0,) * DAYS,
                bursts=(),
                start=max(onset, s.start),
                end=END,
            )
            for s in owner.streams
            if s.end > onset
        ]
        return copies, [], END
    if kind == "off_hours":
        night = _complement(home.weekday)
        weekend = _complement(home.weekend or home.weekday)
        rate = max(seen.busy * (0.15, 0.4, 1.0)[step], (2, 6, 20)[step])
        stream = replace(
            home,
            rate=rate,
            weekday=night,
            weekend=weekend,
            holiday=1.0,
            scale=(1.0,) * DAYS,
            bursts=(),
            start=onset,
            end=END,
            steadiness=6.0,
        )
        return [stream], [], END
    if kind == "agent_squat":
        models = ((model(provider, "mid"), 0.7), (model(provider, "top"), 0.3))
        rate = (6, 25, 90)[step] * rng.uniform(0.7, 1.3)
        stream = Stream(
            "los_angeles",
            rate,
            models,
            60_000,
            0.02,
            AGENT_HOURS,
            tuple(w * 0.2 for w in AGENT_HOURS),
            spread=0.5,
            cached=0.8,
            start=onset,
            steadiness=3,
        )
        return [stream], [], END
    dearest = ((model(provider, "top", 1), 1.0),)
    rate = max(home.rate * (0.1, 0.3, 0.8)[step], (3, 10, 30)[step])
    stream = replace(
        home,
        rate=rate,
        models=dearest,
        ratio=home.ratio * 1.5,
        start=onset,
        end=END,
        scale=(1.0,) * DAYS,
        bursts=(),
    )
    return [stream], [], END


def _proxy(provider: str, rate: float, start: int, end: int) -> Stream:
    models = ((model(provider, "top"), 0.6), (model(provider, "mid", 1), 0.4))
    cached = 0.3 if provider == "openai" else 0.5
    return Stream(
        "utc",
        rate,
        models,
        14_000,
        0.03,
        PROXY_HOURS,
        spread=0.7,
        cached=cached,
        start=start,
        end=end,
        steadiness=8,
    )


def _complement(weights: tuple[float, ...]) -> tuple[float, ...]:
    """1 at the hours the owner (almost) never works; the six quietest hours when it always
    does."""
    top = max(weights) or 1.0
    night = tuple(1.0 if w < 0.1 * top else 0.0 for w in weights)
    if sum(night) >= 3:
        return night
    quietest = sorted(range(24), key=lambda h: weights[h])[:6]
    return tuple(1.0 if h in quietest else 0.0 for h in range(24))


def onset_minute(rng: random.Random) -> int:
    """A minute in the judged weeks, at least a day before the world ends."""
    first = at(DAYS - JUDGED_DAYS)
    return first + 60 * rng.randrange((END - 24 * HOUR - first) // 60)


def kinds_and_sizes() -> list[tuple[str, str]]:
    return [(kind, size) for kind in KINDS for size in SIZES]
