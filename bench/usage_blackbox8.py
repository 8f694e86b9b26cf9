"""Score the usage watch on world 8, the eighth blind world of issue #20.

Stage: benchmark (usage watch). The world is `usage_world8` (autumn 2026: the northern term,
Chuseok, Golden Week, Silver Week, Yom Kippur and Sukkot, the quarter's close, 12 October across
the Americas and Japan, clocks moving in New Zealand, Australia and Europe; sixteen kinds of owner,
ten kinds of thief at three sizes); the scoring is `usage_blackbox_calendar`'s (a theft caught by
an alert starting within 6 h of its onset; clean key-days flagged; mean/std with k calibrated on
seed 109), with each flagged clean key-day put beside the owner's legitimate events of that day.

    nice -n 15 .venv/bin/python -m bench.usage_blackbox8 --seeds 101 102 103 [--misses]
"""

from __future__ import annotations

from bench import usage_world8, usage_world8_base, usage_world8_thieves
from bench.usage_blackbox_calendar import WorldKit, main

KIT = WorldKit.of(
    "world 8",
    (usage_world8, usage_world8_base, usage_world8_thieves),
    seeds=(101, 102, 103),
    calibration_seed=109,
    events=usage_world8.events,
)

if __name__ == "__main__":
    main(KIT)
