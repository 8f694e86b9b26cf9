"""World 8's roster: every key with its owner's draws and its legitimate surprises.

Stage: benchmark (usage watch, issue #20). A `Plan` is one key's habits made concrete: its peak,
its model shares from which day (a migration moves them in stages), and its `Surge`s: the hours
an owner honestly does more (a launch, a season patch, midterm grading, a production batch at
night, a quarter close, paydays, Hacktoberfest, a backfill, an eval run on the dearest model, a
client's retry storm, new members joining) or stops (a retired key, an experiment switched off).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from bench.usage_world8_base import DAYS, HOURS, JUDGED_DAYS, Key, key_id, rng
from bench.usage_world8_calendar import QUARTER_CLOSE, local_clock
from bench.usage_world8_owners import ARCHETYPES, Archetype

JUDGED = DAYS - JUDGED_DAYS  # first judged day
FIRST_DATE = date(2026, 9, 14)
STORM_CHANCE = 0.06  # of a key having a client's retry storm in the six weeks


@dataclass(frozen=True, slots=True)
class Surge:
    """Hours an owner works differently: its rate times `factor`, plus `extra` requests an hour
    on model role `role` (at any hour of the window, whatever the owner's shape)."""

    hours: frozenset[int]
    name: str
    factor: float = 1.0
    extra: float = 0.0
    role: str = "mid"


@dataclass(frozen=True, slots=True)
class Plan:
    key: Key
    kind: Archetype
    peak: float
    mix: tuple[tuple[int, tuple[tuple[str, float], ...]], ...]  # (from day, role shares)
    surges: tuple[Surge, ...]


def local_hours(tz: str, days: Iterable[str], hours: range) -> frozenset[int]:
    """World hours whose local date is in `days` and local hour in `hours`."""
    wanted = set(days)
    return frozenset(
        h for h, (iso, hour, _) in enumerate(local_clock(tz)) if iso in wanted and hour in hours
    )


def span(first_day: int, last_day: int, hours: range = range(24)) -> frozenset[int]:
    """World (UTC) hours of days [first_day, last_day) at UTC hours `hours`."""
    return frozenset(d * 24 + h for d in range(first_day, min(last_day, DAYS)) for h in hours)


def iso(day: int) -> str:
    """The ISO date of the world's day `day` (0 is 14 September 2026)."""
    return (FIRST_DATE + timedelta(days=day)).isoformat()


def _surges(kind: Archetype, tz: str, r: random.Random, peak: float) -> list[Surge]:
    name = kind.name
    if name == "lms_grading":
        sundays = [iso(d) for d in range(6, DAYS, 7)]
        # Term starts: students and courses arrive over its first fortnight.
        term = [Surge(span(d, d + 1), "term start", 0.3 + 0.05 * d) for d in range(14)]
        return [
            *term,
            Surge(local_hours(tz, sundays, range(18, 24)), "assignment deadline", 2.2),
            Surge(local_hours(tz, [iso(d) for d in range(35, 40)], range(24)), "midterms", 1.8),
        ]
    if name == "legal_discovery":
        days = [r.randrange(3, JUDGED), r.randrange(JUDGED, DAYS - 1)]
        return [
            Surge(
                local_hours(tz, [iso(d)], range(20, 24)) | local_hours(tz, [iso(d + 1)], range(6)),
                "production batch",
                1.0,
                peak * r.uniform(3, 6),
                "large",
            )
            for d in days
        ]
    if name == "trading_desk":
        return [
            Surge(local_hours(tz, QUARTER_CLOSE, range(24)), "quarter close", 1.7),
            Surge(
                local_hours(tz, [iso(d) for d in range(29, 33)], range(24)), "bank earnings", 1.4
            ),
        ]
    if name == "game_support":
        launch = r.choice((15, 16, 24))  # the autumn update lands before or after Golden Week
        out = [
            Surge(span(launch + i, launch + i + 1), "game launch", 4.0 / (1 + i)) for i in range(6)
        ]
        patch = r.randrange(JUDGED + 1, DAYS - 3)
        out.append(Surge(span(patch, patch + 2), "season patch", 2.5))
        storm = r.randrange(JUDGED * 24, HOURS - 6)
        out.append(Surge(frozenset(range(storm, storm + 4)), "login incident", 3.0))
        return out
    if name == "bank_ivr":
        paydays = ["2026-09-15", "2026-09-30", "2026-10-15"]
        return [Surge(local_hours(tz, paydays, range(24)), "payday", 1.6)]
    if name == "mobile_app":
        day = r.randrange(8, DAYS - 3)
        return [
            Surge(span(day + i, day + i + 1), "app store feature", 2.2 - 0.4 * i) for i in range(3)
        ]
    if name == "oss_bot":
        release = r.randrange(2 * 24, HOURS - 8)
        return [
            Surge(span(17, DAYS), "Hacktoberfest", 1.5),
            Surge(frozenset(range(release, release + 6)), "release day", 3.0),
        ]
    if name == "labelling_vendor":
        start = r.randrange(10, DAYS - 6)
        return [Surge(span(start, min(DAYS, start + 8)), "new labelling campaign", 2.0, 0, "mid")]
    if name == "growth_experiment":
        start = r.randrange(5, DAYS - 4)
        out = [Surge(span(0, start), "experiment holdout", 0.06)]
        out += [
            Surge(span(start + i, start + i + 1), "experiment ramp", 0.3 * (i + 1))
            for i in range(3)
        ]
        if r.random() < 0.4:
            stop = r.randrange(start + 4, DAYS + 2)
            out.append(Surge(span(stop, DAYS), "experiment stopped", 0.0))
        return out
    if name == "nightly_etl":
        backfill = r.randrange(3, DAYS - 1)
        return [
            Surge(local_hours(tz, QUARTER_CLOSE, range(24)), "quarter close", 1.5),
            Surge(
                local_hours(tz, [iso(backfill)], range(1, 12)), "backfill", 1.0, peak * 2, "cheap"
            ),
        ]
    if name == "eval_harness":
        out = []
        for day in (r.randrange(2, JUDGED), r.randrange(JUDGED, DAYS - 1)):
            first = day * 24 + r.randrange(0, 20)
            hours = frozenset(range(first, first + r.randrange(3, 9)))
            out.append(Surge(hours, "eval run on dearest model", 1.0, r.uniform(30, 90), "dearest"))
        joined = r.randrange(10, DAYS)
        out.append(Surge(span(joined, DAYS), "new team members", 1.5))
        return out
    if name == "dev_sandbox":
        joined, hack = r.randrange(7, DAYS), r.randrange(3, DAYS - 1)
        return [
            Surge(span(joined, DAYS), "new team members", 1.6),
            Surge(local_hours(tz, [iso(hack)], range(9, 23)), "hackathon", 1.0, peak * 3, "large"),
        ]
    if name == "dormant":
        return (
            [Surge(local_hours(tz, ["2026-10-01"], range(2, 4)), "quarter-end job", 1.0, 40, "mid")]
            if r.random() < 0.5
            else []
        )
    return []


def _storm(r: random.Random, first: int, last: int) -> list[Surge]:
    """Now and then a client bug retries every request for a few hours: the owner's own work,
    three to five times over."""
    if r.random() >= STORM_CHANCE:
        return []
    start = r.randrange(first * 24, last * 24 - 6)
    return [
        Surge(frozenset(range(start, start + r.randrange(2, 6))), "retry storm", r.uniform(3, 5))
    ]


def _mix(
    kind: Archetype, r: random.Random
) -> tuple[tuple[int, tuple[tuple[str, float], ...]], ...]:
    if kind.name != "model_adopter":
        return ((0, kind.roles),)
    first, second, third = (
        r.randrange(3, 12),
        r.randrange(14, JUDGED),
        r.randrange(JUDGED, DAYS - 2),
    )
    return (
        (0, (("old", 1.0),)),
        (first, (("old", 0.9), ("new", 0.1))),
        (second, (("old", 0.5), ("new", 0.5))),
        (third, (("new", 1.0),)),
    )


def roster(seed: int, provider: str) -> list[Plan]:
    """The organisation's keys on `provider`, each with its plan, in a stable order."""
    plans: list[Plan] = []
    ids = rng(seed, provider, "ids")
    for kind in ARCHETYPES:
        for index in range(kind.count):
            r = rng(seed, provider, kind.name, index)
            tz, country = kind.places[index % len(kind.places)]
            first, last, robbable, archetype = 0, DAYS, True, kind.name
            if kind.name == "retired":
                last, robbable = r.randrange(8, 24), False
            elif kind.name == "rotated":  # pairs: the old key is replaced by the new one
                pair = rng(seed, provider, kind.name, index // 2)
                change = pair.randrange(9, DAYS - 8)
                is_old = index % 2 == 0
                first, last = (0, change) if is_old else (change, DAYS)
                robbable = not is_old and change < JUDGED - 7
                archetype = "rotated_out" if is_old else "rotated_in"
            peak = r.uniform(*kind.peak)
            key = Key(
                key_id(ids, provider),
                archetype,
                f"{kind.team}-{index + 1}",
                tz,
                country,
                first,
                last,
                robbable,
            )
            surges = _surges(kind, tz, r, peak) + (_storm(r, first, last) if peak else [])
            plans.append(Plan(key, kind, peak, _mix(kind, r), tuple(surges)))
    return plans
