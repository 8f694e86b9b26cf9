"""Score the usage watch on world 7, the seventh blind world of issue #20.

Stage: benchmark (usage watch). The world is `usage_world7` (spring 2026: Golden Week, Poland's
tax deadline, May Day, New Zealand's school holidays; twelve kinds of owner, eight kinds of thief
at three sizes); the scoring is `usage_blackbox_calendar`'s (a theft caught by an alert starting
within 6 h of its onset; clean key-days flagged; mean/std with k calibrated on seed 89), with
each flagged clean key-day put beside the owner's legitimate events of that day.

    nice -n 15 .venv/bin/python -m bench.usage_blackbox7 --seeds 81 82 83 [--misses]
"""

from __future__ import annotations

from bench import usage_world7, usage_world7_base, usage_world7_thieves
from bench.usage_blackbox_calendar import WorldKit, main

KIT = WorldKit.of(
    "world 7",
    (usage_world7, usage_world7_base, usage_world7_thieves),
    seeds=(81, 82, 83),
    calibration_seed=89,
    events=usage_world7.events,
)

if __name__ == "__main__":
    main(KIT)
