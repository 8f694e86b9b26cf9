"""World 8's roster: every key with its owner's draws and its legitimate surprises.

Stage: benchmark (usage watch, issue #20). A `Plan` is one key's habits made concrete: its
place, its peak, its model shares from which day (a migration moves them in stages) and its
`Surge`s (`usage_world8_surprises`). Retired keys stop early; rotated keys come in pairs, the
old one used until the change and the new one from it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bench.usage_world8_base import DAYS, Key, key_id, rng
from bench.usage_world8_owners import ARCHETYPES, Archetype
from bench.usage_world8_surprises import JUDGED, SURPRISES, Surge, storm

# (from day, model role -> share of requests), in day order: a migration moves in stages.
Mix = tuple[tuple[int, tuple[tuple[str, float], ...]], ...]


@dataclass(frozen=True, slots=True)
class Plan:
    key: Key
    kind: Archetype
    peak: float
    mix: Mix
    surges: tuple[Surge, ...]


def _mix(kind: Archetype, r: random.Random) -> Mix:
    if kind.name != "model_adopter":
        return ((0, kind.roles),)
    first, second, third = (
        r.randrange(3, 12),
        r.randrange(14, JUDGED),
        r.randrange(JUDGED, DAYS - 2),
    )
    return (
        (0, (("old", 1.0),)),
        (first, (("old", 0.9), ("new", 0.1))),
        (second, (("old", 0.5), ("new", 0.5))),
        (third, (("new", 1.0),)),
    )


def roster(seed: int, provider: str) -> list[Plan]:
    """The organisation's keys on `provider`, each with its plan, in a stable order."""
    plans: list[Plan] = []
    ids = rng(seed, provider, "ids")
    for kind in ARCHETYPES:
        for index in range(kind.count):
            r = rng(seed, provider, kind.name, index)
            # A rotated pair is one service: the old key and its successor share place and load.
            service = index // 2 if kind.name == "rotated" else index
            tz, country = kind.places[service % len(kind.places)]
            peak = rng(seed, provider, kind.name, "load", service).uniform(*kind.peak)
            first, last, robbable, archetype = 0, DAYS, True, kind.name
            if kind.name == "retired":
                last, robbable = r.randrange(8, 24), False
            elif kind.name == "rotated":  # the old key is used until the change, the new from it
                change = rng(seed, provider, kind.name, service).randrange(9, DAYS - 8)
                is_old = index % 2 == 0
                first, last = (0, change) if is_old else (change, DAYS)
                robbable = not is_old and change < JUDGED - 7
                archetype = "rotated_out" if is_old else "rotated_in"
            key = Key(
                key_id(ids, provider),
                archetype,
                f"{kind.team}-{index + 1}",
                tz,
                country,
                first,
                last,
                robbable,
            )
            surprise = SURPRISES.get(kind.name)
            surges = surprise(tz, r, peak) if surprise else []
            surges += storm(r, first, last) if peak else []
            plans.append(Plan(key, kind, peak, _mix(kind, r), tuple(surges)))
    return plans
