"""World 7's owners: who holds each key, how they use it, and what honestly changes.

Stage: benchmark (usage watch, issue #20). Twelve kinds of owner, each a function that draws one
key's streams and the legitimate events on its days from a seeded RNG:

- `hr_tokyo`: a Japanese company's internal assistant; new hires start on 1 April and lean on
  it for three weeks of training; Golden Week empties the office (bridge days half full).
- `kyc_bengaluru`: document extraction around the clock, busiest in IST office hours, with the
  financial year's closing backlog on 30-31 March; half the keys migrate to a reasoning model
  in the judged weeks (its hidden reasoning is billed as output, so output per request triples).
- `live_seoul`: live-commerce chat summaries on broadcast evenings (Tue, Thu, Sat); a special
  Children's Day show on 5 May.
- `support_lagos`: a bank's WhatsApp support; payday weeks at the month's end; a mobile-app
  outage sends customers to the bot for a few hours on some keys.
- `farm_nairobi`: SMS farming advice at dawn and dusk on the smallest model, growing with the
  long rains; a radio feature brings a day of new farmers on some keys.
- `tax_warsaw`: an accounting office's tax-return reading, ramping to the 30 April deadline
  with evenings and a weekend worked, then the May holidays and a lull.
- `code_berlin`: a team's coding agent with long cached contexts and web search, a contractor in
  Kathmandu on some keys; a new member in Auckland (Berlin's night) joins some in the judged
  weeks; others trial a new top model for two days.
- `eval_nightly`: a regression eval at 01:00-04:00 UTC, a full suite on Sundays; some keys run an
  ad-hoc daytime eval of a newly released top model.
- `gateway_shared`: one key shared by three services (a summariser on Jakarta's day, a
  classifier on Berlin's office hours, a translator batch at 20:00 UTC); a fourth service (Seoul
  evenings, another model) moves onto some keys; two keys are rotated: the old one stops and a
  new one, first seen in the judged weeks, carries on.
- `app_jakarta`: a consumer app's evening traffic, growing, with a marketing campaign.
- `tutor_auckland`: a school tutor; New Zealand's school holidays (3-19 April), term 2 from 20
  April, ANZAC Day observed on 27 April.
- `dormant`: keys used a few times a day or not at all; one wakes for a weekend side project.

Each day is marked with its region's public holidays; `outage` adds the provider's two-hour
outage in the judged weeks (nothing counted, then two hours of retried queues).
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from bench.usage_world7_base import (
    DAYS,
    HOUR,
    JUDGED_DAYS,
    REGIONS,
    at,
    curve,
    day_of,
    local_at,
    model,
)
from bench.usage_world7_streams import Stream

JUDGED = DAYS - JUDGED_DAYS

OFFICE = curve(
    [
        (0, 0.01),
        (7, 0.04),
        (9, 0.8),
        (11, 1.0),
        (12, 0.55),
        (13, 0.9),
        (17, 0.9),
        (18, 0.4),
        (20, 0.12),
        (23, 0.02),
    ]
)
JP_OFFICE = curve(
    [
        (0, 0.01),
        (7, 0.05),
        (9, 0.85),
        (11, 1.0),
        (12, 0.45),
        (13, 0.95),
        (18, 0.75),
        (20, 0.35),
        (22, 0.08),
    ]
)
EVENING = curve([(0, 0.35), (3, 0.03), (8, 0.08), (12, 0.3), (17, 0.45), (20, 1.0), (23, 0.7)])
DAWN_DUSK = curve(
    [
        (0, 0.02),
        (4, 0.05),
        (6, 1.0),
        (8, 0.45),
        (12, 0.2),
        (17, 0.35),
        (19, 0.9),
        (21, 0.3),
        (23, 0.04),
    ]
)
SERVICE = curve([(0, 0.3), (4, 0.22), (9, 0.8), (13, 1.0), (17, 0.85), (21, 0.5)])
SCHOOL = curve(
    [
        (0, 0.0),
        (7, 0.05),
        (9, 0.7),
        (11, 1.0),
        (15, 0.55),
        (17, 0.3),
        (19, 0.85),
        (21, 0.35),
        (23, 0.02),
    ]
)
NIGHTLY = curve([(0, 0.0), (1, 1.0), (3, 1.0), (4, 0.0), (23, 0.0)])
SUNDAY_SUITE = curve([(0, 0.0), (1, 1.0), (8, 1.0), (9, 0.0), (23, 0.0)])
BATCH_20 = curve([(0, 0.0), (19, 0.0), (20, 1.0), (22, 1.0), (23, 0.0)])
QUIET = tuple(0.0 for _ in range(24))


@dataclass(slots=True)
class Owner:
    """One key: its owner's kind, home region, streams and each day's legitimate events."""

    key_id: str
    archetype: str
    region: str
    streams: list[Stream] = field(default_factory=list)
    events: dict[int, list[str]] = field(default_factory=dict)

    def mark(self, name: str, first: int, last: int) -> None:
        for day in range(max(0, first), min(DAYS - 1, last) + 1):
            self.events.setdefault(day, []).append(name)


def d(month: int, day: int) -> int:
    return day_of(date(2026, month, day))


def scale(fn: Callable[[int], float]) -> tuple[float, ...]:
    return tuple(max(0.0, fn(day)) for day in range(DAYS))


def growth(rate: float) -> tuple[float, ...]:
    return scale(lambda day: (1 + rate) ** day)


def key_id(provider: str, rng: random.Random) -> str:
    """Ids shaped like each usage report's: OpenAI `key_…`, Anthropic `apikey_01…`."""
    alphabet = string.ascii_letters + string.digits
    if provider == "openai":
        return "key_" + "".join(rng.choice(alphabet) for _ in range(16))
    return "apikey_01" + "".join(rng.choice(alphabet) for _ in range(22))


Builder = Callable[[Owner, str, random.Random, int], None]


def hr_tokyo(o: Owner, p: str, rng: random.Random, i: int) -> None:
    trained = scale(lambda t: 1.0 if t < d(4, 1) else 1.55 if t <= d(4, 21) else 1.15)
    bridge = scale(lambda t: 0.45 if t in (d(4, 30), d(5, 1)) else 1.0)
    o.streams.append(
        Stream(
            "tokyo",
            rng.uniform(20, 180),
            ((model(p, "mini"), 0.75), (model(p, "mid"), 0.25)),
            1800,
            0.4,
            JP_OFFICE,
            tuple(w * 0.04 for w in JP_OFFICE),
            holiday=0.6,
            cached=0.3,
            scale=tuple(a * b * c for a, b, c in zip(trained, bridge, growth(0.003), strict=True)),
        )
    )
    o.mark("new_hires", d(4, 1), d(4, 21))
    o.mark("golden_week", d(4, 29), d(5, 6))


def kyc_bengaluru(o: Owner, p: str, rng: random.Random, i: int) -> None:
    close = scale(lambda t: 2.2 if t <= 1 else 0.7 if t <= 4 else 1.0)
    rate = rng.uniform(80, 600)
    models = ((model(p, "mini"), 0.9), (model(p, "mid"), 0.1))
    base = Stream(
        "bengaluru",
        rate,
        models,
        3500,
        0.12,
        SERVICE,
        tuple(w * 0.55 for w in SERVICE),
        holiday=0.9,
        spread=0.5,
        cached=0.1,
        steadiness=15,
        scale=close,
    )
    o.mark("fy_close", 0, 1)
    if i % 2:
        o.streams.append(base)
        return
    first = rng.randint(JUDGED + 1, JUDGED + 6)
    ramp = scale(lambda t: min(1.0, max(0.0, (t - first + 1) / 5)))
    o.streams.append(
        replace(base, scale=tuple(c * (1 - r) for c, r in zip(close, ramp, strict=True)))
    )
    o.streams.append(
        replace(
            base,
            models=((model(p, "mini", 1), 1.0),),
            ratio=0.36,
            scale=tuple(c * r for c, r in zip(close, ramp, strict=True)),
        )
    )
    o.mark("migration", first, first + 4)


def live_seoul(o: Owner, p: str, rng: random.Random, i: int) -> None:
    shows = scale(lambda t: 1.0 if (t % 7) in (1, 3, 5) else 0.3)
    special = scale(lambda t: 3.0 if t == d(5, 5) else 1.0)
    o.streams.append(
        Stream(
            "seoul",
            rng.uniform(40, 300),
            ((model(p, "mini"), 0.9), (model(p, "mid"), 0.1)),
            1200,
            0.5,
            EVENING,
            holiday=1.0,
            spread=0.6,
            scale=tuple(a * b for a, b in zip(shows, special, strict=True)),
        )
    )
    o.mark("special_show", d(5, 5), d(5, 5))


def support_lagos(o: Owner, p: str, rng: random.Random, i: int) -> None:
    payday = scale(lambda t: 1.4 if t <= 1 or d(4, 24) <= t <= d(4, 30) else 1.0)
    hours = curve([(0, 0.05), (6, 0.1), (8, 0.7), (11, 1.0), (14, 0.7), (19, 0.9), (22, 0.3)])
    bursts: tuple[tuple[int, int, float], ...] = ()
    if i % 3 == 0:
        day = rng.randint(JUDGED, DAYS - 1)
        begin = at(day, rng.uniform(7, 16))
        bursts = ((begin, begin + rng.randint(3, 6) * 3600, rng.uniform(2.5, 4.0)),)
        o.mark("app_outage", day, day)
    o.streams.append(
        Stream(
            "lagos",
            rng.uniform(30, 250),
            ((model(p, "mini"), 1.0),),
            2500,
            0.3,
            hours,
            tuple(w * 0.7 for w in hours),
            holiday=0.8,
            cached=0.5,
            scale=tuple(a * b for a, b in zip(payday, growth(0.005), strict=True)),
            bursts=bursts,
        )
    )
    o.mark("payday", d(4, 24), d(4, 30))


def farm_nairobi(o: Owner, p: str, rng: random.Random, i: int) -> None:
    radio = rng.randint(JUDGED, DAYS - 2) if i % 3 == 1 else -9
    feature = scale(lambda t: 3.0 if t == radio else 1.8 if t == radio + 1 else 1.0)
    o.streams.append(
        Stream(
            "nairobi",
            rng.uniform(8, 70),
            ((model(p, "nano"), 1.0),),
            350,
            0.9,
            DAWN_DUSK,
            tuple(w * 0.9 for w in DAWN_DUSK),
            holiday=0.8,
            spread=0.5,
            scale=tuple(a * b for a, b in zip(feature, growth(0.015), strict=True)),
        )
    )
    if radio > 0:
        o.mark("radio_feature", radio, radio + 1)


def tax_warsaw(o: Owner, p: str, rng: random.Random, i: int) -> None:
    def season(t: int) -> float:
        if t < d(4, 13):
            return 1.0
        if t < d(4, 27):
            return 1.2 + 1.3 * (t - d(4, 13)) / 14
        return 3.5 if t <= d(4, 30) else 0.5

    rate = rng.uniform(15, 120)
    models = ((model(p, "mid"), 0.8), (model(p, "mini"), 0.2))
    o.streams.append(
        Stream(
            "warsaw",
            rate,
            models,
            5200,
            0.08,
            OFFICE,
            tuple(w * 0.05 for w in OFFICE),
            holiday=0.02,
            spread=0.7,
            cached=0.2,
            scale=scale(season),
        )
    )
    crunch = curve([(0, 0.02), (8, 0.3), (12, 0.6), (17, 1.0), (21, 0.8), (23, 0.1)])
    o.streams.append(
        Stream(
            "warsaw",
            rate * 0.8,
            models,
            5200,
            0.08,
            crunch,
            crunch,
            spread=0.7,
            cached=0.2,
            start=local_at("warsaw", date(2026, 4, 25), 0),
            end=local_at("warsaw", date(2026, 5, 1), 0),
        )
    )
    o.mark("tax_deadline", d(4, 20), d(4, 30))
    o.mark("majowka", d(5, 1), d(5, 3))


def code_berlin(o: Owner, p: str, rng: random.Random, i: int) -> None:
    rate = rng.uniform(10, 60)
    models = ((model(p, "mid"), 0.85), (model(p, "top"), 0.15))
    core = Stream(
        "berlin",
        rate,
        models,
        45_000,
        0.03,
        OFFICE,
        tuple(w * 0.08 for w in OFFICE),
        holiday=0.1,
        spread=0.6,
        cached=0.85,
        web_search=0.02,
        steadiness=3,
    )
    o.streams.append(core)
    if i % 2:
        o.streams.append(replace(core, region="kathmandu", rate=rate * 0.3))
    if i % 4 == 0:
        join = rng.randint(JUDGED, JUDGED + 7)
        o.streams.append(
            replace(
                core,
                region="auckland",
                rate=rate * 0.35,
                start=at(join, 20),
                scale=scale(lambda t: min(1.0, max(0.2, (t - join + 1) / 6))),
            )
        )
        o.mark("new_member", join, DAYS - 1)
    elif i % 4 == 1:
        trial = rng.randint(JUDGED, DAYS - 3)
        o.streams.append(
            replace(
                core,
                rate=rate * 0.6,
                models=((model(p, "top", 1), 1.0),),
                start=at(trial, 0),
                end=at(trial + 2, 0),
            )
        )
        o.mark("model_trial", trial, trial + 1)


def eval_nightly(o: Owner, p: str, rng: random.Random, i: int) -> None:
    rate = rng.uniform(200, 1500)
    models = ((model(p, "mini"), 0.4), (model(p, "mid"), 0.4), (model(p, "top"), 0.2))
    o.streams.append(
        Stream(
            "utc",
            rate,
            models,
            2200,
            0.25,
            NIGHTLY,
            steadiness=20,
            spread=0.9,
            scale=scale(lambda t: 0.0 if t % 7 == 6 else 1.0),
        )
    )
    o.streams.append(
        Stream(
            "utc",
            rate,
            models,
            2200,
            0.25,
            SUNDAY_SUITE,
            steadiness=20,
            spread=0.9,
            scale=scale(lambda t: 1.0 if t % 7 == 6 else 0.0),
        )
    )
    if i % 2 == 0:
        day = rng.randint(JUDGED, DAYS - 1)
        o.streams.append(
            Stream(
                "utc",
                rate * 0.5,
                ((model(p, "top", 1), 1.0),),
                2200,
                0.4,
                start=at(day, 10),
                end=at(day, 16),
                steadiness=20,
            )
        )
        o.mark("new_model_eval", day, day)


def gateway_shared(o: Owner, p: str, rng: random.Random, i: int) -> None:
    o.streams.append(
        Stream(
            "jakarta",
            rng.uniform(30, 200),
            ((model(p, "mini"), 1.0),),
            2800,
            0.15,
            SERVICE,
            tuple(w * 0.7 for w in SERVICE),
            spread=0.5,
            steadiness=12,
        )
    )
    o.streams.append(
        Stream(
            "berlin",
            rng.uniform(40, 300),
            ((model(p, "nano"), 1.0),),
            600,
            0.02,
            OFFICE,
            tuple(w * 0.1 for w in OFFICE),
            holiday=0.1,
            spread=0.4,
        )
    )
    o.streams.append(
        Stream(
            "utc",
            rng.uniform(50, 400),
            ((model(p, "mid"), 1.0),),
            3000,
            1.1,
            BATCH_20,
            steadiness=25,
            spread=0.3,
        )
    )
    if i % 2 == 0:
        moved = rng.randint(JUDGED, DAYS - 3)
        o.streams.append(
            Stream(
                "seoul",
                rng.uniform(20, 150),
                ((model(p, "mid", 1), 1.0),),
                1500,
                0.6,
                EVENING,
                start=at(moved, 9),
                scale=scale(lambda t: min(1.0, max(0.25, (t - moved + 1) / 4))),
            )
        )
        o.mark("service_added", moved, DAYS - 1)


def app_jakarta(o: Owner, p: str, rng: random.Random, i: int) -> None:
    launch = rng.randint(JUDGED, DAYS - 4)
    peak = rng.uniform(2.5, 4.0)
    campaign = scale(lambda t: 1.0 if t < launch else 1 + (peak - 1) * 0.6 ** (t - launch))
    o.streams.append(
        Stream(
            "jakarta",
            rng.uniform(50, 400),
            ((model(p, "mini"), 0.95), (model(p, "mid"), 0.05)),
            900,
            0.7,
            EVENING,
            tuple(w * 1.2 for w in EVENING),
            holiday=1.1,
            cached=0.2,
            scale=tuple(a * b for a, b in zip(campaign, growth(0.01), strict=True)),
        )
    )
    o.mark("campaign", launch, launch + 3)


def tutor_auckland(o: Owner, p: str, rng: random.Random, i: int) -> None:
    term = scale(lambda t: 0.15 if d(4, 3) <= t <= d(4, 19) else 1.0)
    o.streams.append(
        Stream(
            "auckland",
            rng.uniform(20, 150),
            ((model(p, "mini"), 0.7), (model(p, "mid"), 0.3)),
            1500,
            0.6,
            SCHOOL,
            tuple(w * 0.25 for w in SCHOOL),
            holiday=0.1,
            scale=term,
        )
    )
    o.mark("school_holidays", d(4, 3), d(4, 19))
    o.mark("term_start", d(4, 20), d(4, 21))


def dormant(o: Owner, p: str, rng: random.Random, i: int) -> None:
    busy = [rng.random() < 0.45 for _ in range(DAYS)]
    o.streams.append(
        Stream(
            o.region,
            rng.uniform(0.3, 2.0),
            ((model(p, "mini", i), 1.0),),
            1200,
            0.5,
            OFFICE,
            tuple(w * 0.6 for w in OFFICE),
            steadiness=2,
            scale=scale(lambda t: 1.0 if busy[t] else 0.0),
        )
    )
    if i == 0:
        saturday = next(t for t in range(JUDGED, DAYS) if t % 7 == 5)
        o.streams.append(
            Stream(
                o.region,
                rng.uniform(15, 40),
                ((model(p, "mid"), 1.0),),
                4000,
                0.4,
                curve([(0, 0.1), (10, 0.6), (15, 1.0), (23, 0.5)]),
                start=local_at(o.region, _date(saturday), 9),
                end=local_at(o.region, _date(saturday + 2), 0),
            )
        )
        o.mark("side_project", saturday, saturday + 1)


def _date(day: int) -> date:
    return date.fromordinal(date(2026, 3, 30).toordinal() + day)


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
