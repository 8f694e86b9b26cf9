"""Score the usage watch on world 5 as a black box, by the rules of `usage_blackbox3.py`.

Stage: benchmark (usage watch). World 5's kit for `usage_blackbox_calendar`, which holds the
scoring: a theft is caught by an alert on its key with start <= onset + 6 h and end > onset; a
clean key-day (the last 14 of 42) is flagged when an alert covers any of its buckets; mean/std is
calibrated on a separate seed (69). Each flagged clean key-day is put beside the owner's
legitimate events of that day (Eid, March Madness, a hackathon, an incident, an outage…), so a
false alarm says which honest habit it took for theft.

    nice -n 15 .venv/bin/python -m bench.usage_blackbox5 --seeds 61 62 63 --misses
"""

from __future__ import annotations

from typing import Any

from bench import usage_world5, usage_world5_base, usage_world5_thieves
from bench.usage_blackbox_calendar import WorldKit, main


def _events(world: Any, key: Any, day: int) -> tuple[str, ...]:
    return tuple(sorted(e for d, e in key.events if d == day))


KIT = WorldKit.of(
    "world 5",
    (usage_world5, usage_world5_base, usage_world5_thieves),
    seeds=(61, 62, 63),
    calibration_seed=69,
    events=_events,
)

if __name__ == "__main__":
    main(KIT)
