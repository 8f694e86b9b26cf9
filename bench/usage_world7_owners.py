"""World 7's owners: 80 keys a provider of twelve kinds, and what happens to all of them.

Stage: benchmark (usage watch, issue #20). The kinds are drawn in `usage_world7_people`
(`hr_tokyo`, `tax_warsaw`, `code_berlin`, `tutor_auckland`, `dormant`) and
`usage_world7_services` (`kyc_bengaluru`, `live_seoul`, `support_lagos`, `farm_nairobi`,
`eval_nightly`, `gateway_shared`, `app_jakarta`). Here: key ids shaped like each provider's, two
shared keys rotated in the judged weeks (the old one stops, a new one first seen then carries on),
each region's public holidays marked on its keys' days, and the provider's outage.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import replace

from bench.usage_world7_base import DAYS, HOUR, REGIONS, at, day_of
from bench.usage_world7_habits import JUDGED, Owner
from bench.usage_world7_people import code_berlin, dormant, hr_tokyo, tax_warsaw, tutor_auckland
from bench.usage_world7_services import (
    app_jakarta,
    eval_nightly,
    farm_nairobi,
    gateway_shared,
    kyc_bengaluru,
    live_seoul,
    support_lagos,
)

Builder = Callable[[Owner, str, random.Random, int], None]


def key_id(provider: str, rng: random.Random) -> str:
    """Ids shaped like each usage report's: OpenAI `key_…`, Anthropic `apikey_01…`."""
    alphabet = string.ascii_letters + string.digits
    if provider == "openai":
        return "key_" + "".join(rng.choice(alphabet) for _ in range(16))
    return "apikey_01" + "".join(rng.choice(alphabet) for _ in range(22))


# archetype -> (builder, keys a provider, home regions)
ARCHETYPES: dict[str, tuple[Builder, int, tuple[str, ...]]] = {
    "hr_tokyo": (hr_tokyo, 8, ("tokyo",)),
    "kyc_bengaluru": (kyc_bengaluru, 8, ("bengaluru",)),
    "live_seoul": (live_seoul, 6, ("seoul",)),
    "support_lagos": (support_lagos, 8, ("lagos",)),
    "farm_nairobi": (farm_nairobi, 6, ("nairobi",)),
    "tax_warsaw": (tax_warsaw, 7, ("warsaw",)),
    "code_berlin": (code_berlin, 8, ("berlin",)),
    "eval_nightly": (eval_nightly, 5, ("utc",)),
    "gateway_shared": (gateway_shared, 6, ("jakarta",)),
    "app_jakarta": (app_jakarta, 5, ("jakarta",)),
    "tutor_auckland": (tutor_auckland, 5, ("auckland",)),
    "dormant": (dormant, 6, ("kathmandu", "lagos", "warsaw", "seoul", "auckland", "bengaluru")),
}
ROTATED = 2  # gateway keys replaced by a new key in the judged weeks


def owners(provider: str, seed: int) -> list[Owner]:
    """Every key of a world with its streams and events, the same for the same seed."""
    rng = random.Random(f"world7/{provider}/{seed}/owners")
    made: list[Owner] = []
    for archetype, (build, count, regions) in ARCHETYPES.items():
        for index in range(count):
            owner = Owner(key_id(provider, rng), archetype, regions[index % len(regions)])
            build(owner, provider, rng, index)
            made.append(owner)
    gateways = [o for o in made if o.archetype == "gateway_shared"]
    for old in rng.sample(gateways, ROTATED):
        made.append(rotate(old, key_id(provider, rng), rng.randint(JUDGED + 2, DAYS - 4)))
    for owner in made:
        for holiday in REGIONS[owner.region][1]:
            owner.mark("public_holiday", day_of(holiday), day_of(holiday))
    return made


def outage(made: list[Owner], rng: random.Random) -> tuple[tuple[int, int, float], ...]:
    """The provider is down for two hours in the judged weeks: requests fail (and the usage
    report counts none), then clients retry their queues for the next two hours. Returns the
    outage as bursts, for the thieves' streams too."""
    day = rng.randint(JUDGED, DAYS - 1)
    down = at(day, rng.randint(0, 21))
    bursts = ((down, down + 2 * HOUR, 0.03), (down + 2 * HOUR, down + 4 * HOUR, 1.7))
    for owner in made:
        owner.streams = [replace(s, bursts=s.bursts + bursts) for s in owner.streams]
        owner.mark("provider_outage", day, day)
    return bursts


def rotate(old: Owner, new_id: str, day: int) -> Owner:
    """The owner replaces a key: the old one stops at 11:00 UTC, a new one takes over."""
    switch = at(day, 11)
    new = Owner(new_id, old.archetype, old.region)
    new.streams = [replace(s, start=max(s.start, switch)) for s in old.streams if s.end > switch]
    old.streams = [replace(s, end=min(s.end, switch)) for s in old.streams]
    new.events = {t: list(names) for t, names in old.events.items() if t >= day}
    old.mark("rotation", day, day)
    new.mark("rotation", day, day)
    return new
