"""World 8's owners: what kinds of team hold its keys, where they sit, and how they work.

Stage: benchmark (usage watch, issue #20). Each archetype is data: a local-hour shape, requests
an hour at its peak, how it keeps weekends and holidays, the model roles it calls, its request
sizes (log-normal with a Pareto tail of whales), its cache share, and whether its work queues
through a provider outage and is replayed after. `usage_world8_roster` turns these into keys with
their own draws and their own legitimate surprises.
"""

from __future__ import annotations

from dataclasses import dataclass

# Local-hour shapes (0..23), peak 1.0. Tables stay as written, one row per line.
# fmt: off
SHAPES: dict[str, tuple[float, ...]] = {
    "office": (0, 0, 0, 0, 0, 0, .02, .1, .5, .9, 1, 1, .7, .85, 1, .95, .8, .5, .2, .1, .06, .04,
               .02, .01),
    "market": (0, 0, 0, 0, 0, 0, 0, .05, .35, 1, .8, .6, .5, .5, .6, .9, .4, .12, .04, .02, 0, 0,
               0, 0),
    "consumer": (.25, .15, .08, .05, .04, .06, .15, .3, .45, .5, .55, .6, .65, .6, .6, .62, .65,
                 .7, .8, .9, 1, .95, .75, .45),
    "student": (.35, .2, .08, .03, .02, .02, .03, .1, .3, .5, .6, .65, .6, .6, .65, .6, .55, .5,
                .5, .6, .75, .9, 1, .7),
    "night": (0, 1, 1, .9, .6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "shifts": (0, 0, 0, 0, 0, 0, .6, 1, 1, 1, 1, .7, 1, 1, .85, .8, .8, .8, .8, .7, .7, .4, .1, 0),
    "ivr": (.15, .1, .08, .06, .06, .1, .25, .55, .85, 1, 1, .95, .9, .9, .95, .9, .85, .75, .6,
            .5, .4, .35, .3, .2),
    "global": (.4, .35, .3, .3, .35, .45, .6, .75, .85, .9, .9, .9, .95, 1, 1, 1, .95, .9, .85,
               .8, .7, .6, .5, .45),
    "none": (0,) * 24,
}
# fmt: on


@dataclass(frozen=True, slots=True)
class Archetype:
    """How one kind of owner uses its keys; ranges are drawn per key."""

    name: str
    team: str
    count: int
    places: tuple[tuple[str, str], ...]  # (zoneinfo name, country), one drawn per key
    shape: str
    peak: tuple[float, float]  # requests an hour at the shape's peak
    weekend: float  # share of a weekday's work done on a weekend day
    holidays: str  # "off": a holiday is a quiet day; "boost": people have time, use rises
    roles: tuple[tuple[str, float], ...]  # model role -> share of requests
    tokens_in: tuple[float, float]  # mean input tokens a request, log-spread
    tokens_out: tuple[float, float]
    cache: float  # share of input read from the prompt cache
    growth: float  # per-day growth of volume
    is_queued: bool  # work waits through an outage and is replayed after it


# fmt: off
ARCHETYPES: tuple[Archetype, ...] = (
    Archetype("lms_grading", "registrar-lms", 6,
              (("Europe/Dublin", "IE"), ("America/Winnipeg", "CA"), ("Asia/Seoul", "KR"),
               ("America/Chicago", "US")),
              "student", (20, 90), 0.8, "off", (("mid", 0.7), ("small", 0.3)),
              (2600, 0.9), (700, 0.7), 0.45, 1.004, True),
    Archetype("legal_discovery", "litigation-support", 6,
              (("Europe/Lisbon", "PT"), ("America/Monterrey", "MX"), ("America/Bogota", "CO")),
              "office", (6, 30), 0.1, "off", (("large", 0.6), ("mid", 0.4)),
              (9000, 1.1), (900, 0.8), 0.3, 1.0, True),
    Archetype("trading_desk", "markets-research", 8,
              (("Asia/Seoul", "KR"), ("Asia/Taipei", "TW"), ("America/Sao_Paulo", "BR"),
               ("Asia/Jerusalem", "IL"), ("Australia/Sydney", "AU-NSW"), ("Asia/Tokyo", "JP")),
              "market", (15, 60), 0.0, "off", (("mid", 0.8), ("reason", 0.2)),
              (3500, 0.8), (450, 0.6), 0.5, 1.0, False),
    Archetype("game_support", "player-support", 5,
              (("Asia/Shanghai", "CN"), ("Asia/Seoul", "KR"), ("Asia/Taipei", "TW")),
              "consumer", (30, 120), 1.3, "boost", (("small", 0.85), ("mid", 0.15)),
              (1200, 0.7), (260, 0.6), 0.6, 1.0, False),
    Archetype("bank_ivr", "contact-centre", 6,
              (("America/Mexico_City", "MX"), ("America/Santiago", "CL"),
               ("America/Sao_Paulo", "BR")),
              "ivr", (60, 220), 0.55, "off", (("small", 0.9), ("mid", 0.1)),
              (650, 0.5), (90, 0.5), 0.7, 1.0, False),
    Archetype("mobile_app", "consumer-app", 7,
              (("America/Sao_Paulo", "BR"), ("Asia/Kolkata", "IN"), ("America/Mexico_City", "MX"),
               ("Asia/Manila", "PH")),
              "consumer", (150, 600), 1.15, "boost", (("small", 0.75), ("cheap", 0.25)),
              (800, 0.8), (220, 0.7), 0.35, 1.006, False),
    Archetype("oss_bot", "maintainers-bot", 5, (("Etc/UTC", "IE"),),
              "global", (4, 25), 0.75, "flat", (("mid", 0.6), ("small", 0.4)),
              (5200, 1.2), (500, 0.8), 0.2, 1.0, True),
    Archetype("labelling_vendor", "vendor-annotation", 6,
              (("Asia/Manila", "PH"), ("Africa/Nairobi", "KE"), ("Asia/Kolkata", "IN")),
              "shifts", (40, 160), 0.5, "off", (("small", 0.5), ("mid", 0.5)),
              (1800, 0.6), (350, 0.5), 0.55, 1.0, True),
    Archetype("growth_experiment", "growth", 5,
              (("America/Toronto", "CA"), ("Europe/Warsaw", "PL"), ("Pacific/Auckland", "NZ")),
              "consumer", (10, 60), 1.0, "flat", (("small", 0.6), ("mid", 0.4)),
              (900, 0.7), (300, 0.6), 0.3, 1.0, False),
    Archetype("nightly_etl", "data-platform", 5,
              (("Europe/Warsaw", "PL"), ("Australia/Melbourne", "AU-VIC"),
               ("Pacific/Auckland", "NZ")),
              "night", (200, 700), 1.0, "flat", (("cheap", 1.0),),
              (1500, 0.4), (120, 0.4), 0.1, 1.003, True),
    Archetype("model_adopter", "search-relevance", 5,
              (("Europe/Dublin", "IE"), ("America/Bogota", "CO"), ("Asia/Jerusalem", "IL")),
              "office", (20, 80), 0.1, "off", (("old", 1.0),),
              (2200, 0.8), (500, 0.7), 0.4, 1.0, False),
    Archetype("eval_harness", "research-evals", 4,
              (("America/Toronto", "CA"), ("Europe/Lisbon", "PT")),
              "office", (3, 15), 0.2, "off", (("mid", 0.7), ("large", 0.3)),
              (4000, 1.0), (800, 0.8), 0.25, 1.0, False),
    Archetype("dev_sandbox", "platform-dev", 5,
              (("Asia/Tokyo", "JP"), ("Australia/Sydney", "AU-NSW"), ("Africa/Nairobi", "KE"),
               ("Europe/Warsaw", "PL")),
              "office", (2, 12), 0.15, "off", (("mid", 0.5), ("small", 0.3), ("large", 0.2)),
              (3000, 1.3), (600, 1.0), 0.35, 1.0, False),
    Archetype("retired", "legacy-crm", 4,
              (("America/Winnipeg", "CA"), ("Asia/Jerusalem", "IL")),
              "office", (8, 40), 0.1, "off", (("old", 1.0),),
              (1600, 0.7), (350, 0.6), 0.2, 1.0, False),
    Archetype("rotated", "payments-assistant", 6,
              (("America/Santiago", "CL"), ("Europe/Dublin", "IE")),
              "ivr", (20, 80), 0.6, "off", (("small", 0.8), ("mid", 0.2)),
              (900, 0.6), (200, 0.5), 0.5, 1.0, False),
    Archetype("dormant", "finance-close", 4,
              (("America/Toronto", "CA"), ("Australia/Melbourne", "AU-VIC")),
              "none", (0, 0), 0.0, "flat", (("mid", 1.0),),
              (6000, 0.5), (1500, 0.5), 0.0, 1.0, False),
)
# fmt: on
