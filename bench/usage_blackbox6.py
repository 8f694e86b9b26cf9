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

from collections.abc import Sequence

from bench.usage_blackbox_calendar import WorldKit, main
from bench.usage_world6 import build_world, day_events, is_clean_day, pages, write_world
from bench.usage_world6_base import DAYS, JUDGED_DAYS, PROVIDERS, START
from bench.usage_world6_thieves import KINDS, SIZES

KIT = WorldKit(
    name="world 6",
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
    seeds=(71, 72, 73),
    calibration_seed=79,
    events=day_events,
)


def run(argv: Sequence[str] | None = None) -> None:
    main(KIT, argv)


if __name__ == "__main__":
    run()
