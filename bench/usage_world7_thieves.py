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
  their rate on the day it starts; it cannot know the owner's holidays or what the season does
  next, so it keeps that pace through them.
- `off_hours`: the owner's model and prompt sizes, only at the hours the owner never works.
- `agent_squat`: a coding agent on US Pacific working hours with long cached contexts.
- `tier_swap`: the owner's hours and request sizes on the provider's dearest model.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace

from bench.usage_world7_base import DAY, DAYS, END, HOUR, JUDGED_DAYS, START, at, curve, model
from bench.usage_world7_habits import Owner
from bench.usage_world7_streams import Ledger, Stream

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


@dataclass(frozen=True, slots=True)
class Plan:
    """A thief's streams, its fixed pings (epoch s, requests, model) and when it stops."""

    streams: list[Stream]
    pings: list[tuple[int, int, str]]
    end: int


@dataclass(frozen=True, slots=True)
class Scene:
    """What a thief works from: the key's owner, what its history shows, the provider, the
    minute it starts, its size (0, 1, 2) and its RNG."""

    owner: Owner
    seen: Profile
    provider: str
    onset: int
    step: int
    rng: random.Random


def plan(kind: str, size: str, scene: Scene) -> Plan:
    return _KINDS[kind](replace(scene, step=_STEP[size]))


def _key_check(c: Scene) -> Plan:
    rng, onset = c.rng, c.onset
    pings = [(onset, rng.randint(1, 4), model(c.provider, "nano"))]
    # Buyers re-check the key over the next two days (within the world's range).
    rechecks = [onset + rng.randint(2 * HOUR, 48 * HOUR) for _ in range(rng.randint(2, 5))]
    pings += [(t, rng.randint(1, 3), model(c.provider, "mini")) for t in rechecks if t < END - 60]
    if c.step == 0:
        return Plan([], pings, max(t for t, _, _ in pings) + 60)
    later = onset + (6 * HOUR if c.step == 1 else rng.randint(HOUR, 3 * HOUR))
    rate = rng.uniform(8, 25) if c.step == 1 else rng.uniform(150, 500)
    end = later + rng.randint(24, 72) * HOUR
    return Plan([_proxy(c.provider, rate, later, end)], pings, end)


def _resale_proxy(c: Scene) -> Plan:
    end = c.onset + c.rng.randint(48, 120) * HOUR
    rate = (6, 40, 250)[c.step] * c.rng.uniform(0.7, 1.3)
    return Plan([_proxy(c.provider, rate, c.onset, end)], [], end)


def _flood(c: Scene) -> Plan:
    end = c.onset + c.rng.randint(1, 4) * HOUR
    rate = (400, 2500, 9000)[c.step] * c.rng.uniform(0.8, 1.2)
    mini = ((model(c.provider, "mini"), 1.0),)
    return Plan(
        [Stream("utc", rate, mini, 700, 0.6, steadiness=30, start=c.onset, end=end)], [], end
    )


def _slow_drain(c: Scene) -> Plan:
    home = c.owner.streams[0]
    rate = max(c.seen.mean * (0.1, 0.25, 0.6)[c.step], (1, 2, 5)[c.step])
    return Plan(
        [Stream("utc", rate, home.models[:1], home.prompt, home.ratio, start=c.onset)], [], END
    )


def _echo(c: Scene) -> Plan:
    # A fraction of the owner's rate, but never below what is worth stealing a key for; each
    # stream as busy as it is on the day the thief starts, held there.
    share = max((0.25, 0.5, 1.0)[c.step], (1, 3, 8)[c.step] / c.owner.streams[0].rate)
    day = min(DAYS - 1, (c.onset - START) // DAY)
    copies = [
        replace(
            s,
            rate=s.rate * share,
            holiday=1.0,
            scale=(s.scale[day],) * DAYS,
            bursts=(),
            start=max(c.onset, s.start),
            end=END,
        )
        for s in c.owner.streams
        if s.end > c.onset and s.scale[day] > 0
    ]
    return Plan(copies, [], END)


def _off_hours(c: Scene) -> Plan:
    home = c.owner.streams[0]
    top = max(home.weekday) or 1.0
    rate = max(c.seen.busy * (0.15, 0.4, 1.0)[c.step], (2, 6, 20)[c.step])
    stream = replace(
        home,
        rate=rate,
        weekday=_complement(home.weekday, top),
        weekend=_complement(home.weekend or home.weekday, top),
        holiday=1.0,
        scale=(1.0,) * DAYS,
        bursts=(),
        start=c.onset,
        end=END,
        steadiness=6.0,
    )
    return Plan([stream], [], END)


def _agent_squat(c: Scene) -> Plan:
    models = ((model(c.provider, "mid"), 0.7), (model(c.provider, "top"), 0.3))
    rate = (6, 25, 90)[c.step] * c.rng.uniform(0.7, 1.3)
    weekend = tuple(w * 0.2 for w in AGENT_HOURS)
    stream = Stream(
        "los_angeles",
        rate,
        models,
        60_000,
        0.02,
        AGENT_HOURS,
        weekend,
        spread=0.5,
        cached=0.8,
        start=c.onset,
        steadiness=3,
    )
    return Plan([stream], [], END)


def _tier_swap(c: Scene) -> Plan:
    home = c.owner.streams[0]
    dearest = ((model(c.provider, "top", 1), 1.0),)
    rate = max(home.rate * (0.1, 0.3, 0.8)[c.step], (3, 10, 30)[c.step])
    stream = replace(
        home,
        rate=rate,
        models=dearest,
        ratio=home.ratio * 1.5,
        start=c.onset,
        end=END,
        scale=(1.0,) * DAYS,
        bursts=(),
    )
    return Plan([stream], [], END)


_KINDS: dict[str, Callable[[Scene], Plan]] = {
    "key_check": _key_check,
    "resale_proxy": _resale_proxy,
    "flood": _flood,
    "slow_drain": _slow_drain,
    "echo": _echo,
    "off_hours": _off_hours,
    "agent_squat": _agent_squat,
    "tier_swap": _tier_swap,
}
KINDS = tuple(_KINDS)


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


def _complement(weights: tuple[float, ...], top: float) -> tuple[float, ...]:
    """1 at the hours the owner (almost) never works (under a tenth of its busiest weekday
    hour); the six quietest hours when it always does."""
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
