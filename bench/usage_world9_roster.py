"""World 9's roster: who holds the 87 keys of each provider, and where they keep time.

Stage: benchmarks only (issue #20). One row per owner kind: its habit and its owners, each with
the zone they work in. The owner's words double as the habit's variant where a kind has several
(`advent_bot`, `nomad`, `data_team`, `dormant`); a rotated pair shares its owner, so the new key
carries on the old one's habit.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from bench.usage_world9_base import DAYS, JUDGED_START, Habit, Key, Owner, key_id
from bench.usage_world9_people import (
    data_team,
    dormant,
    nomad,
    office_helpdesk,
    rotated_app,
    thesis_person,
)
from bench.usage_world9_rotas import (
    crew_hitch,
    observatory,
    payroll_batch,
    soc_triage,
    storm_utility,
    tide_pilot,
    ward_notes,
)
from bench.usage_world9_seasons import (
    advent_bot,
    aep_broker,
    cross_border,
    crypto_desk,
    matchday_live,
    race_media,
    retail_peak,
)

LA, NY, CHI, LON = "America/Los_Angeles", "America/New_York", "America/Chicago", "Europe/London"
ROSTER: tuple[tuple[str, Callable[[Owner], Habit], tuple[tuple[str, str], ...]], ...] = (
    ("ward_notes", ward_notes, (
        ("ward 4 west, Chicago", CHI), ("ICU, Chicago", CHI), ("maternity, Manchester", LON),
        ("A&E, Manchester", LON), ("surgical ward, Johannesburg", "Africa/Johannesburg"),
        ("medical ward, Manila", "Asia/Manila"), ("paediatrics, Toronto", "America/Toronto"))),
    ("crew_hitch", crew_hitch, (
        ("platform crew, Aberdeen", LON), ("platform crew, Stavanger", "Europe/Oslo"),
        ("rig crew, Gulf of Mexico", CHI), ("FPSO crew, Perth", "Australia/Perth"),
        ("FPSO crew, Luanda", "Africa/Luanda"), ("gas crew, Ras Laffan", "Asia/Qatar"))),
    ("tide_pilot", tide_pilot, (
        ("pilots, Hamburg", "Europe/Berlin"), ("pilots, Saint John", "America/Halifax"),
        ("pilots, Busan", "Asia/Seoul"))),
    ("observatory", observatory, (
        ("survey telescope, Cerro Pachón", "America/Santiago"),
        ("spectrograph, Cerro Pachón", "America/Santiago"),
        ("telescope, La Palma", "Atlantic/Canary"), ("telescope, Maunakea", "Pacific/Honolulu"))),
    ("soc_triage", soc_triage, (
        ("SOC, Bucharest", "Europe/Bucharest"), ("SOC, Manila", "Asia/Manila"),
        ("SOC, São Paulo", "America/Sao_Paulo"), ("SOC, Pune", "Asia/Kolkata"))),
    ("payroll_batch", payroll_batch, (
        ("payroll bureau, Denver", "America/Denver"), ("payroll bureau, Newark", NY),
        ("payroll bureau, Dublin", "Europe/Dublin"),
        ("payroll bureau, Sydney", "Australia/Sydney"))),
    ("storm_utility", storm_utility, (
        ("power utility, Seattle", LA), ("power utility, Portland", LA),
        ("power utility, Vancouver", "America/Vancouver"))),
    ("retail_peak", retail_peak, (
        ("apparel shop, Brooklyn", NY), ("toy shop, Boston", NY), ("outdoor gear, Chicago", CHI),
        ("cosmetics, Los Angeles", LA), ("electronics, San Jose", LA),
        ("books, Toronto", "America/Toronto"), ("homeware, London", LON),
        ("ski shop, Denver", "America/Denver"))),
    ("cross_border", cross_border, (
        ("seller, Hangzhou", "Asia/Shanghai"), ("seller, Shenzhen", "Asia/Shanghai"),
        ("seller, Yiwu", "Asia/Shanghai"), ("seller, Singapore", "Asia/Singapore"))),
    ("aep_broker", aep_broker, (
        ("Medicare broker, Tampa", NY), ("Medicare broker, Dallas", CHI),
        ("Medicare broker, Phoenix", "America/Phoenix"),
        ("Medicare broker, San Juan", "America/Puerto_Rico"))),
    ("advent_bot", advent_bot, (
        ("puzzles community bot", NY), ("calendar app, Berlin", "Europe/Berlin"),
        ("hanukkah app, Jerusalem", "Asia/Jerusalem"))),
    ("race_media", race_media, (
        ("motorsport desk A", LON), ("motorsport desk B", LON), ("motorsport podcast", LON))),
    ("matchday_live", matchday_live, (
        ("match reports, Lisbon", "Europe/Lisbon"), ("match reports, Madrid", "Europe/Madrid"),
        ("match reports, London", LON),
        ("match reports, Buenos Aires", "America/Argentina/Buenos_Aires"))),
    ("crypto_desk", crypto_desk, (
        ("market desk, Singapore", "Asia/Singapore"), ("market desk, Dubai", "Asia/Dubai"),
        ("market desk, New York", NY), ("market desk, Zug", "Europe/Zurich"))),
    ("thesis_person", thesis_person, (
        ("PhD student, Zurich", "Europe/Zurich"), ("PhD student, Pittsburgh", NY),
        ("PhD student, Seoul", "Asia/Seoul"), ("PhD student, Toronto", "America/Toronto"),
        ("PhD student, Bengaluru", "Asia/Kolkata"), ("PhD student, Melbourne",
                                                     "Australia/Melbourne"))),
    ("nomad", nomad, (
        ("consultant, Lisbon", "Europe/Lisbon"), ("designer, Mexico City", "America/Mexico_City"),
        ("writer, Nairobi", "Africa/Nairobi"))),
    ("office_helpdesk", office_helpdesk, (
        ("helpdesk, Paris", "Europe/Paris"), ("helpdesk, Tokyo", "Asia/Tokyo"),
        ("helpdesk, Sydney", "Australia/Sydney"))),
    ("data_team", data_team, (
        ("backfill, analytics team", "Europe/Amsterdam"), ("migration, support data", NY),
        ("reasoning, contracts team", "Europe/Warsaw"), ("archive, newsroom", "Asia/Singapore"))),
    ("rotated_app", rotated_app, (
        ("invoicing SaaS, Paris", "Europe/Paris"), ("booking SaaS, Dublin", "Europe/Dublin"))),
    ("dormant", dormant, (
        ("check, old prototype", LA), ("check, hackathon demo", "Europe/Berlin"),
        ("check, intern project", "Asia/Kolkata"), ("check, agency handover", LON),
        ("cards, family business", CHI), ("retired, replaced integration", NY))),
)  # fmt: skip


def enrol(provider: str, seed: int) -> list[tuple[Key, Owner]]:
    """Every key of the world with its owner; a rotated app gets two keys, old and new."""
    ids = random.Random(f"world9/{provider}/{seed}/ids")
    when = random.Random(f"world9/{provider}/{seed}/rotations")
    enrolled = []
    for archetype, _, owners in ROSTER:
        for owner, zone in owners:
            spans = [(0, DAYS)]
            if archetype == "rotated_app":
                day = when.randrange(JUDGED_START + 1, DAYS - 2)
                spans = [(0, day + 1), (day, DAYS)]
            elif owner.startswith("retired"):
                spans = [(0, when.randrange(10, 20))]
            for born, retired in spans:
                key = Key(key_id(provider, ids), archetype, owner, zone, born, retired)
                dice = random.Random(f"world9/{provider}/{seed}/{owner}")
                enrolled.append((key, Owner(key, provider, dice)))
    return enrolled


def habit_of(archetype: str) -> Callable[[Owner], Habit]:
    return next(habit for name, habit, _ in ROSTER if name == archetype)
