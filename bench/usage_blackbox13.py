"""Score the usage watch on world 13, the thirteenth blind world of issue #20.

Stage: benchmark (usage watch). The world is `usage_world13` (6 January - 2 March 2025: the IRS's
filing season, Lunar New Year, the DeepSeek-R1 week, o3-mini, the Super Bowl and Valentine's Day
in the history; England's half-term, Presidents' Day, Germany's vote, Australian semester 1,
Claude 3.7 Sonnet, GPT-4.5 and the first days of Ramadan in the judged weeks; nineteen owner
kinds, ten thief kinds at three sizes). The scoring is `usage_blackbox_calendar`'s, by import: a
theft is caught by an alert on its key starting at most 6 h after its first request, a clean
key-day is flagged by any alert covering it, and mean/std's k is the smallest flagging at most 1%
of the clean key-days of seed 159.

    nice -n 10 .venv/bin/python -m bench.usage_blackbox13 [--seeds 151 152 153] \\
        [--providers openai anthropic] [--misses] [--alerts DIR] [--no-issued]
"""

from __future__ import annotations

from collections.abc import Sequence

from bench import usage_world13, usage_world13_base, usage_world13_thieves
from bench.usage_blackbox_calendar import WorldKit, main

KIT = WorldKit.of(
    "world 13",
    (usage_world13, usage_world13_base, usage_world13_thieves),
    seeds=usage_world13.SEEDS,
    calibration_seed=usage_world13.CALIBRATION_SEED,
    events=usage_world13.events,
    issued=usage_world13.issued,
)


def run(argv: Sequence[str] | None = None) -> None:
    main(KIT, argv)


if __name__ == "__main__":
    run()
