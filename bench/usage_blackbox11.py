"""Score the usage watch on world 11, the eleventh blind world of issue #20.

Stage: benchmark (usage watch). The world is `usage_world11` (21 July - 14 September 2025: the
northern summer, Europe's August shutdowns, the southern winter, GPT-5 and Opus 4.1 released
mid-season, then Labor Day, back to school and office, the transfer window's deadline day and
the 15 September tax deadlines in the judged weeks; twenty owner kinds, ten thief kinds at
three sizes). The scoring is `usage_blackbox_calendar`'s, by import: a theft is caught by an
alert on its key starting at most 6 h after its first request, a clean key-day is flagged by
any alert covering it, and mean/std's k is the smallest flagging at most 1% of the clean
key-days of seed 139.

    nice -n 15 .venv/bin/python -m bench.usage_blackbox11 [--seeds 131 132 133] \\
        [--providers openai anthropic] [--misses] [--alerts DIR]
"""

from __future__ import annotations

from collections.abc import Sequence

from bench import usage_world11, usage_world11_base, usage_world11_thieves
from bench.usage_blackbox_calendar import WorldKit, main


def issued(world: usage_world11_base.World) -> dict[str, int]:
    """When each key was issued, as the registry knows it: its roster's first hour (`born`)."""
    base = usage_world11_base
    return {key.key_id: base.START + key.born * base.HOUR for key in world.keys}


KIT = WorldKit.of(
    "world 11",
    (usage_world11, usage_world11_base, usage_world11_thieves),
    seeds=usage_world11.SEEDS,
    calibration_seed=usage_world11.CALIBRATION_SEED,
    events=usage_world11.events,
    issued=issued,
)


def run(argv: Sequence[str] | None = None) -> None:
    main(KIT, argv)


if __name__ == "__main__":
    run()
