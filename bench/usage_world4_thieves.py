"""World 4's thieves, drawn from published LLMjacking reports, each at three sizes.

Stage: benchmark (usage watch, issue #20). Written blind to the model. What the reports describe:
Sysdig's LLMjacking write-ups (2024) saw stolen keys checked against many models with near-empty
requests, then resold through reverse proxies, with victims' bills at tens of thousands of dollars
a day at full quota; Permiso (Oct 2024) logged a stolen key powering a role-play chat site: long
character prompts, steady conversation turns, the site's own users' evening hours; other reports
(Wiz, Entro, public post-mortems of keys leaked on GitHub) tell of keys burnt within hours, of
slow use that hides under a busy key's volume, and of teams elsewhere in the world using a key
through their own working day. Each kind below is one of those, with sizes from a trickle to a
flood; onsets fall in the judged last two weeks.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from bench.usage_world4_base import (
    HOURS,
    JUDGED_FROM,
    TIERS,
    Load,
    Shape,
    add,
    bursty,
    clock,
    new_load,
    pick,
    poisson,
)
from bench.usage_world4_services import CONSUMER

KINDS = (
    "resale_proxy",
    "roleplay_farm",
    "model_probe",
    "slow_drip",
    "peak_cover",
    "dormant_wake",
    "burst_drain",
    "foreign_office",
)
SIZES = ("small", "medium", "large")
THIEF_ZONES = ("Asia/Shanghai", "Europe/Moscow", "Asia/Ho_Chi_Minh", "America/Sao_Paulo")
LAST_ONSET = HOURS - 12  # leave every theft half a day to be seen


@dataclass(frozen=True, slots=True)
class Owner:
    """What a thief can see of (or happens to share with) the owner's usage."""

    provider: str
    load: Load


def main_model(owner: Owner) -> tuple[str, Shape]:
    """The owner's busiest model and its mean request, which mimicking thieves copy."""
    totals: dict[str, list[int]] = {}
    for (_, model), cell in owner.load.items():
        row = totals.setdefault(model, [0, 0, 0, 0])
        for i in range(4):
            row[i] += cell[i]
    if not totals:
        return pick(random.Random(0), owner.provider, "mid"), Shape(1_500, 0, 400)
    model, (n, fresh, cached, out) = max(totals.items(), key=lambda kv: kv[1][0])
    return model, Shape(fresh / n, cached / n, out / n)


def history_rate(owner: Owner, is_active_only: bool) -> float:
    """Mean requests an hour over the unjudged span (or over the hours the key was used)."""
    per_hour = [0] * JUDGED_FROM
    for (hour, _), cell in owner.load.items():
        if hour < JUDGED_FROM:
            per_hour[hour] += cell[0]
    used = [r for r in per_hour if r] if is_active_only else per_hour
    return sum(used) / max(1, len(used))


def random_onset(rng: random.Random) -> int:
    return rng.randrange(JUDGED_FROM, LAST_ONSET)


def resale_proxy(rng: random.Random, owner: Owner, size: str) -> Load:
    """Checked on a few models, then added to a proxy's pool: ramps up over hours, day and night,
    mostly on the dearest models, long chats; the provider may ban the key after some days."""
    onset, load = random_onset(rng), new_load()
    for model in rng.sample([m for t in TIERS[owner.provider].values() for m in t], 4):
        add(load, rng, onset, model, rng.randint(1, 3), Shape(15, 0, 3, 0.3))
    plateau = {"small": 12, "medium": 60, "large": 300}[size]
    ramp, stop = rng.randint(4, 16), min(HOURS, onset + rng.randint(48, 150))
    dear, mid = pick(rng, owner.provider, "dear"), pick(rng, owner.provider, "mid")
    for h in range(onset + 1, stop):
        rate = plateau * min(1.0, (h - onset) / ramp) * (0.6 + 0.4 * CONSUMER[(h - 5) % 24])
        n = bursty(rng, rate, 6)
        add(load, rng, h, dear, round(n * 0.7), Shape(5_000, 0, 450, 1.0))
        add(load, rng, h, mid, n - round(n * 0.7), Shape(5_000, 0, 450, 1.0))
    return load


def roleplay_farm(rng: random.Random, owner: Owner, size: str) -> Load:
    """A character-chat site on one mid-priced model: long character cards, steady turns, busiest
    in its own users' evenings and weekends."""
    onset, load = random_onset(rng), new_load()
    model, zone = (
        pick(rng, owner.provider, "mid"),
        rng.choice(("America/New_York", "Europe/Berlin")),
    )
    peak, hours = {"small": 8, "medium": 40, "large": 200}[size], clock(zone)
    for h in range(onset, HOURS):
        local = hours[h]
        evening = 1.5 if local.hour >= 19 or local.hour < 2 else 1.0
        weekend = 1.3 if local.weekday >= 5 else 1.0
        n = bursty(rng, peak * CONSUMER[local.hour] * evening * weekend, 5)
        add(load, rng, h, model, max(n, 1 if h == onset else 0), Shape(7_000, 1_500, 380, 0.7))
    return load


def model_probe(rng: random.Random, owner: Owner, size: str) -> Load:
    """A key checker asks every model for a token or two; small stops there, medium comes back
    for light use on a dear model hours later, large starts burning at once."""
    onset, load = random_onset(rng), new_load()
    every = [m for t in TIERS[owner.provider].values() for m in t]
    for model in rng.sample(every, rng.randint(8, len(every))):
        add(load, rng, onset, model, rng.randint(1, 3), Shape(12, 0, 3, 0.3))
    dear = pick(rng, owner.provider, "dear")
    if size == "medium":
        back = onset + rng.randint(2, 5)
        for h in range(back, HOURS):
            if (h - back) % 24 < 6:
                add(load, rng, h, dear, poisson(rng, 20), Shape(3_000, 0, 600))
    elif size == "large":
        for h in range(onset + 1, HOURS):
            add(load, rng, h, dear, bursty(rng, 150, 6), Shape(3_000, 0, 600))
    return load


def slow_drip(rng: random.Random, owner: Owner, size: str) -> Load:
    """A script spending a fraction of the owner's own volume, on the owner's model and request
    size, evenly day and night: nothing new but the volume, and a floor at the owner's quiet
    hours."""
    onset, load = random_onset(rng), new_load()
    model, shape = main_model(owner)
    rate = max(
        1.0, {"small": 0.04, "medium": 0.1, "large": 0.25}[size] * history_rate(owner, False)
    )
    for h in range(onset, HOURS):
        add(load, rng, h, model, max(poisson(rng, rate), 1 if h == onset else 0), shape)
    return load


def peak_cover(rng: random.Random, owner: Owner, size: str) -> Load:
    """Starts at the owner's busiest judged hour, a share of that hour's requests on the owner's
    model with longer answers, then works the same eight UTC hours each day."""
    per_hour = [0] * HOURS
    for (hour, _), cell in owner.load.items():
        per_hour[hour] += cell[0]
    onset = max(range(JUDGED_FROM, LAST_ONSET), key=lambda h: per_hour[h])
    model, shape = main_model(owner)
    rate = max(5.0, {"small": 0.25, "medium": 0.8, "large": 2.5}[size] * per_hour[onset])
    theirs = Shape(shape.fresh, shape.cached, shape.output * 2 + 200)
    load = new_load()
    for h in range(onset, HOURS):
        if (h - onset) % 24 < 8:
            add(load, rng, h, model, max(bursty(rng, rate, 6), 1), theirs)
    return load


def dormant_wake(rng: random.Random, owner: Owner, size: str) -> Load:
    """A key that hardly works, found and used: a few hours a day, or all day, on a dear model."""
    onset, load = random_onset(rng), new_load()
    rate, span = {"small": (15, 3), "medium": (60, 10), "large": (300, 24)}[size]
    model = pick(rng, owner.provider, "dear")
    for h in range(onset, HOURS):
        if (h - onset) % 24 < span:
            add(load, rng, h, model, max(bursty(rng, rate, 5), 1), Shape(4_000, 0, 600))
    return load


def burst_drain(rng: random.Random, owner: Owner, size: str) -> Load:
    """As fast as the rate limit allows, on the dearest model, for a few hours, then gone (the
    key was cut off or the thief moved on)."""
    onset, load = random_onset(rng), new_load()
    rate = {"small": 150, "medium": 1_200, "large": 6_000}[size]
    model = pick(rng, owner.provider, "dear")
    for h in range(onset, min(HOURS, onset + rng.randint(2, 8))):
        add(load, rng, h, model, bursty(rng, rate, 20), Shape(3_000, 0, 900))
    return load


def foreign_office(rng: random.Random, owner: Owner, size: str) -> Load:
    """A team elsewhere using the key through its own working week, the owner's model and
    request size: the zone whose office hours the owner uses least."""
    by_utc_hour = [0] * 24
    for (hour, _), cell in owner.load.items():
        by_utc_hour[hour % 24] += cell[0]

    def overlap(zone: str) -> int:
        hours = clock(zone)
        return sum(by_utc_hour[h] for h in range(24) if 9 <= hours[h].hour < 18)

    hours = clock(min(THIEF_ZONES, key=overlap))
    start = random_onset(rng)
    onset = next(
        (h for h in range(start, LAST_ONSET) if hours[h].is_workday and hours[h].hour == 9),
        start,
    )
    model, shape = main_model(owner)
    factor = {"small": 0.1, "medium": 0.4, "large": 1.2}[size]
    rate, load = max(3.0, factor * history_rate(owner, True)), new_load()
    for h in range(onset, HOURS):
        if (hours[h].is_workday and 9 <= hours[h].hour < 18) or h == onset:
            add(load, rng, h, model, max(bursty(rng, rate, 6), 1), shape)
    return load


THIEVES: dict[str, Callable[[random.Random, Owner, str], Load]] = {
    "resale_proxy": resale_proxy,
    "roleplay_farm": roleplay_farm,
    "model_probe": model_probe,
    "slow_drip": slow_drip,
    "peak_cover": peak_cover,
    "dormant_wake": dormant_wake,
    "burst_drain": burst_drain,
    "foreign_office": foreign_office,
}
