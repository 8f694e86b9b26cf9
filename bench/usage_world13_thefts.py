"""World 13's thefts placed: which key each of the thirty robs, when, and what it bills.

Stage: benchmarks only (issue #20). A world holds each kind at each size once, one a key. A
thief is sized and aimed from the key's history only (the owner's ordinary day, main model and
never-worked hours), never from the judged weeks, and its usage is added to the owner's in the
same key-model-hour cells, as the provider would bill them.
"""

from __future__ import annotations

import random
import statistics
from collections import defaultdict

from bench.usage_world13_base import DAYS, HOUR, JUDGED_DAYS, START, local
from bench.usage_world13_roster import Key
from bench.usage_world13_thieves import (
    FLOOR,
    KINDS,
    SCALE,
    SIZES,
    SPARE_DAY,
    STYLES,
    Theft,
    first_hour,
    growth,
    onset_day,
    role_model,
    weight,
)
from bench.usage_world13_usage import Totals, add

HISTORY_HOURS = (DAYS - JUDGED_DAYS) * 24


class Profile:
    """What a thief can learn of a key from its history: its ordinary day, main model and
    the hours of the day (owner time) it never worked."""

    def __init__(self, key: Key, totals: Totals) -> None:
        days: dict[int, int] = defaultdict(int)
        models: dict[str, int] = defaultdict(int)
        busy: set[int] = set()
        for (key_id, model, hour), cell in totals.items():
            if key_id != key.key_id or hour >= HISTORY_HOURS:
                continue
            tokens = cell[1] + cell[2] + cell[3]
            days[hour // 24] += tokens
            models[model] += tokens
            busy.add(local(hour, key.zone).hour)
        self.used_days = len(days)
        self.ordinary = int(statistics.median(days.values())) if days else SPARE_DAY
        self.model = max(models, key=lambda m: models[m]) if models else ""
        self.dead = frozenset(range(24)) - busy


def is_fit(kind: str, key: Key, profile: Profile) -> bool:
    if kind == "virgin_raid":
        return key.archetype == "spare_key"
    if key.archetype == "spare_key" or key.retired is not None or key.issued > 0:
        return False
    if profile.used_days < 10:
        return False
    return len(profile.dead) >= 3 if kind == "dead_hours_trickle" else True


def place(
    provider: str, seed: int, keys: tuple[Key, ...], totals: Totals
) -> tuple[tuple[Theft, ...], dict[str, Profile]]:
    """Thirty thefts, one a key; the fussiest kinds pick their keys first."""
    rng = random.Random(f"world13-thefts-{provider}-{seed}")
    profiles = {key.key_id: Profile(key, totals) for key in keys}
    pairs = [(kind, size) for kind in KINDS for size in SIZES]
    fussy = ("virgin_raid", "dead_hours_trickle")
    pairs.sort(key=lambda pair: pair[0] not in fussy)
    taken: set[str] = set()
    thefts = []
    for kind, size in pairs:
        fits = [k for k in keys if k.key_id not in taken and is_fit(kind, k, profiles[k.key_id])]
        key = rng.choice(fits)
        taken.add(key.key_id)
        profile = profiles[key.key_id]
        day = onset_day(kind, provider, rng)
        start = first_hour(kind, rng, profile.dead)
        hour = day * 24 + (rng.randrange(24) if start is None else 0)
        if start is not None:  # the first hour on that day at the owner's clock's `start`
            hour = next(
                h for h in range(day * 24, day * 24 + 24) if local(h, key.zone).hour == start
            )
        onset = START + hour * HOUR + rng.randrange(60) * 60
        daily = max(int(SCALE[size] * profile.ordinary), FLOOR)
        thefts.append(Theft(key.key_id, kind, size, onset, daily))
    return tuple(sorted(thefts, key=lambda t: t.onset)), profiles


def bill(
    provider: str, seed: int, theft: Theft, key: Key, profile: Profile, totals: Totals
) -> None:
    """Add a theft's usage, hour by hour from its onset to the season's end."""
    rng = random.Random(f"world13-bill-{provider}-{seed}-{theft.key_id}")
    style = STYLES[theft.kind]
    prompt = style.prompt or key.prompt or 1_500
    ratio = style.ratio or key.ratio or 0.8
    first = (theft.onset - START) // HOUR
    minute_share = 1 - ((theft.onset - START) % HOUR) / HOUR
    for hour in range(first, DAYS * 24):
        clock = local(hour, style.zone or key.zone).hour
        share = weight(theft.kind, clock, hour - first, profile.dead)
        share *= growth(theft.kind, (hour - first) / 24)
        if hour == first:
            share *= minute_share
        if share <= 0:
            continue
        tokens = theft.daily * share * rng.gammavariate(10, 0.1)
        tokens_in = tokens / (1 + ratio)
        requests = max(1, round(tokens_in / prompt))
        model = role_model(provider, style.role, profile.model, hour // 24)
        add(totals, (key.key_id, model, hour), requests, tokens_in, ratio, style.cached)
