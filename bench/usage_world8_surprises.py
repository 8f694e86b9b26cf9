"""World 8's legitimate surprises: the hours each kind of owner honestly works differently.

Stage: benchmark (usage watch, issue #20). One small function per kind of owner draws its
`Surge`s: a launch, a season patch, a term's start and its midterms, a production batch at
night, a quarter close, paydays, Hacktoberfest and a release, a labelling campaign, an experiment
ramped up or switched off, a backfill, an eval run on the dearest model, new members joining, a
hackathon, a dormant key's quarter-end job; and, for any working key now and then, a client's
retry storm. `SURPRISES` maps an archetype's name to its function.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from bench.usage_world8_base import DAYS, HOURS, JUDGED_DAYS
from bench.usage_world8_calendar import QUARTER_CLOSE, local_clock

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


def iso(day: int) -> str:
    """The ISO date of the world's day `day` (0 is 14 September 2026)."""
    return (FIRST_DATE + timedelta(days=day)).isoformat()


def local_hours(tz: str, days: Iterable[str], hours: range) -> frozenset[int]:
    """World hours whose local date is in `days` and local hour in `hours`."""
    wanted = set(days)
    return frozenset(
        h for h, (day, hour, _) in enumerate(local_clock(tz)) if day in wanted and hour in hours
    )


def span(first_day: int, last_day: int) -> frozenset[int]:
    """World hours of days [first_day, last_day)."""
    return frozenset(range(first_day * 24, min(last_day, DAYS) * 24))


def _daily(first: int, name: str, factors: Iterable[float]) -> list[Surge]:
    """One surge a day from day `first`, each with its factor (a launch fading, a ramp)."""
    return [Surge(span(first + i, first + i + 1), name, f) for i, f in enumerate(factors)]


def _lms(tz: str, r: random.Random, peak: float) -> list[Surge]:
    sundays = [iso(d) for d in range(6, DAYS, 7)]
    return [
        *_daily(0, "term start", (0.3 + 0.05 * d for d in range(14))),  # courses fill up
        Surge(local_hours(tz, sundays, range(18, 24)), "assignment deadline", 2.2),
        Surge(local_hours(tz, [iso(d) for d in range(35, 40)], range(24)), "midterms", 1.8),
    ]


def _legal(tz: str, r: random.Random, peak: float) -> list[Surge]:
    """A document production runs overnight, once in the history and once in the judged days."""
    out = []
    for day in (r.randrange(3, JUDGED), r.randrange(JUDGED, DAYS - 1)):
        night = local_hours(tz, [iso(day)], range(20, 24)) | local_hours(
            tz, [iso(day + 1)], range(6)
        )
        out.append(Surge(night, "production batch", 1.0, peak * r.uniform(3, 6), "large"))
    return out


def _trading(tz: str, r: random.Random, peak: float) -> list[Surge]:
    earnings = [iso(d) for d in range(29, 33)]  # the big banks report from 13 October
    return [
        Surge(local_hours(tz, QUARTER_CLOSE, range(24)), "quarter close", 1.7),
        Surge(local_hours(tz, earnings, range(24)), "bank earnings", 1.4),
    ]


def _game(tz: str, r: random.Random, peak: float) -> list[Surge]:
    launch = r.choice((15, 16, 24))  # the autumn update lands before or after Golden Week
    patch, incident = r.randrange(JUDGED + 1, DAYS - 3), r.randrange(JUDGED * 24, HOURS - 6)
    return [
        *_daily(launch, "game launch", (4.0 / (1 + i) for i in range(6))),
        Surge(span(patch, patch + 2), "season patch", 2.5),
        Surge(frozenset(range(incident, incident + 4)), "login incident", 3.0),
    ]


def _ivr(tz: str, r: random.Random, peak: float) -> list[Surge]:
    paydays = ("2026-09-15", "2026-09-30", "2026-10-15")  # the quincena
    return [Surge(local_hours(tz, paydays, range(24)), "payday", 1.6)]


def _app(tz: str, r: random.Random, peak: float) -> list[Surge]:
    return _daily(r.randrange(8, DAYS - 3), "app store feature", (2.2, 1.8, 1.4))


def _oss(tz: str, r: random.Random, peak: float) -> list[Surge]:
    release = r.randrange(2 * 24, HOURS - 8)
    return [
        Surge(span(17, DAYS), "Hacktoberfest", 1.5),
        Surge(frozenset(range(release, release + 6)), "release day", 3.0),
    ]


def _labelling(tz: str, r: random.Random, peak: float) -> list[Surge]:
    start = r.randrange(10, DAYS - 6)
    return [Surge(span(start, start + 8), "new labelling campaign", 2.0)]


def _experiment(tz: str, r: random.Random, peak: float) -> list[Surge]:
    start = r.randrange(5, DAYS - 4)
    out = [Surge(span(0, start), "experiment holdout", 0.06)]
    out += _daily(start, "experiment ramp", (0.3, 0.6, 0.9))
    if r.random() < 0.4:
        out.append(Surge(span(r.randrange(start + 4, DAYS + 2), DAYS), "experiment stopped", 0.0))
    return out


def _etl(tz: str, r: random.Random, peak: float) -> list[Surge]:
    backfill = local_hours(tz, [iso(r.randrange(3, DAYS - 1))], range(1, 12))
    return [
        Surge(local_hours(tz, QUARTER_CLOSE, range(24)), "quarter close", 1.5),
        Surge(backfill, "backfill", 1.0, peak * 2, "cheap"),
    ]


def _evals(tz: str, r: random.Random, peak: float) -> list[Surge]:
    out = []
    for day in (r.randrange(2, JUDGED), r.randrange(JUDGED, DAYS - 1)):
        first = day * 24 + r.randrange(0, 20)
        hours = frozenset(range(first, first + r.randrange(3, 9)))
        out.append(Surge(hours, "eval run on dearest model", 1.0, r.uniform(30, 90), "dearest"))
    out.append(Surge(span(r.randrange(10, DAYS), DAYS), "new team members", 1.5))
    return out


def _sandbox(tz: str, r: random.Random, peak: float) -> list[Surge]:
    joined, hack = r.randrange(7, DAYS), r.randrange(3, DAYS - 1)
    return [
        Surge(span(joined, DAYS), "new team members", 1.6),
        Surge(local_hours(tz, [iso(hack)], range(9, 23)), "hackathon", 1.0, peak * 3, "large"),
    ]


def _dormant(tz: str, r: random.Random, peak: float) -> list[Surge]:
    if r.random() >= 0.5:
        return []
    job = local_hours(tz, ["2026-10-01"], range(2, 4))
    return [Surge(job, "quarter-end job", 1.0, 40, "mid")]


def storm(r: random.Random, first_day: int, last_day: int) -> list[Surge]:
    """Now and then a client bug retries every request for a few hours: the owner's own work,
    three to five times over."""
    if r.random() >= STORM_CHANCE:
        return []
    start = r.randrange(first_day * 24, last_day * 24 - 6)
    hours = frozenset(range(start, start + r.randrange(2, 6)))
    return [Surge(hours, "retry storm", r.uniform(3, 5))]


SURPRISES: dict[str, Callable[[str, random.Random, float], list[Surge]]] = {
    "lms_grading": _lms,
    "legal_discovery": _legal,
    "trading_desk": _trading,
    "game_support": _game,
    "bank_ivr": _ivr,
    "mobile_app": _app,
    "oss_bot": _oss,
    "labelling_vendor": _labelling,
    "growth_experiment": _experiment,
    "nightly_etl": _etl,
    "eval_harness": _evals,
    "dev_sandbox": _sandbox,
    "dormant": _dormant,
}
