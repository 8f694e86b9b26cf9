"""World 7's people-driven keys: office hours, seasons, holidays and new colleagues.

Stage: benchmark (usage watch, issue #20). Each function draws one key's streams and marks the
legitimate events on its days (see `usage_world7_owners` for how many keys of each):

- `hr_tokyo`: a Japanese company's internal assistant; new hires start on 1 April and lean on
  it for three weeks of training; Golden Week empties the office (bridge days half full).
- `tax_warsaw`: an accounting office's tax-return reading, ramping to the 30 April deadline
  with evenings and a weekend worked, then the May holidays (majówka) and a lull.
- `code_berlin`: a team's coding agent with long cached contexts and web search, a contractor in
  Kathmandu on some keys; a new member in Auckland (Berlin's night) joins some in the judged
  weeks; others trial a new top model for two days.
- `tutor_auckland`: a school tutor; New Zealand's school holidays (3-19 April), term 2 from 20
  April, ANZAC Day observed on 27 April.
- `dormant`: keys used a few times on some days, none on others; one wakes for a weekend side
  project.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from bench.usage_world7_base import DAYS, at, curve, date_of, local_at, model
from bench.usage_world7_habits import CURVES, JUDGED, Owner, d, growth, scale
from bench.usage_world7_streams import Stream

OFFICE, JP_OFFICE, SCHOOL = CURVES["office"], CURVES["jp_office"], CURVES["school"]


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
    crunch = curve("0:.02 8:.3 12:.6 17:1 21:.8 23:.1")
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
                curve("0:.1 10:.6 15:1 23:.5"),
                start=local_at(o.region, date_of(saturday), 9),
                end=local_at(o.region, date_of(saturday + 2), 0),
            )
        )
        o.mark("side_project", saturday, saturday + 1)
