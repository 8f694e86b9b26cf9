"""Who world 5's owners are: for each archetype, its zones, size, models, request shape and the
days of its events.

Stage: benchmark (usage watch, issue #20). Sizes are lognormal across keys (a few big keys,
many small ones), as spend is across an organisation's keys; event days fall in the judged
weeks so that the honest surprises are scored.
"""

from __future__ import annotations

import random

from bench.usage_world5_base import JUDGED
from bench.usage_world5_ledger import Shape
from bench.usage_world5_owners import ARCHETYPES, Owner


def make_owner(archetype: str, rng: random.Random) -> Owner:
    """An owner of `archetype` with its own zone, size and event days."""
    scale = rng.lognormvariate(0, 0.7)
    pick = rng.choice

    def judged() -> int:
        return rng.randint(JUDGED.start, JUDGED.stop - 2)

    match archetype:
        case "tax_filer":
            zone = pick(["America/New_York", "America/Chicago", "America/Los_Angeles"])
            return Owner(
                archetype,
                zone,
                90 * scale,
                (("main", 0.7), ("small", 0.3)),
                Shape(2_500, 600, 0.3),
                {"campaign": judged()},
                1.02,
            )
        case "ramadan_companion":
            zone = pick(["Asia/Jakarta", "Asia/Riyadh", "Africa/Cairo"])
            return Owner(
                archetype,
                zone,
                160 * scale,
                (("small", 0.8), ("main", 0.2)),
                Shape(1_200, 400, 0.2),
                {},
                1.005,
            )
        case "call_center":
            return Owner(
                archetype,
                "America/New_York",
                350 * scale,
                (("small", 0.9), ("main", 0.1)),
                Shape(900, 80, 0.5, 0.5),
                {"recall": judged()},
            )
        case "sports_desk":
            return Owner(
                archetype,
                pick(["America/New_York", "America/Chicago"]),
                50 * scale,
                (("main", 1.0),),
                Shape(3_000, 700, 0.2),
            )
        case "homework_tutor":
            zone = pick(["Europe/London", "Asia/Kolkata"])
            return Owner(
                archetype,
                zone,
                140 * scale,
                (("small", 0.6), ("main", 0.4)),
                Shape(1_500, 500, 0.25),
                {"exam": judged()} if rng.random() < 0.6 else {},
                1.003,
            )
        case "pr_reviewer":
            return Owner(
                archetype,
                "Europe/Berlin",
                3 * scale,
                (("main", 0.95), ("premium", 0.05)),
                Shape(18_000, 800, 0.1),
                {"refactor": judged()} if rng.random() < 0.5 else {},
            )
        case "incident_copilot":
            return Owner(
                archetype,
                pick(["America/Chicago", "Europe/Berlin"]),
                30 * scale,
                (("main", 1.0),),
                Shape(6_000, 700, 0.2),
            )
        case "localization":
            return Owner(
                archetype,
                "Europe/Paris",
                900 * scale,
                (("small", 1.0),),
                Shape(3_000, 3_000, 0.0, 0.5),
                {"major": _release_day(rng)},
            )
        case "npc_dialogue":
            zone = pick(["America/Sao_Paulo", "Europe/Warsaw", "Asia/Taipei"])
            return Owner(
                archetype,
                zone,
                250 * scale,
                (("small", 1.0),),
                Shape(1_800, 150, 0.6),
                {"patch": judged()} if rng.random() < 0.5 else {},
            )
        case "hobbyist":
            zone = pick(["America/Denver", "Australia/Melbourne", "Europe/Lisbon"])
            return Owner(
                archetype,
                zone,
                25 * scale,
                (("main", 0.85), ("premium", 0.15)),
                Shape(3_500, 900, 0.4),
                {"travel": judged() - 3} if rng.random() < 0.5 else {},
            )
        case "devrel_demos":
            return Owner(
                archetype,
                "America/Los_Angeles",
                8 * scale,
                (("main", 0.8), ("small", 0.2)),
                Shape(2_000, 500, 0.1),
                {"hackathon": rng.choice([33, 40])} if rng.random() < 0.6 else {},
            )
        case "agent_saas":
            return Owner(
                archetype,
                "America/New_York",
                2.5 * scale,
                (("main", 1.0),),
                Shape(30_000, 400, 0.85, 0.6),
                {"migration": judged()} if rng.random() < 0.5 else {},
                1.004,
            )
    raise ValueError(f"no owner archetype {archetype!r}; known: {', '.join(ARCHETYPES)}")


def _release_day(rng: random.Random) -> int:
    """A Tuesday or Thursday of the judged weeks (day 0 is a Monday)."""
    return rng.choice([d for d in JUDGED if d % 7 in (1, 3)][:-1])
