"""Score the usage watch on world 4 as a black box, by the rules of `usage_blackbox3.py`.

Stage: benchmark (usage watch). World 4's kit for `usage_blackbox_calendar`, which holds the
scoring: a theft is caught by an alert on its key with start <= onset + 6 h and end > onset; a
clean key-day (the last 14 of 42) is flagged when an alert covers any of its buckets; mean/std is
calibrated on a separate seed (91).

    nice -n 15 .venv/bin/python -m bench.usage_blackbox4 --seeds 51 52 53 --misses
"""

from __future__ import annotations

from bench import usage_world4, usage_world4_base, usage_world4_thieves
from bench.usage_blackbox_calendar import WorldKit, main

KIT = WorldKit.of(
    "world 4",
    (usage_world4, usage_world4_base, usage_world4_thieves),
    seeds=(51, 52, 53),
    calibration_seed=91,
)

if __name__ == "__main__":
    main(KIT)
