"""World 11's roster: twenty owner kinds, four variants each (their zones and dates), and four
keys rotated by their owners in the judged weeks (84 keys a provider).

Stage: benchmarks only (issue #20). The variants' dates are the season's real ones (2025): the
transfer window closing on 1 September, SQA results on 5 August, A levels on 14 August, GCSEs on
21 August, the Leaving Cert on 22 August, gamescom 20-24 August, IFA 5-9 September, Black Hat
and DEF CON 2-10 August, IBC 12-15 September, India's income-tax deadline moved to 15 September,
the US extension deadline on 15 September, Ferragosto, school terms starting from 20 August (US
Midwest) to 3 September (England), Chile's clocks moving on 7 September.
"""

from __future__ import annotations

import random
import string
from datetime import date, timedelta

from bench import usage_world11_owners as work
from bench import usage_world11_seasons as season
from bench.usage_world11_base import FIRST_JUDGED, HOURS, Key, clock
from bench.usage_world11_owners import Owner

OWNERS: dict[str, Owner] = {
    "intern_project": work.intern_project,
    "tax_deadline": work.tax_deadline,
    "translation_agency": work.translation_agency,
    "school_timetable": work.school_timetable,
    "harvest_logistics": work.harvest_logistics,
    "labelling_shifts": work.labelling_shifts,
    "school_retail": work.school_retail,
    "leaver_handoff": work.leaver_handoff,
    "batch_switch": work.batch_switch,
    "travelling_owner": work.travelling_owner,
    "transfer_newsroom": season.transfer_newsroom,
    "exam_results": season.exam_results,
    "launch_week": season.launch_week,
    "conference_app": season.conference_app,
    "southern_winter": season.southern_winter,
    "august_shutdown": season.august_shutdown,
    "back_to_office": season.back_to_office,
    "wildfire_desk": season.wildfire_desk,
    "fantasy_draft": season.fantasy_draft,
    "dormant_woken": season.dormant_woken,
}
# Owners whose requests wait in a queue through an outage and are sent when it ends.
QUEUED = {"batch_switch", "labelling_shifts", "tax_deadline", "school_timetable", "school_retail"}

D = date
ZONES = {
    "intern_project": ("America/New_York", "America/Los_Angeles", "Europe/London", "Asia/Kolkata"),
    "tax_deadline": ("America/New_York", "Asia/Kolkata", "Australia/Sydney", "America/Chicago"),
    "translation_agency": ("Europe/Lisbon", "Europe/Madrid", "Europe/Zagreb", "America/Cancun"),
    "school_timetable": (
        "Europe/London",
        "Europe/Berlin",
        "America/Chicago",
        "Australia/Melbourne",
    ),
    "harvest_logistics": ("America/Winnipeg", "Europe/Kyiv", "America/Regina", "Europe/Warsaw"),
    "labelling_shifts": ("Africa/Nairobi", "Asia/Manila", "Africa/Kampala", "Africa/Cairo"),
    "school_retail": ("America/Chicago", "America/New_York", "America/Phoenix", "America/Toronto"),
    "leaver_handoff": ("Europe/Berlin", "Europe/London", "Europe/Warsaw", "Asia/Kolkata"),
    "batch_switch": ("UTC", "UTC", "UTC", "UTC"),
    "travelling_owner": (
        "Europe/London",
        "America/New_York",
        "Australia/Sydney",
        "America/Toronto",
    ),
    "transfer_newsroom": ("Europe/London", "Europe/Madrid", "Europe/Rome", "Europe/Berlin"),
    "exam_results": ("Europe/London", "Europe/London", "Europe/Dublin", "Europe/London"),
    "launch_week": ("America/Los_Angeles", "America/New_York", "Europe/Berlin", "Asia/Jerusalem"),
    "conference_app": ("Europe/Berlin", "Europe/Berlin", "America/Los_Angeles", "Europe/Amsterdam"),
    "southern_winter": (
        "Pacific/Auckland",
        "America/Argentina/Mendoza",
        "Australia/Melbourne",
        "America/Santiago",
    ),
    "august_shutdown": ("Europe/Rome", "Europe/Paris", "Europe/Madrid", "Europe/Berlin"),
    "back_to_office": ("America/New_York", "America/Chicago", "America/Denver", "America/Chicago"),
    "wildfire_desk": ("America/Vancouver", "Europe/Athens", "Europe/Madrid", "America/Los_Angeles"),
    "fantasy_draft": (
        "America/New_York",
        "America/Chicago",
        "America/Los_Angeles",
        "America/Denver",
    ),
    "dormant_woken": ("America/New_York", "Europe/Paris", "Asia/Tokyo", "Europe/London"),
}
# Requests in the owner's busy hour, before each key's own factor.
SCALE = {
    "intern_project": 25,
    "tax_deadline": 40,
    "translation_agency": 60,
    "school_timetable": 12,
    "harvest_logistics": 120,
    "labelling_shifts": 150,
    "school_retail": 90,
    "leaver_handoff": 20,
    "batch_switch": 220,
    "travelling_owner": 15,
    "transfer_newsroom": 50,
    "exam_results": 70,
    "launch_week": 60,
    "conference_app": 150,
    "southern_winter": 45,
    "august_shutdown": 35,
    "back_to_office": 80,
    "wildfire_desk": 20,
    "fantasy_draft": 100,
    "dormant_woken": 12,
}
# Keys their owners rotate in the judged weeks: (kind, variant).
ROTATED = (
    ("translation_agency", 1),
    ("harvest_logistics", 2),
    ("labelling_shifts", 0),
    ("back_to_office", 3),
)


def key_id(provider: str, rng: random.Random) -> str:
    alphabet = string.ascii_letters + string.digits
    if provider == "openai":
        return "key_" + "".join(rng.choices(alphabet, k=16))
    return "apikey_01" + "".join(rng.choices(alphabet, k=22))


def _days(rng: random.Random, first: date, last: date, share: float) -> set[date]:
    span = (last - first).days + 1
    return {first + timedelta(days=i) for i in range(span) if rng.random() < share}


def _spells(rng: random.Random, count: int, first: date, last: date, length: int) -> set[date]:
    out: set[date] = set()
    for _ in range(count):
        begin = first + timedelta(days=rng.randrange((last - first).days + 1))
        out |= {begin + timedelta(days=i) for i in range(rng.randint(2, length))}
    return out


def params(kind: str, variant: int, rng: random.Random) -> dict[str, object]:
    """The variant's dates and its random season (bursts, rain, snow, fires)."""
    v = variant
    if kind == "intern_project":
        demo = (D(2025, 8, 14), D(2025, 8, 21), D(2025, 8, 7), D(2025, 8, 22))[v]
        return {"demo": demo, "over": demo + timedelta(days=(1, 8, 15, 7)[v])}
    if kind == "tax_deadline":
        return {"deadline": D(2025, 10, 31) if v == 2 else D(2025, 9, 15)}
    if kind == "school_timetable":
        return {"term": (D(2025, 9, 3), D(2025, 8, 25), D(2025, 8, 20), D(2025, 7, 14))[v]}
    if kind == "harvest_logistics":
        first = (D(2025, 8, 12), D(2025, 7, 1), D(2025, 8, 18), D(2025, 7, 21))[v]
        last = (D(2025, 9, 30), D(2025, 8, 22), D(2025, 10, 10), D(2025, 8, 25))[v]
        return {
            "harvest": first,
            "harvest_end": last,
            "rain": _days(rng, D(2025, 7, 1), D(2025, 10, 10), 0.18),
        }
    if kind == "labelling_shifts":
        night = (
            (D(2025, 8, 4), D(2025, 8, 15)),
            (D(2025, 6, 1), D(2025, 6, 10)),
            (D(2025, 7, 28), D(2025, 8, 8)),
            (D(2025, 9, 8), D(2025, 10, 1)),
        )[v]
        return {"night_from": night[0], "night_to": night[1]}
    if kind == "leaver_handoff":
        left = (D(2025, 8, 8), D(2025, 7, 31), D(2025, 8, 14), D(2025, 8, 29))[v]
        start = (D(2025, 8, 18), D(2025, 8, 11), D(2025, 8, 25), D(2025, 9, 3))[v]
        zone = ("Europe/Lisbon", "America/Toronto", "Europe/Warsaw", "Asia/Singapore")[v]
        return {
            "left": left,
            "successor": start,
            "successor_clock": clock(zone),
            "successor_model": ("main", "top", "top", "mini")[v],
            "successor_level": (0.7, 0.4, 1.3, 2.0)[v],
        }
    if kind == "batch_switch":
        return {"switch": (D(2025, 8, 11), D(2025, 8, 20), D(2025, 8, 27), D(2025, 9, 4))[v]}
    if kind == "travelling_owner":
        trips = (
            [
                (D(2025, 8, 4), D(2025, 8, 15), "holiday", "Europe/Athens"),
                (D(2025, 9, 8), D(2025, 9, 12), "work", "America/Los_Angeles"),
            ],
            [
                (D(2025, 7, 28), D(2025, 8, 1), "work", "Asia/Tokyo"),
                (D(2025, 8, 18), D(2025, 8, 29), "holiday", "Europe/Rome"),
            ],
            [(D(2025, 8, 25), D(2025, 9, 5), "work", "Europe/London")],
            [(D(2025, 7, 21), D(2025, 8, 1), "holiday", "America/Toronto")],
        )[v]
        return {"trips": [(a, b, k, clock(z)) for a, b, k, z in trips]}
    if kind == "transfer_newsroom":
        bursts = set()
        for h in range(HOURS):
            pressure = 0.004 + 0.02 * max(0, h - 14 * 24) / (28 * 24) if h < 42 * 24 else 0.002
            if rng.random() < pressure:
                bursts.add(h)
        return {"bursts": bursts}
    if kind == "exam_results":
        return {"results": (D(2025, 8, 14), D(2025, 8, 5), D(2025, 8, 22), D(2025, 8, 21))[v]}
    if kind == "launch_week":
        return {"launch": (D(2025, 7, 29), D(2025, 8, 19), D(2025, 9, 9), D(2025, 9, 2))[v]}
    if kind == "conference_app":
        dates = (
            (D(2025, 8, 20), D(2025, 8, 24)),
            (D(2025, 9, 5), D(2025, 9, 9)),
            (D(2025, 8, 2), D(2025, 8, 10)),
            (D(2025, 9, 12), D(2025, 9, 15)),
        )[v]
        return {"opens": dates[0], "closes": dates[1]}
    if kind == "southern_winter":
        return {"spells": _spells(rng, 4, D(2025, 7, 18), D(2025, 9, 12), 3)}
    if kind == "august_shutdown":
        closed = (
            (D(2025, 8, 8), D(2025, 8, 24)),
            (D(2025, 8, 1), D(2025, 8, 22)),
            (D(2025, 8, 4), D(2025, 8, 22)),
            (D(2025, 7, 28), D(2025, 8, 15)),
        )[v]
        return {"closed_from": closed[0], "closed_to": closed[1]}
    if kind == "wildfire_desk":
        fires = _spells(rng, 2, D(2025, 7, 21), D(2025, 8, 25), 5)
        if rng.random() < 0.5:
            fires |= _spells(rng, 1, D(2025, 8, 26), D(2025, 9, 12), 3)
        return {"fires": fires}
    if kind == "dormant_woken":
        return {"wake": (D(2025, 9, 3), D(2025, 9, 1), D(2026, 1, 1), D(2026, 1, 1))[v]}
    return {}


def roster(provider: str, rng: random.Random) -> list[Key]:
    """Every key of a provider's world: each kind's four variants, then the rotated keys'
    successors (same owner and habits, born the hour the old key dies)."""
    keys = []
    for kind in OWNERS:
        for variant in range(4):
            scale = SCALE[kind] * rng.lognormvariate(0, 0.45)
            keys.append(
                Key(
                    key_id(provider, rng),
                    kind,
                    variant,
                    ZONES[kind][variant],
                    scale,
                    0,
                    HOURS,
                    params(kind, variant, rng),
                )
            )
    for kind, variant in ROTATED:
        old = next(k for k in keys if (k.archetype, k.variant) == (kind, variant))
        hour = rng.randrange((FIRST_JUDGED + 1) * 24, (FIRST_JUDGED + 11) * 24)
        old.dies = hour
        keys.append(
            Key(key_id(provider, rng), kind, variant, old.zone, old.scale, hour, HOURS, old.params)
        )
    return keys
