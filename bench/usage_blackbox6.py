"""Score the usage watch on world 6 as a black box, beside the mean/std baseline on the same pages.

Stage: benchmark (usage watch, issue #20). World 6's kit for `usage_blackbox_calendar`, which
holds the scoring by `usage_blackbox3`'s rules: a theft is caught when an alert on its key has
start <= onset + 6 h and end > onset; a clean key-day is a judged day of a key before its theft's
day, flagged when an alert on the key overlaps it; mean/std's k is the smallest that flags <= 1%
of clean key-days on a calibration seed (79). Each flagged clean key-day is put beside the owner's
events of that day (quarter close, an outage backlog, a match, a new key…).

    nice -n 15 .venv/bin/python -m bench.usage_blackbox6 --seeds 71 72 73 --misses
"""

from __future__ import annotations

from bench import usage_world6, usage_world6_base, usage_world6_thieves
from bench.usage_blackbox_calendar import WorldKit, main

KIT = WorldKit.of(
    "world 6",
    (usage_world6, usage_world6_base, usage_world6_thieves),
    seeds=(71, 72, 73),
    calibration_seed=79,
    events=usage_world6.day_events,
)

if __name__ == "__main__":
    main(KIT)
