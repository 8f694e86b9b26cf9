"""Score the usage watch on world 9, the ninth blind world of issue #20.

Stage: benchmark (usage watch). The world is `usage_world9` (26 October - 6 December 2026:
US clocks going back, the midterms, 11.11, Thanksgiving, Black Friday and Cyber Monday, Advent
of Code, the first nights of Hanukkah, the last Formula 1 rounds, Medicare's last enrolment
week, storms, tides and new moons; twenty owner kinds, ten thief kinds at three sizes). The
scoring is `usage_blackbox_calendar`'s, by import: a theft is caught by an alert on its key
starting at most 6 h after its first request, a clean key-day is flagged by any alert covering
it, and mean/std's k is the smallest flagging at most 1% of the clean key-days of seed 119.

    nice -n 15 .venv/bin/python -m bench.usage_blackbox9 [--seeds 111 112 113] \\
        [--providers openai anthropic] [--misses] [--alerts DIR]
"""

from __future__ import annotations

from collections.abc import Sequence

from bench import usage_world9, usage_world9_base, usage_world9_thieves
from bench.usage_blackbox_calendar import WorldKit, main

KIT = WorldKit.of(
    "world 9",
    (usage_world9, usage_world9_base, usage_world9_thieves),
    seeds=usage_world9.SEEDS,
    calibration_seed=usage_world9.CALIBRATION_SEED,
    events=usage_world9.events,
)


def run(argv: Sequence[str] | None = None) -> None:
    main(KIT, argv)


if __name__ == "__main__":
    run()
