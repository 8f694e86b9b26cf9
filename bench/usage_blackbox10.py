"""Score the usage watch on world 10, the tenth blind world of issue #20.

Stage: benchmark (usage watch). The world is `usage_world10` (17 November 2025 - 4 January 2026:
Black Friday to the returns, code freezes and shutdowns, holiday rotas, leave, southern summer
shutdowns, New Year's Eve at each zone's midnight, Orthodox Christmas approaching; twenty owner
kinds, ten thief kinds at three sizes). The scoring is `usage_blackbox_calendar`'s, by import: a
theft is caught by an alert on its key starting at most 6 h after its first request, a clean
key-day is flagged by any alert covering it, and mean/std's k is the smallest flagging at most 1%
of the clean key-days of seed 129.

    nice -n 15 .venv/bin/python -m bench.usage_blackbox10 [--seeds 121 122 123] \\
        [--providers openai anthropic] [--misses] [--alerts DIR]
"""

from __future__ import annotations

from collections.abc import Sequence

from bench import usage_world10, usage_world10_base, usage_world10_thieves
from bench.usage_blackbox_calendar import WorldKit, main


def issued(world: usage_world10_base.World) -> dict[str, int]:
    """When each key was issued, as the registry knows it: its roster's first hour (`born`)."""
    base = usage_world10_base
    return {key.key_id: base.START + key.born * base.HOUR for key in world.keys}


KIT = WorldKit.of(
    "world 10",
    (usage_world10, usage_world10_base, usage_world10_thieves),
    seeds=usage_world10.SEEDS,
    calibration_seed=usage_world10.CALIBRATION_SEED,
    events=usage_world10.events,
    issued=issued,
)


def run(argv: Sequence[str] | None = None) -> None:
    main(KIT, argv)


if __name__ == "__main__":
    run()
