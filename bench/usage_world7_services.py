"""World 7's service-driven keys: products, pipelines and shared keys, with their launches,
migrations, seasons and incidents.

Stage: benchmark (usage watch, issue #20). Each function draws one key's streams and marks the
legitimate events on its days (see `usage_world7_owners` for how many keys of each):

- `kyc_bengaluru`: document extraction around the clock, busiest in IST office hours, with the
  financial year's closing backlog on 30-31 March; half the keys migrate to a reasoning model
  in the judged weeks (its hidden reasoning is billed as output, so output per request triples).
- `live_seoul`: live-commerce chat summaries on broadcast evenings (Tue, Thu, Sat); a special
  Children's Day show on 5 May.
- `support_lagos`: a bank's WhatsApp support; payday weeks at the month's end; a mobile-app
  outage sends customers to the bot for a few hours on some keys.
- `farm_nairobi`: SMS farming advice at dawn and dusk on the smallest model, growing with the
  long rains; a radio feature brings a day of new farmers on some keys.
- `eval_nightly`: a regression eval at 01:00-04:00 UTC, a full suite on Sundays; some keys run an
  ad-hoc daytime eval of a newly released top model.
- `gateway_shared`: one key shared by three services (a summariser on Jakarta's day, a
  classifier on Berlin's office hours, a translator batch at 20:00 UTC); a fourth service (Seoul
  evenings, another model) moves onto some keys.
- `app_jakarta`: a consumer app's evening traffic, growing, with a marketing campaign.
"""

from __future__ import annotations

import random
from dataclasses import replace

from bench.usage_world7_base import DAYS, at, curve, model
from bench.usage_world7_habits import CURVES, JUDGED, Owner, d, growth, scale
from bench.usage_world7_streams import Stream

OFFICE, EVENING, SERVICE = CURVES["office"], CURVES["evening"], CURVES["service"]
DAWN_DUSK, NIGHTLY = CURVES["dawn_dusk"], CURVES["nightly"]
SUNDAY_SUITE, BATCH_20 = CURVES["sunday_suite"], CURVES["batch_20"]


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
    hours = curve("0:.05 6:.1 8:.7 11:1 14:.7 19:.9 22:.3")
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
