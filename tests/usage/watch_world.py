"""Usage to plant in the fake usage APIs for the watch's tests: weeks of a key's habits, a theft.

Stage: tests (usage watch). The habit is a working day of `WORK_HOURS` hours every day, at hours
placed relative to `now`, so that the theft (the last `THEFT_HOURS` whole hours before `now`, on
a more expensive model at many times the volume) always falls at hours the key never worked,
whatever the time the suite runs at.
"""

from __future__ import annotations

import random

from leakward.usage.records import UsageRecord

HOUR = 3600
DAY = 24 * HOUR
WORK_HOURS = 8
THEFT_HOURS = 3


def hour_of(now: int) -> int:
    """The start of the hour `now` falls in."""
    return now - now % HOUR


def theft_start(now: int) -> int:
    return hour_of(now) - THEFT_HOURS * HOUR


def habit(
    key_id: str,
    now: int,
    *,
    days: int = 28,
    provider: str = "openai",
    model: str = "gpt-4o-mini",
    seed: int = 7,
) -> list[UsageRecord]:
    """`days` days of steady use ending before the theft: hours `now`+6 … `now`+13 (UTC clock
    positions), about 40 requests an hour of ~800 prompt and ~200 output tokens each."""
    rng = random.Random(seed)
    today = hour_of(now) - (hour_of(now) % DAY)
    first_hour = (hour_of(now) // HOUR + 6) % 24
    records = []
    for day in range(days, 0, -1):
        for offset in range(WORK_HOURS):
            start = today - day * DAY + ((first_hour + offset) % 24) * HOUR
            if start >= theft_start(now):
                continue
            requests = rng.randint(32, 48)
            records.append(
                UsageRecord(
                    provider=provider,
                    key_id=key_id,
                    start=start,
                    end=start + HOUR,
                    model=model,
                    requests=requests if provider == "openai" else None,
                    input_tokens=requests * rng.randint(700, 900),
                    output_tokens=requests * rng.randint(150, 250),
                )
            )
    return records


def theft(
    key_id: str, now: int, *, provider: str = "openai", model: str = "gpt-4o"
) -> list[UsageRecord]:
    """The last `THEFT_HOURS` whole hours before `now`: an expensive model, a flood of long
    prompts, at hours the key never worked."""
    start = theft_start(now)
    return [
        UsageRecord(
            provider=provider,
            key_id=key_id,
            start=start + hour * HOUR,
            end=start + (hour + 1) * HOUR,
            model=model,
            requests=600 if provider == "openai" else None,
            input_tokens=600 * 4000,
            output_tokens=600 * 1500,
        )
        for hour in range(THEFT_HOURS)
    ]
