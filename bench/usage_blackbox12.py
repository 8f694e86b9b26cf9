"""Score the usage watch on world 12, the twelfth blind world of issue #20.

Stage: benchmark (usage watch). The world is `usage_world12` (14 April - 8 June 2025: Easter,
Golden Week, the May holidays, the exam season and the spring model launches in the history;
the UK's half-term, Memorial Day, the IPL's playoffs, Korea's and Poland's votes, the NIH
deadline, Hajj and Eid al-Adha and the gaokao in the judged weeks; twenty owner kinds, ten thief
kinds at three sizes). The scoring is `usage_blackbox_calendar`'s, by import: a theft is caught
by an alert on its key starting at most 6 h after its first request, a clean key-day is flagged
by any alert covering it, and mean/std's k is the smallest flagging at most 1% of the clean
key-days of seed 149.

    nice -n 15 .venv/bin/python -m bench.usage_blackbox12 [--seeds 141 142 143] \\
        [--providers openai anthropic] [--misses] [--alerts DIR]
"""

from __future__ import annotations

from collections.abc import Sequence

from bench import usage_world12, usage_world12_base, usage_world12_thieves
from bench.usage_blackbox_calendar import WorldKit, main

KIT = WorldKit.of(
    "world 12",
    (usage_world12, usage_world12_base, usage_world12_thieves),
    seeds=usage_world12.SEEDS,
    calibration_seed=usage_world12.CALIBRATION_SEED,
    events=usage_world12.events,
)


def run(argv: Sequence[str] | None = None) -> None:
    main(KIT, argv)


if __name__ == "__main__":
    run()
