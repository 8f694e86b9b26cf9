"""World 6's businesses: what each kind of product does with its key, hour by hour.

Stage: benchmark (usage watch, issue #20). Each builder returns a `Plan` for one key of one
owner: models and their request shapes, expected requests per hour, and the legitimate events
that change them (a shopping sale, the end of Australia's financial year, a quarter close, World
Cup matches, holidays, a new customer). Rates and shapes are per key, drawn from `rng`.
"""

from __future__ import annotations

import random

from bench.usage_world6_base import (
    HISTORY_DAYS,
    MODELS,
    Clock,
    Event,
    Plan,
    Shape,
    hour_at,
    local_date,
)
from bench.usage_world6_curves import (
    CALLS,
    EVENING,
    EVERY_DAY,
    FLAT,
    OFFICE,
    SHOPPING,
    WORKDAYS,
    curve,
    episodes,
    migrate,
    scaled,
)

SALE = ((7, 7), (7, 8))  # the two-day July sale
# Kick-offs (UTC hours) of World Cup matches per 2026 date: four a day in the group stage, fewer
# in the knockout rounds, none on rest days.
GROUP = (16, 19, 22, 1)
KNOCKOUT = {
    (6, 28): (19, 22),
    (6, 29): (17, 20, 23),
    (6, 30): (17, 20, 23),
    (7, 1): (16, 20, 0),
    (7, 2): (19, 23),
    (7, 3): (18, 22),
    (7, 4): (17, 21),
    (7, 5): (20, 0),
    (7, 6): (19, 0),
    (7, 7): (16, 20),
    (7, 9): (20,),
    (7, 10): (19,),
    (7, 11): (21, 1),
}


def shop_rag(provider: str, rng: random.Random, clock: Clock, region: str) -> Plan:
    """An e-commerce site's RAG chatbot: evenings and weekends, a long cached system prompt with
    retrieved product pages, growth from marketing, a July sale in the US that triples traffic
    and a migration off the old model during history."""
    plan = Plan(dispersion=12.0)
    rate = rng.uniform(20, 400)
    is_sale, lift = region.startswith("US") and rng.random() < 0.8, rng.uniform(2.5, 3.5)

    def sale(day: int) -> float:
        return lift if is_sale and local_date(day) in SALE else 1.0

    hours = curve(clock, region, EVENING, SHOPPING, rate, rng.uniform(0, 0.012), sale, 1.1)
    shape = Shape(rng.uniform(2500, 6000), 0.6, rng.uniform(0.05, 0.12), rng.uniform(0.55, 0.8))
    switch = hour_at(6, rng.randint(5, 20), 14)
    plan.add(MODELS[provider]["old"], shape, migrate(hours, switch, 2, is_new=False))
    plan.add(MODELS[provider]["mid"], shape, migrate(hours, switch, 2, is_new=True))
    if is_sale:
        first = hour_at(7, 7) - int(clock.offset)
        plan.events.append(Event("July sale", first, first + 48))
    return plan


def ocr_pipeline(provider: str, rng: random.Random, clock: Clock, region: str) -> Plan:
    """Document OCR then LLM extraction for accountants in Australia and New Zealand: office
    hours, an overnight queue, image-heavy input with short output, rising into 30 June and the
    July tax season."""
    plan = Plan(dispersion=10.0)
    rate, tax = rng.uniform(30, 250), rng.uniform(1.6, 2.0)

    def season(day: int) -> float:
        month, date = local_date(day)
        if month == 6 and date >= 22:
            return 1.3 + 0.15 * (date - 22)  # end of financial year rush
        return tax if month == 7 else 1.0

    office = curve(clock, region, OFFICE, WORKDAYS, rate, 0.004, season)
    overnight = [
        0.25 * rate * season(clock.local(h)[0]) if clock.local(h)[1] in (1, 2, 3) else 0.0
        for h in range(len(office))
    ]
    shape = Shape(rng.uniform(1200, 2200), 0.5, rng.uniform(0.15, 0.3), 0.0)
    plan.add(
        MODELS[provider]["vision"], shape, [a + b for a, b in zip(office, overnight, strict=True)]
    )
    start = hour_at(6, 22) - int(clock.offset)
    plan.events.append(Event("EOFY and tax time", start, start + 21 * 24))
    return plan


def translation_reseller(provider: str, rng: random.Random, clock: Clock, region: str) -> Plan:
    """A translation API resold to many customers: around the clock, steady growth, and one big
    customer onboarded on a judged day (a step of 40-120%)."""
    plan = Plan(dispersion=20.0)
    rate = rng.uniform(100, 900)
    hours = curve(clock, region, FLAT, (1, 1, 1, 1, 1, 0.8, 0.75), rate, rng.uniform(0, 0.01))
    onboard = (HISTORY_DAYS + rng.randint(1, 11)) * 24 + rng.randint(8, 16)
    step = rng.uniform(0.4, 1.2)
    hours = [v * (1 + step * min(max((h - onboard) / 48, 0), 1)) for h, v in enumerate(hours)]
    plan.events.append(Event("new customer", onboard, onboard + 72))
    shape = Shape(rng.uniform(300, 900), 0.9, rng.uniform(1.0, 1.3), 0.0)
    plan.add(MODELS[provider]["mini"], shape, scaled(hours, 0.85))
    plan.add(
        MODELS[provider]["mid"], Shape(shape.input_median * 2, 0.9, 1.1, 0.0), scaled(hours, 0.15)
    )
    return plan


def report_cron(provider: str, rng: random.Random, clock: Clock, region: str) -> Plan:
    """Scheduled report generation: a run at a fixed local hour each workday, a bigger one on
    Mondays, and the quarter close (30 June to 2 July) at five to eight times the usual."""
    plan = Plan(dispersion=30.0)
    run_hour, rate = rng.choice((5, 6, 7, 22)), rng.uniform(40, 400)
    length = rng.randint(1, 3)
    starts, lengths, rates = [], [], []
    close = rng.uniform(5, 8)
    for day in range(-1, 43):
        weekday, (month, date) = day % 7, local_date(day)
        is_close = (month, date) in ((6, 30), (7, 1), (7, 2))
        if weekday >= 5 and not is_close:
            continue
        first = day * 24 + run_hour - int(clock.offset)
        factor = close if is_close else (2.0 if weekday == 0 else 1.0)
        starts.append(first)
        lengths.append(length + (2 if is_close else 0))
        rates.append(rate * factor)
    hours = episodes(rng, starts, lengths, rates)
    shape = Shape(rng.uniform(5000, 15000), 0.4, rng.uniform(0.1, 0.25), rng.uniform(0.0, 0.4))
    plan.add(MODELS[provider]["mid"], shape, hours)
    plan.add(MODELS[provider]["nano"], Shape(800, 0.5, 0.2, 0.0), scaled(hours, 0.5))
    first = hour_at(6, 30) - int(clock.offset)
    plan.events.append(Event("quarter close", first, first + 72))
    return plan


def voice_agent(provider: str, rng: random.Random, clock: Clock, region: str) -> Plan:
    """A call centre's voice agent in Latin America: many small turns in opening hours (Saturday
    mornings too), national holidays closed, and one day of a service incident at the owner's
    own company that doubles the calls."""
    plan = Plan(dispersion=15.0)
    rate = rng.uniform(200, 1500)
    incident, lift = HISTORY_DAYS + rng.randint(0, 13), rng.uniform(2.0, 2.6)
    week = (1.0, 0.95, 0.95, 0.95, 0.9, 0.45, 0.0)

    def surge(day: int) -> float:
        return lift if day == incident else 1.0

    hours = curve(clock, region, CALLS, week, rate, 0.002, surge, 0.05)
    plan.add(MODELS[provider]["small"], Shape(rng.uniform(500, 900), 0.5, 0.12, 0.6), hours)
    first = incident * 24 - int(clock.offset)
    plan.events.append(Event("call surge", first, first + 24))
    return plan


def matchday_bot(provider: str, rng: random.Random, clock: Clock, region: str) -> Plan:
    """A sports site's assistant during the World Cup: a base of evening traffic and a surge of
    live questions from kick-off to two hours after each match; judged weeks are knockouts."""
    plan = Plan(dispersion=6.0)
    rate = rng.uniform(30, 300)
    hours = curve(clock, region, EVENING, EVERY_DAY, rate, 0.0)
    surge = rng.uniform(2.0, 6.0)
    for day in range(10, 42):
        month, date = local_date(day)
        kickoffs = KNOCKOUT.get((month, date), GROUP if (month, date) < (6, 28) else ())
        for kickoff in kickoffs:
            first = day * 24 + kickoff + (24 if kickoff < 6 else 0)
            big = surge * (1.6 if rng.random() < 0.2 else 1.0)  # a team its readers follow
            for offset in range(4):
                if first + offset < len(hours):
                    hours[first + offset] += rate * big * (0.6, 1.0, 1.0, 0.5)[offset]
            plan.events.append(Event("match", first, first + 4))
    plan.add(MODELS[provider]["mini"], Shape(rng.uniform(900, 1800), 0.7, 0.3, 0.5), hours)
    return plan
