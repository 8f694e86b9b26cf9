"""Score the usage watch on world 4 as a black box, by the rules of `usage_blackbox3.py`.

Stage: benchmark (usage watch). World 4's kit for `usage_blackbox_calendar`, which holds the
scoring: a theft is caught by an alert on its key with start <= onset + 6 h and end > onset; a
clean key-day (the last 14 of 42) is flagged when an alert covers any of its buckets; mean/std is
calibrated on a separate seed (91).

    nice -n 15 .venv/bin/python -m bench.usage_blackbox4 --seeds 51 52 53 --misses
"""

from __future__ import annotations

from collections.abc import Sequence

from bench.usage_blackbox_calendar import WorldKit, main
from bench.usage_world4 import build_world, is_clean_day, pages, write_world
from bench.usage_world4_base import DAYS, JUDGED_DAYS, PROVIDERS, START
from bench.usage_world4_thieves import KINDS, SIZES

KIT = WorldKit(
    name="world 4",
    build_world=build_world,
    is_clean_day=is_clean_day,
    pages=pages,
    write_world=write_world,
    days=DAYS,
    judged_days=JUDGED_DAYS,
    start=START,
    providers=tuple(PROVIDERS),
    kinds=tuple(KINDS),
    sizes=tuple(SIZES),
    seeds=(51, 52, 53),
    calibration_seed=91,
)


def run(argv: Sequence[str] | None = None) -> None:
    main(KIT, argv)


if __name__ == "__main__":
    run()
