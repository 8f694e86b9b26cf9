"""World 10's keys: how many of each owner kind, where they live, what they send.

Stage: benchmarks only (issue #20). Counts, zones and request shapes are data; a seed varies each
key's scale, prompt size and output ratio around its kind's, and the hour the rotated keys change.
"""

from __future__ import annotations

import random
from dataclasses import replace

from bench.usage_world10_base import FIRST_JUDGED, HOURS, Key

# kind: "zones, one per key | busy-hour requests, prompt tokens, output ratio, cache share |
#        tier, second tier, its share"
ROSTER: dict[str, str] = {
    "holiday_retail": "America/New_York America/Chicago "
    "America/Los_Angeles America/Toronto America/Denver"
    " | 40 1500 0.25 0.3 | main cheap 0.3",
    "returns_desk": "Europe/London Europe/Dublin Europe/London Europe/Madrid"
    " | 15 2500 0.15 0.2 | cheap main 0.1",
    "payroll_close": "America/Chicago Asia/Manila Europe/Madrid America/Mexico_City"
    " | 60 4000 0.1 0.5 | cheap main 0.05",
    "code_freeze_ci": "Europe/Berlin Europe/Berlin Europe/Amsterdam America/Toronto Europe/Zurich"
    " | 20 6000 0.08 0.5 | main reason 0.1",
    "oncall_copilot": "America/Los_Angeles Europe/Dublin Asia/Singapore"
    " | 6 3000 0.2 0.4 | main reason 0.2",
    "greeting_cards": "America/New_York Europe/London Australia/Melbourne America/Chicago"
    " | 30 400 1.5 0 | main cheap 0.2",
    "nye_wishes": "UTC UTC UTC | 40 200 1.2 0 | cheap main 0.1",
    "travel_agent": "Europe/London America/New_York Asia/Singapore Europe/Paris"
    " | 25 1800 0.3 0.3 | main cheap 0.3",
    "year_in_review": "UTC Asia/Kolkata America/Los_Angeles | 30 3000 0.3 0.2 | main cheap 0",
    "leave_dev": "Europe/Paris Europe/Stockholm America/Denver Asia/Kolkata "
    "Europe/Lisbon America/Sao_Paulo Europe/Prague America/New_York"
    " | 8 5000 0.1 0.6 | reason main 0.3",
    "southern_summer": "Australia/Sydney Pacific/Auckland "
    "America/Sao_Paulo Africa/Johannesburg Australia/Perth"
    " | 12 2000 0.2 0.3 | main cheap 0.2",
    "orthodox_shop": "Europe/Belgrade Europe/Moscow Asia/Tbilisi Europe/Kyiv"
    " | 20 1200 0.3 0.2 | cheap main 0.2",
    "charity_drive": "America/New_York America/Chicago Europe/London"
    " | 10 800 1 0.1 | main cheap 0.1",
    "resolution_app": "America/New_York Europe/London America/Los_Angeles"
    " | 25 600 0.8 0.1 | cheap main 0.2",
    "queue_worker": "Asia/Kolkata Asia/Singapore Europe/Warsaw Asia/Kolkata Asia/Jakarta"
    " | 30 3500 0.1 0.3 | cheap main 0.1",
    "rotated_pair": "America/New_York Europe/London Asia/Tokyo Asia/Tokyo"
    " | 15 1500 0.2 0.2 | main cheap 0.2",
    "dormant": "Europe/Berlin America/Chicago Asia/Tokyo "
    "America/Los_Angeles Australia/Adelaide Europe/Rome"
    " | 6 1000 0.5 0 | main top 0.1",
    "game_event": "Asia/Seoul Asia/Tokyo Asia/Taipei Asia/Seoul | 50 700 0.6 0.3 | cheap nano 0.3",
    "hospital_rota": "America/Toronto Europe/London Australia/Brisbane"
    " | 10 3000 0.3 0.2 | main reason 0.1",
    "newsroom": "Europe/London America/New_York Europe/Madrid Asia/Kolkata"
    " | 12 2500 0.4 0.2 | main cheap 0.1",
}


def key_id(provider: str, rng: random.Random) -> str:
    """Ids shaped like each provider's: OpenAI's `key_…`, Anthropic's `apikey_01…`."""
    tail = "".join(
        rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz123456789") for _ in range(16)
    )
    return f"key_{tail}" if provider == "openai" else f"apikey_01{tail}"


def roster(provider: str, rng: random.Random) -> list[Key]:
    """Every kind's keys; each rotated pair's old key dies at a judged hour and a new one takes
    over from the next bucket, with the same habits."""
    keys: list[Key] = []
    for kind, row in ROSTER.items():
        zones, numbers, tiers = (part.split() for part in row.split("|"))
        scale, prompt, ratio, cache = (float(n) for n in numbers)
        tier, second, share = tiers[0], tiers[1], float(tiers[2])
        for variant, zone_name in enumerate(zones):
            keys.append(
                Key(
                    key_id=key_id(provider, rng),
                    archetype=kind,
                    zone=zone_name,
                    scale=scale * rng.lognormvariate(0, 0.6),
                    tier=tier,
                    second=second,
                    share=share * rng.uniform(0.5, 1.5),
                    prompt=round(prompt * rng.lognormvariate(0, 0.3)),
                    ratio=ratio * rng.lognormvariate(0, 0.2),
                    cache=min(0.9, cache * rng.uniform(0.6, 1.4)),
                    variant=variant,
                )
            )
            if kind == "rotated_pair":
                change = rng.randrange((FIRST_JUDGED + 1) * 24, (FIRST_JUDGED + 10) * 24)
                keys[-1] = replace(keys[-1], dies=change)
                keys.append(
                    replace(keys[-1], key_id=key_id(provider, rng), born=change, dies=HOURS)
                )
    return keys
