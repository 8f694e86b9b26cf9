"""World 13's roster: which keys exist, whose they are, where they live and how big they are.

Stage: benchmarks only (issue #20). 84 keys a provider of nineteen owner kinds. A key's size is
its busiest ordinary hour's requests; prompt size, cached share and output ratio are its own.
Two owners rotate their key in the season (one in the history, one in the judged weeks), so a
new key appears with the old one's habits; four keys are issued and never used (spares a thief
may find). Key ids are shaped like each provider's: `key_…` for OpenAI, `apikey_01…` for
Anthropic.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

from bench.usage_world13_base import DAYS, JUDGED_DAYS


@dataclass(frozen=True, slots=True)
class Key:
    key_id: str
    archetype: str
    zone: str
    size: float  # requests in the busiest ordinary hour
    prompt: int  # input tokens a request
    cached: float  # share of input read from the prompt cache
    ratio: float  # output tokens per input token on the main model
    issued: int  # first day the key exists
    retired: int | None  # day its owner rotated it away, if they did
    trait: int  # a per-key choice an owner kind reads (its launch day, its rotation's hour)
    is_queued: bool  # the owner queues work through an outage and replays it after


@dataclass(frozen=True, slots=True)
class Kind:
    """An owner kind's share of the roster and the ranges its keys are drawn from."""

    count: int
    zones: tuple[str, ...]
    size: tuple[float, float]
    prompt: tuple[int, int]
    cached: tuple[float, float]
    ratio: tuple[float, float]
    is_queued: bool = False


KINDS: dict[str, Kind] = {
    "tax_season_firm": Kind(
        5,
        ("America/New_York", "America/Chicago", "America/Denver"),
        (15, 80),
        (2500, 9000),
        (0.1, 0.4),
        (0.15, 0.3),
    ),
    "ski_resort_app": Kind(
        5,
        ("America/Denver", "Europe/Zurich", "Asia/Tokyo", "America/Vancouver"),
        (20, 120),
        (400, 1500),
        (0.0, 0.2),
        (0.5, 1.0),
    ),
    "university_term": Kind(
        5,
        ("America/Los_Angeles", "Europe/London", "Australia/Sydney"),
        (20, 120),
        (800, 3000),
        (0.2, 0.5),
        (0.4, 0.9),
    ),
    "election_newsroom": Kind(
        4,
        ("Europe/Berlin", "America/Guayaquil"),
        (12, 60),
        (1500, 5000),
        (0.1, 0.3),
        (0.3, 0.6),
    ),
    "research_cluster": Kind(
        4,
        ("America/New_York", "Europe/Zurich", "Asia/Singapore"),
        (20, 80),
        (2000, 8000),
        (0.3, 0.6),
        (0.2, 0.5),
        is_queued=True,
    ),
    "support_bot": Kind(
        6,
        ("Asia/Manila", "Africa/Johannesburg", "America/Mexico_City"),
        (15, 90),
        (1200, 4000),
        (0.4, 0.7),
        (0.1, 0.25),
        is_queued=True,
    ),
    "nightly_batch": Kind(
        5,
        ("UTC",),
        (60, 300),
        (3000, 12000),
        (0.0, 0.3),
        (0.05, 0.2),
        is_queued=True,
    ),
    "steady_growth": Kind(
        6,
        ("Europe/Amsterdam", "America/New_York", "America/Sao_Paulo"),
        (16, 80),
        (600, 2500),
        (0.1, 0.3),
        (0.5, 1.2),
    ),
    "launch_team": Kind(
        4,
        ("America/Los_Angeles",),
        (12, 50),
        (800, 2500),
        (0.1, 0.3),
        (0.5, 1.0),
    ),
    "lunar_shop": Kind(
        4,
        ("Asia/Shanghai", "Asia/Singapore", "Asia/Ho_Chi_Minh"),
        (15, 70),
        (500, 1800),
        (0.1, 0.3),
        (0.6, 1.2),
    ),
    "ad_agency": Kind(3, ("America/New_York",), (10, 50), (1000, 3000), (0.0, 0.2), (0.8, 1.5)),
    "valentine_cards": Kind(
        3,
        ("Europe/Paris", "America/Chicago", "Asia/Kolkata"),
        (15, 90),
        (200, 600),
        (0.0, 0.1),
        (1.0, 2.0),
    ),
    "fiscal_close": Kind(
        4,
        ("America/Chicago", "Australia/Sydney"),
        (6, 30),
        (3000, 10000),
        (0.2, 0.5),
        (0.1, 0.25),
    ),
    "ramadan_companion": Kind(
        4,
        ("Asia/Jakarta", "Africa/Cairo", "Asia/Karachi"),
        (20, 100),
        (300, 900),
        (0.0, 0.2),
        (1.0, 1.6),
    ),
    "model_tryer": Kind(
        6,
        ("America/Los_Angeles", "Europe/London", "Asia/Kolkata"),
        (4, 20),
        (1500, 6000),
        (0.3, 0.6),
        (0.3, 0.8),
    ),
    "heating_helpline": Kind(
        4,
        ("Europe/London", "America/Chicago", "America/Toronto"),
        (16, 80),
        (700, 2000),
        (0.2, 0.4),
        (0.3, 0.6),
    ),
    "dormant_demo": Kind(
        4, ("Europe/Dublin", "America/New_York"), (3, 12), (800, 3000), (0.0, 0.2), (0.5, 1.0)
    ),
    "rotating_office": Kind(
        4,
        ("Europe/London", "Europe/Madrid"),
        (6, 30),
        (1000, 3500),
        (0.2, 0.5),
        (0.3, 0.7),
    ),
    "spare_key": Kind(4, ("UTC",), (0, 0), (0, 0), (0.0, 0.0), (0.0, 0.0)),
}

LAUNCH_DAYS = (DAYS - JUDGED_DAYS + 2, DAYS - JUDGED_DAYS + 8, 21, 31)  # Tuesdays and Thursdays
ROTATION_DAYS = (25, DAYS - JUDGED_DAYS + 4)


def key_id(provider: str, rng: random.Random) -> str:
    alphabet = string.ascii_letters + string.digits
    if provider == "openai":
        return "key_" + "".join(rng.choices(alphabet, k=16))
    return "apikey_01" + "".join(rng.choices(alphabet, k=22))


def _key(provider: str, archetype: str, index: int, rng: random.Random, **fixed: object) -> Key:
    kind = KINDS[archetype]
    values: dict[str, object] = {
        "key_id": key_id(provider, rng),
        "archetype": archetype,
        "zone": kind.zones[index % len(kind.zones)],
        "size": round(rng.uniform(*kind.size), 1),
        "prompt": rng.randint(*kind.prompt),
        "cached": round(rng.uniform(*kind.cached), 2),
        "ratio": round(rng.uniform(*kind.ratio), 2),
        "issued": 0,
        "retired": None,
        "trait": index,
        "is_queued": kind.is_queued,
    }
    return Key(**(values | fixed))  # type: ignore[arg-type]


def roster(provider: str, seed: int) -> tuple[Key, ...]:
    """The season's keys for one provider and seed, in a fixed order."""
    rng = random.Random(f"world13-roster-{provider}-{seed}")
    keys: list[Key] = []
    for archetype, kind in KINDS.items():
        if archetype == "rotating_office":
            continue
        for index in range(kind.count):
            fixed: dict[str, object] = {}
            if archetype == "launch_team":
                fixed["trait"] = LAUNCH_DAYS[index % len(LAUNCH_DAYS)]
            keys.append(_key(provider, archetype, index, rng, **fixed))
    for index, day in enumerate(ROTATION_DAYS):
        old = _key(provider, "rotating_office", index, rng, retired=day, trait=day)
        new = _key(provider, "rotating_office", index, rng, issued=day, trait=day)
        habit = {"zone": old.zone, "size": old.size, "prompt": old.prompt}
        keys += [old, Key(**(_fields(new) | habit))]  # type: ignore[arg-type]
    return tuple(keys)


def _fields(key: Key) -> dict[str, object]:
    return {name: getattr(key, name) for name in Key.__slots__}
